"""The signature block (Decree 30, Phụ lục I §II.7): authority lines (`TM. ỦY BAN NHÂN DÂN`, `KT. CHỦ TỊCH`), the
signer's post (`PHÓ CHỦ TỊCH`), the signature and seal, and the signer's name, perhaps after a rank (`Đại tá`).

It stands in the right column beside `Nơi nhận` at the end of a document (of the first document, in a file that
holds several). OCR of a seal over the block leaves debris between its lines; only lines that read as an authority,
a post or a name are taken, and a name read by OCR must open with a known family name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline.stages.header.lines import HLine
from pipeline.vi.orgs import body_case, body_kind
from pipeline.vi.persons import OFFICE_NAMES, office_of, person_name, strip_rank
from pipeline.vi.text import sentence_case

# `TM.`, `KT.`, `TL.`, `TUQ.`, `Q.` (and the older `T/M`, `K/T`) before a post or a body in capitals
AUTHORITY = re.compile(r"^\W{0,3}(TM|KT|TL|TUQ|T/M|K/T|Q(?=\.))\s*[.:/]?\s*(?=[A-ZĐÂĂÊÔƠƯÁÀẢÃẠỦỨỪ])")
# OCR may put a speck before it (`Á Nơi nhận:`) or lose its first letter under a fold (`ơi nhận:`, `jơi nhận:`)
_RECIPIENTS = re.compile(r"^\W*\w?\W*n?oi nhan\b")
_FILE_COPY = re.compile(r"^\W*luu\s*[:;.]?\s*vt\b")  # `- Lưu: VT, …`: the last line of `Nơi nhận`


@dataclass
class Signature:
    authority: list[HLine] = field(default_factory=list)
    posts: list[HLine] = field(default_factory=list)
    name_line: HLine | None = None
    name: str | None = None
    rank: str | None = None


def read_signature(lines: list[HLine], page_width: float) -> Signature:
    """The signature block among one document's lines (`lines`), or an empty one."""
    block = _block(lines, page_width)
    sig = Signature()
    for hl in block:
        text = hl.text.strip()
        if AUTHORITY.match(text) and _caps(text):
            if sig.name_line is None:
                sig.authority.append(hl)
            continue
        if sig.name_line is None and _caps(text) and (office_of(text) or body_kind(text)):
            sig.posts.append(hl)
            continue
        name = _name_of(hl)
        if name and (sig.authority or sig.posts or hl is block[-1] or _below_posts(block, hl)):
            sig.name_line, sig.name = hl, name
            sig.rank = strip_rank(text.strip(" .,;:'`\"|_-—"))[1]
    return sig


def _name_of(hl: HLine) -> str | None:
    """The name a line reads as: its text, or as OCR read it when normalize's repairs took a garbled family name
    apart (`Hơàăng` -> `Hơ à ăng`), which persons.family_name can still mend as one word."""
    strict = hl.confidence is not None
    return person_name(hl.text.strip(), strict=strict) or (person_name(hl.raw, strict=strict) if hl.raw else None)


def _below_posts(block: list[HLine], hl: HLine) -> bool:
    """A name with no authority or post read above it (a seal hid them) still ends the block."""
    return all(other.bbox is None or hl.bbox is None or other.bbox[1] <= hl.bbox[1] for other in block)


def _block(lines: list[HLine], width: float) -> list[HLine]:
    """The lines of the signature block: beside and under `Nơi nhận` in the right column (PDF), or after the
    recipients list (text); without `Nơi nhận` (OCR lost it), from the last authority line on, or beside the list's
    last line (`Lưu: VT`)."""
    anchor = _last(lines, lambda hl: bool(_RECIPIENTS.match(hl.key)))
    if anchor is None:
        anchor = _last(lines, lambda hl: bool(AUTHORITY.match(hl.text.strip())))
    above = 0
    if anchor is None and lines and lines[0].bbox is not None:
        anchor, above = _last(lines, lambda hl: bool(_FILE_COPY.match(hl.key))), 14
    if anchor is None:
        return []
    nn = lines[anchor]
    if nn.bbox is None:
        return [hl for hl in lines[anchor:] if not hl.text.lstrip().startswith(("-", "+", "•"))][:12]
    lh = nn.height or 12.0
    top = nn.bbox[1] - max(4, above) * lh
    page = [hl for hl in lines if hl.page == nn.page and hl.bbox is not None]
    right = [hl for hl in page if hl.centre > 0.5 * width and hl.bbox and hl.bbox[1] >= top]
    return sorted(right, key=lambda hl: hl.bbox[1] if hl.bbox else 0.0)


def _last(lines: list[HLine], test: Callable[[HLine], bool]) -> int | None:
    return next((i for i in range(len(lines) - 1, -1, -1) if test(lines[i])), None)


def _caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def authority_text(sig: Signature) -> str | None:
    """`TM. Ủy ban nhân dân; KT. Chủ tịch`: each authority line, prefix kept, in normal case."""
    parts = []
    for hl in sig.authority:
        m = AUTHORITY.match(hl.text.strip())
        if m:
            prefix = m.group(1).upper().replace("T/M", "T/M").replace("K/T", "K/T")
            sep = "" if "/" in prefix else "."
            rest = hl.text.strip()[m.end() :].strip()
            named = body_case(rest, abbreviate=False) if body_kind(rest) else _post_case(rest)
            parts.append(f"{prefix}{sep} {named}")
    return "; ".join(parts) or None


def post_text(sig: Signature) -> str | None:
    """The signer's post: the post lines under the authority lines (`PHÓ CHỦ TỊCH`), in normal case."""
    posts = [hl.text.strip(" .,;:_-`'") for hl in sig.posts if office_of(hl.text)]
    return _post_case(posts[0]) if posts else None


def _post_case(text: str) -> str:
    """`PHO CHU TICH` (OCR lost its marks) -> `Phó Chủ tịch`: the post as Decree 30 spells it, the rest as read."""
    office = office_of(text)
    if office is None:
        return sentence_case(text)
    n = len(office.split())
    words = text.split()
    rest = " ".join(words[n:])
    return " ".join(x for x in (OFFICE_NAMES[office], body_case(rest) if rest.isupper() else rest) if x)

"""Where facts are looked for: the body's paragraphs, cut into sentences, each with the section it belongs to."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pipeline import deadline
from pipeline.records import Document, Paragraph
from pipeline.stages.structure import AUTHORITY, DOC_TYPES, Layout, Section, keys, section_tree
from pipeline.vi.text import DOC_NUMBER_RE

# A sentence ends at a full stop followed by a space and a capital or a list mark, or at the paragraph's end.
# Numbers (`12.800`), dates (`15/3/2024`) and abbreviations (`TM.`) do not end one.
_SENTENCE_END = re.compile(r"(?<=[^\d\s.][.!?])\s+(?=[A-ZĐÀ-Ỹ“\"(-]|\d{1,3}(?:[.,]\d+)?\s*%)|(?<=[.!?])\s+(?=[-+•]\s)")
_MARKER = re.compile(r"^\s*(?:[IVXLC]{1,5}\s*[.:)]|\d{1,2}(?:\.\d{1,2})*\s*[.)]|[a-zđ]\)|[-+•*–—])\s*")


@dataclass(frozen=True)
class Sentence:
    paragraph: int  # index in Document.paragraphs
    start: int  # offsets in the paragraph's corrected text
    end: int
    text: str
    section: Section | None
    headings: tuple[str, ...]  # headings of the enclosing sections, outermost first

    @property
    def topic(self) -> str:
        return self.section.topic if self.section else "other"


# The longest stretch read as one sentence. Plans' sentences run to a few hundred characters; a longer run (a
# list with no full stop, or a crafted input) is cut at clause boundaries, so that the work and the evidence of
# each fact stay bounded and a document costs time in proportion to its length.
MAX_SENTENCE = 1500


def sentences_of(p: Paragraph, index: int, section: Section | None, headings: tuple[str, ...]) -> Iterator[Sentence]:
    text = p.text
    start = 0
    marker = _MARKER.match(text)
    if marker:
        start = marker.end()
    for m in _SENTENCE_END.finditer(text, start):
        yield from _pieces(text, start, m.start(), index, section, headings)
        start = m.end()
    yield from _pieces(text, start, len(text), index, section, headings)


def _pieces(
    text: str, start: int, end: int, index: int, section: Section | None, headings: tuple[str, ...]
) -> Iterator[Sentence]:
    """text[start:end] as one sentence, or as pieces of at most MAX_SENTENCE cut where a clause ends."""
    while start < end:
        deadline.check()  # every stage that reads sentences passes here
        stop = end if end - start <= MAX_SENTENCE else _cut(text, start, start + MAX_SENTENCE)
        if text[start:stop].strip():
            yield Sentence(index, start, stop, text[start:stop], section, headings)
        start = stop


def _cut(text: str, start: int, limit: int) -> int:
    """Where a run too long for one sentence is cut: after its last `;`, else `,`, else space in its second half."""
    for sep in ("; ", ", ", " "):
        at = text.rfind(sep, start + MAX_SENTENCE // 2, limit)
        if at >= 0:
            return at + len(sep)
    return limit


# Where one document of a bundle ends and the next begins: its closing remarks, `Nơi nhận`, its signing authority,
# the national motto or the type heading of the next one.
_BREAK = re.compile(r"^(?:tren day la|noi nhan|cong hoa xa hoi chu nghia)\b")


def _is_break(doc: Document, i: int, k: str) -> bool:
    p = doc.paragraphs[i]
    if _BREAK.match(k) or (AUTHORITY.match(p.text) and p.text[:6].isupper()):
        return True
    return any(k.startswith(t) for t in DOC_TYPES) and p.text[:8].isupper() and len(k) < 200


def fact_sections(doc: Document, lay: Layout) -> list[Section]:
    """The numbered sections facts are read from: the body's, then those of every document attached after it (the
    plan a decision issues, the draft a Tờ trình submits, an appendix), each read as its own section tree."""
    out = list(lay.sections)
    covered = [i for s in lay.all_sections() for i in s.paragraphs]
    start = max(covered) + 1 if covered else (lay.preamble[-1] + 1 if lay.preamble else 0)
    ks = keys(doc)
    zone_start = start
    for i in range(start, len(ks) + 1):
        if i < len(ks) and not _is_break(doc, i, ks[i]):
            continue
        if i > zone_start:
            out.extend(section_tree(doc, ks, zone_start, i))
        zone_start = i + 1
    return out


_LEGAL_BASIS = re.compile(r"^(?:can cu|xet de nghi|theo de nghi)\b")
_DATE_LINE = re.compile(r"^[^,]{2,40},\s*ngay\b.{0,12}\bthang\b")  # `Lâm Đồng, ngày … tháng 3 năm 2026`
_ADDRESS = re.compile(r"^(?:noi nhan|kinh gui)\b")


def running_paragraphs(doc: Document, lay: Layout) -> list[int]:
    """Paragraphs of running text after the title, in every document of a bundle: not the legal basis, the
    addressees (`Kính gửi`, `Nơi nhận` and their items), signature blocks, headers or type headings."""
    ks = keys(doc)
    start = (lay.title[-1] + 1) if lay.title else ((lay.type_para or -1) + 1)
    skip = set(lay.recipients) | set(lay.signature)
    preamble = set(lay.preamble)
    out: list[int] = []
    listing = False
    for i in range(start, len(ks)):
        p = doc.paragraphs[i]
        if _ADDRESS.match(ks[i]):
            listing = True
            continue
        if listing and (p.text.lstrip()[:1] in "-+•–" or len(p.text) < 60):
            continue  # the items of `Nơi nhận` / `Kính gửi`, and the signature block set beside them
        listing = False
        if i in skip or _is_break(doc, i, ks[i]) or p.text[:12].isupper() or _DATE_LINE.match(ks[i]):
            continue
        if i in preamble and _LEGAL_BASIS.match(ks[i]) and DOC_NUMBER_RE.search(p.text) and "ke hoach nay" not in ks[i]:
            continue  # `Căn cứ Quyết định số …`: the legal basis; `Căn cứ chức năng, nhiệm vụ …` in a task is a task
        out.append(i)
    return out


def body_sentences(doc: Document, lay: Layout) -> Iterator[Sentence]:
    """Every sentence of the numbered body and of attached documents (headings included), in reading order, with
    its section."""

    def walk(section: Section, headings: tuple[str, ...]) -> Iterator[tuple[int, Section, tuple[str, ...]]]:
        here = (*headings, section.heading)
        for i in section.paragraphs:
            yield i, section, here
        for child in section.children:
            yield from walk(child, here)

    for top in fact_sections(doc, lay):
        for i, section, headings in walk(top, ()):
            yield from sentences_of(doc.paragraphs[i], i, section, headings)


def preamble_sentences(doc: Document, lay: Layout) -> Iterator[Sentence]:
    for i in lay.preamble:
        yield from sentences_of(doc.paragraphs[i], i, None, ())

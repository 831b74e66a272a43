"""Structure: the layout every Vietnamese official document shares (Decree 30/2020/NĐ-CP), found in the paragraphs.

Zones, in reading order: header (issuer, national motto, `Số: …`, place and date, perhaps a receiving stamp),
document type and title, preamble (`Căn cứ …`, `Thực hiện …`), numbered sections, closing remarks, `Nơi nhận`,
signature block (`TM.`/`KT.`/…, title, name), appendices (`Kèm theo Kế hoạch số …`). Matching is done on toneless
text, so OCR's wrong tone marks do not hide a zone; every value is sliced from the corrected text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.plan import Topic
from pipeline.records import Document, Paragraph
from pipeline.stages.header import Header, HLine, read_headers
from pipeline.vi.text import key

DOC_TYPES = {
    "ke hoach": "Kế hoạch", "quyet dinh": "Quyết định", "chi thi": "Chỉ thị", "thong bao": "Thông báo",
    "huong dan": "Hướng dẫn", "chuong trinh": "Chương trình", "phuong an": "Phương án", "de an": "Đề án",
    "bao cao": "Báo cáo", "nghi quyet": "Nghị quyết", "cong van": "Công văn", "to trinh": "Tờ trình",
    "quy che": "Quy chế", "quy dinh": "Quy định",
}  # fmt: skip

AUTHORITY = re.compile(r"^\s*(TM|KT|TL|TUQ|Q)\s*\.\s*(.*)$")
_PREAMBLE_START = re.compile(r"^(can cu|thuc hien|tren co so|theo de nghi|xet de nghi|de trien khai|nham)\b")
_MOTTO = re.compile(r"cong hoa xa hoi|doc lap\s*-?\s*tu do|doc lap - tu do")
_ANNEX = re.compile(r"^\(?\s*kem theo\b")
_CLOSING = re.compile(r"^tren day la\b")
_RECIPIENTS = re.compile(r"^noi nhan\s*:?")

ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10, "XI": 11,
         "XII": 12, "XIII": 13, "XIV": 14, "XV": 15}  # fmt: skip
_ROMAN_RE = re.compile(r"^\s*([IVXLHl1|]{1,5})\s*[.:)]\s*(?=\S)")
_DECIMAL_RE = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2})+)\.?\s+(?=\S)")
_ARABIC_RE = re.compile(r"^\s*(\d{1,2})\s*[.)](?:\s+(?=\S)|(?=[^\d\s/.,]))")
_LETTER_RE = re.compile(r"^\s*([a-zđ])\s*\)\s*(?=\S)")

TOPICS: tuple[tuple[Topic, tuple[str, ...]], ...] = (
    ("purpose", ("muc dich",)),
    ("requirements", ("yeu cau",)),
    ("targets", ("muc tieu", "chi tieu")),
    ("budget", ("kinh phi", "nguon kinh phi", "du toan")),
    ("implementation", ("to chuc thuc hien", "trach nhiem", "phan cong")),
    ("tasks", ("nhiem vu", "noi dung", "giai phap", "hoat dong")),
)


@dataclass
class Section:
    number: str
    heading: str
    level: int
    rank: int  # kind of marker: 1 roman, 2 arabic, 3+ decimal depth, 6 letter
    paragraphs: list[int] = field(default_factory=list)  # own paragraphs (heading paragraph first)
    children: list[Section] = field(default_factory=list)
    topic: Topic = "other"
    heading_end: int = 0  # where the heading ends in the first paragraph's text

    def walk(self) -> list[Section]:
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out


@dataclass
class Layout:
    """Indices into Document.paragraphs for each zone (empty when the document lacks it)."""

    header: list[int] = field(default_factory=list)
    type_para: int | None = None
    doc_type: str | None = None
    title: list[int] = field(default_factory=list)
    preamble: list[int] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    closing: list[int] = field(default_factory=list)
    recipients: list[int] = field(default_factory=list)
    signature: list[int] = field(default_factory=list)
    appendices: list[list[int]] = field(default_factory=list)
    lines: list[HLine] = field(default_factory=list)  # every line, for the line-level header (stages/header)
    headers: list[Header] = field(default_factory=list)  # one per document the file holds; the first is its own

    def all_sections(self) -> list[Section]:
        return [s for top in self.sections for s in top.walk()]


def keys(doc: Document) -> list[str]:
    return [key(p.text) for p in doc.paragraphs]


def find_type(doc: Document, ks: list[str]) -> tuple[int | None, str | None]:
    """The paragraph that names the document type in capitals (`KẾ HOẠCH`), near the top."""
    for i, (p, k) in enumerate(zip(doc.paragraphs[:40], ks[:40], strict=False)):
        for t, proper in DOC_TYPES.items():
            head = p.text[: len(t)]
            if k.startswith(t) and head.isupper() and (len(k) == len(t) or not k[len(t)].isalpha()):
                return i, proper
    return None, None


def layout(doc: Document) -> Layout:
    ks = keys(doc)
    out = Layout()
    type_at, out.doc_type = find_type(doc, ks)
    start = 0
    if type_at is not None:
        out.header = list(range(type_at))
        out.type_para = type_at
        out.title = title_paragraphs(doc, ks, type_at)
        start = (out.title[-1] if out.title else type_at) + 1
    end = body_end(doc, ks, start)
    first_heading = next((i for i in range(start, end) if marker(doc.paragraphs[i].text, ks[i]) is not None), end)
    out.preamble = [i for i in range(start, first_heading) if not _RECIPIENTS.match(ks[i])]
    out.sections = section_tree(doc, ks, first_heading, end)
    out.closing = [i for i in range(end, len(ks)) if _CLOSING.match(ks[i])]
    out.recipients = recipient_paragraphs(doc, ks)
    out.signature = signature_paragraphs(doc, ks, set(out.recipients))
    out.appendices = appendix_zones(doc, ks, out)
    out.lines, out.headers = read_headers(doc)
    return out


def title_paragraphs(doc: Document, ks: list[str], type_at: int) -> list[int]:
    """The type paragraph (when the title follows the type on it) and the title paragraphs after it."""
    paras = doc.paragraphs
    rest = paras[type_at].text[len(next(t for t in DOC_TYPES if ks[type_at].startswith(t))) :].strip()
    found = [type_at] if rest else []
    for i in range(type_at + 1, min(type_at + 5, len(paras))):
        k = ks[i]
        if _PREAMBLE_START.match(k) or marker(paras[i].text, k) is not None or len(paras[i].text) > 250:
            break
        if found and paras[found[-1]].bold and not paras[i].bold and paras[i].lines[0].bbox is not None:
            break
        found.append(i)
        if paras[i].text.rstrip().endswith((".", ";")):
            break
    return found


def body_end(doc: Document, ks: list[str], start: int) -> int:
    """Where the numbered body stops: the closing remarks, `Nơi nhận`, the signature or an appendix."""
    for i in range(start, len(ks)):
        if _CLOSING.match(ks[i]) or _RECIPIENTS.match(ks[i]) or _ANNEX.match(ks[i]):
            return i
        if AUTHORITY.match(doc.paragraphs[i].text) and doc.paragraphs[i].text[:6].isupper():
            return i
    return len(ks)


def marker(text: str, k: str) -> tuple[int, str, int] | None:
    """(rank, number, end of marker) when a paragraph starts with a section number."""
    m = _DECIMAL_RE.match(text)
    if m:
        return 2 + m.group(1).count("."), m.group(1), m.end()
    m = _ARABIC_RE.match(text)
    if m:
        return 2, m.group(1), m.end()
    m = _ROMAN_RE.match(text)
    if m and (m.group(1) in ROMAN or _upper_heading(text[m.end() :])):
        return 1, m.group(1), m.end()
    m = _LETTER_RE.match(text)
    if m:
        return 6, m.group(1), m.end()
    return None


def _upper_heading(rest: str) -> bool:
    letters = [c for c in rest if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters[:12])


def split_heading(p: Paragraph, start: int) -> int:
    """Where a numbered paragraph's heading ends: all of it when it reads as a heading, else at a colon or stop."""
    text = p.text
    rest = text[start:]
    if p.bold or _upper_heading(rest) or (len(rest) <= 90 and not re.search(r"[.;]\s+\S", rest)):
        return len(text)
    if len(rest) <= 250 and not re.search(r"[.;]\s+\S", rest) and not rest.rstrip().endswith((".", ";")):
        return len(text)  # one unfinished phrase, however long, is a heading: `b) Các hoạt động nhân Ngày … (theo …)`
    m = re.search(r"[:.](\s|$)", rest)
    if m and m.start() <= 100:
        return start + m.start() + 1
    return start


def section_tree(doc: Document, ks: list[str], first: int, end: int) -> list[Section]:
    roots: list[Section] = []
    stack: list[Section] = []
    last_roman = 0
    for i in range(first, end):
        p = doc.paragraphs[i]
        found = marker(p.text, ks[i])
        if found is None:
            if stack:
                stack[-1].paragraphs.append(i)
            continue
        rank, number, at = found
        if rank == 1:
            # Top-level numerals only increase: an OCR misreading (`H.` or `II.` for `III.`) is the next one.
            value = ROMAN.get(number, 0)
            value = value if value > last_roman else last_roman + 1
            number = next(r for r, v in ROMAN.items() if v == value) if value in ROMAN.values() else number
            last_roman = value
        while stack and stack[-1].rank >= rank:
            stack.pop()
        heading_end = split_heading(p, at)
        heading = p.text[at:heading_end].strip().rstrip(":").strip()
        section = Section(number=number, heading=heading, level=len(stack) + 1, rank=rank, paragraphs=[i])
        section.heading_end = heading_end
        section.topic = topic_of(heading, stack[-1].topic if stack else "other")
        (stack[-1].children if stack else roots).append(section)
        stack.append(section)
    return roots


def topic_of(heading: str, inherited: Topic) -> Topic:
    """A heading's topic: named at its start, or anywhere in a short heading (`II. MỤC TIÊU, CHỈ TIÊU`); a long
    numbered item (`3. 100% các huyện tổ chức các hoạt động …`) keeps its parent's."""
    k = key(heading)
    short = len(k.split()) <= 8
    for topic, words in TOPICS:
        if any(k.startswith(w) or (short and f" {w}" in f" {k}") for w in words):
            return topic
    return inherited


def recipient_paragraphs(doc: Document, ks: list[str]) -> list[int]:
    """The `Nơi nhận:` paragraph and the list items that follow it."""
    start = next((i for i, k in enumerate(ks) if _RECIPIENTS.match(k)), None)
    if start is None:
        return []
    out = [start]
    for i in range(start + 1, len(ks)):
        p = doc.paragraphs[i]
        if p.text.lstrip().startswith(("-", "+", "•", "–")):
            out.append(i)
        elif _is_caps(p) or is_person_name(p.text) or sum(c.isalpha() for c in p.text) < 4:
            continue  # the signature block, laid out beside the list, may be read between its items; or a speck
        else:
            break
    return out


def signature_paragraphs(doc: Document, ks: list[str], skip: set[int]) -> list[int]:
    """The authority line (`TM. …`, `KT. …`), the signer's title lines and the signer's name."""
    at = next(
        (
            i
            for i in range(len(ks) - 1, -1, -1)
            if AUTHORITY.match(doc.paragraphs[i].text) and _is_caps(doc.paragraphs[i])
        ),
        None,
    )
    if at is None:
        return []
    out = [at]
    for i in range(at + 1, min(at + 40, len(ks))):
        p = doc.paragraphs[i]
        if _ANNEX.match(ks[i]):
            break
        if i in skip or not (_is_caps(p) or is_person_name(p.text)):
            continue
        out.append(i)
        if is_person_name(p.text):
            break
    return out


def _is_caps(p: Paragraph) -> bool:
    letters = [c for c in p.text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.7


def is_person_name(text: str) -> bool:
    """Two to six capitalised words, letters only: how a signer's name is printed."""
    words = text.strip().split()
    if not 2 <= len(words) <= 6 or any(ch.isdigit() for ch in text):
        return False
    if any(w in {"TM.", "KT.", "TL.", "TUQ.", "Q."} for w in words):
        return False
    if not all(w[0].isupper() and w.replace("-", "").isalpha() for w in words):
        return False
    k = key(text)
    return not any(word in k.split() for word in ("tinh", "ban", "chu", "uy", "pho", "tich", "so", "ubnd"))


def appendix_zones(doc: Document, ks: list[str], out: Layout) -> list[list[int]]:
    """Each appendix: its capitalised title paragraphs, the `(Kèm theo …)` line and what follows."""
    starts = [i for i, k in enumerate(ks) if _ANNEX.match(k) and i > ((out.sections and out.type_para) or 0)]
    zones: list[list[int]] = []
    taken = set(out.signature) | set(out.recipients)
    for n, at in enumerate(starts):
        first = at
        while first - 1 >= 0 and first - 1 not in taken and _is_caps(doc.paragraphs[first - 1]):
            first -= 1
        last = starts[n + 1] if n + 1 < len(starts) else len(ks)
        zones.append([i for i in range(first, last) if i not in taken])
    return zones


def is_stamp(text: str) -> bool:
    """A receiving stamp (`ĐẾN Số: 112 Ngày: …`): OCR often reads its ĐẾN as ĐỀN, which the toneless form hides."""
    return bool(re.match(r"^\s*den\s*[:.]?\s*so\b", key(text)))

"""The lines a header is read from, each with its kind (motto, number, place and date, stamp …).

Page 1 is two columns over the body: on the left the parent body and the issuing body (capitals), a rule, `Số: …`
and, for a Công văn, the `V/v …` summary; on the right the national motto, a rule and the place-and-date line.
Under them, centred, the type (`KẾ HOẠCH`) and the title. Lines are read, not paragraphs: OCR and the text layer
often join the two columns or put e-office stamps elsewhere in the reading order. With boxes (PDF), a line belongs
to the column its centre lies in; plain text keeps only the order of the lines.

What sits on a page but is not the document is marked and left out: e-signature boxes (`Ký bởi`, `Thời gian ký`),
`SAO Y` copy lines, receiving stamps (`ĐẾN Số: … Ngày: …`), urgency and secrecy marks (`HỎA TỐC`, `KHẨN`, `MẬT`)
and `DỰ THẢO`. A file may hold several documents (a Tờ trình and the draft it submits): each begins with its own
motto and number or date line; the first one's header is the file's.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace

from rapidfuzz.distance import Levenshtein

from pipeline.records import BBox, Document, Line, Paragraph
from pipeline.vi.orgs import split_bodies
from pipeline.vi.persons import office_of, person_name
from pipeline.vi.text import key

DOC_TYPES = {
    "ke hoach": "Kế hoạch", "quyet dinh": "Quyết định", "chi thi": "Chỉ thị", "thong bao": "Thông báo",
    "huong dan": "Hướng dẫn", "chuong trinh": "Chương trình", "phuong an": "Phương án", "de an": "Đề án",
    "bao cao": "Báo cáo", "nghi quyet": "Nghị quyết", "cong van": "Công văn", "to trinh": "Tờ trình",
    "quy che": "Quy chế", "quy dinh": "Quy định", "nghi dinh": "Nghị định", "phieu trinh": "Phiếu trình",
    "van ban hop nhat": "Văn bản hợp nhất", "thong tu": "Thông tư", "cong dien": "Công điện", "bien ban": "Biên bản",
    "du an": "Dự án", "thong cao": "Thông cáo", "giay moi": "Giấy mời", "phu luc": "Phụ lục",
    "thong tu lien tich": "Thông tư liên tịch", "luat": "Luật", "phieu chuyen": "Phiếu chuyển",
}  # fmt: skip
# Decree 30, Phụ lục III: the type's abbreviation that opens a number's symbol (`33/KH-BCĐ`); a Công văn has none.
TYPE_SYMBOLS = {
    "NQ": "Nghị quyết", "QĐ": "Quyết định", "CT": "Chỉ thị", "QC": "Quy chế", "QYĐ": "Quy định", "TC": "Thông cáo",
    "TB": "Thông báo", "HD": "Hướng dẫn", "CTR": "Chương trình", "KH": "Kế hoạch", "PA": "Phương án",
    "ĐA": "Đề án", "DA": "Dự án", "BC": "Báo cáo", "BB": "Biên bản", "TTR": "Tờ trình", "CĐ": "Công điện",
    "GM": "Giấy mời", "NĐ": "Nghị định", "TT": "Thông tư", "TTLT": "Thông tư liên tịch", "VBHN": "Văn bản hợp nhất",
    "PTR": "Phiếu trình",
}  # fmt: skip

# The state's motto; a Party body's documents carry `ĐẢNG CỘNG SẢN VIỆT NAM` in its place.
MOTTO = re.compile(
    r"cong hoa xa\b|hoi chu nghia|chu nghia viet nam|doc lap\W*tu do|tu do\W*hanh phuc|^\W*dang cong san viet nam"
)
NUMBER = re.compile(r"^\W{0,3}s[o0]\s*[:;.,]|^\W{0,3}so\s+(?=\S*/)")
PLACE_DATE = re.compile(r"^\W*[^\W\d]\w*(?: \w+){0,5} ?[,.]\s*ngay.{0,16}?thang.{0,14}?nam\W{0,3}(?:19|20)\d\d")
VV = re.compile(r"^\W{0,2}v\s*/\s*v\b")
ESIGN = re.compile(
    r"ky boi|nguoi ky|thoi gian ky|co quan\s*:|email|\w@\w+\.|\+0?7\s*:?\s*00|\d\d:\d\d:\d\d|signature|"
    r"ky so\s*(?:boi|luc|:)|chung thu\s*(?:so)?\s*:|"  # a box's labels, not `chữ ký số` in a sentence or a title
    r"trung tam cong bao|cong bao va|bao va tin hoc|\d{4}-\d\d-\d\dt\d"
)
COPY = re.compile(r"^\W*(?:sao y|sao luc|trich sao|ban sao)\b")
RECEIVED = re.compile(
    r"^\W*(?:cv\s+)?den\W*(?:$|so\b|ngay\b|[):])|\bden\s+so\b|^\W*chuyen\s*:|so va ky hieu|luu ho so|^\W*ngay\s*:"
)
MARKS = re.compile(r"^\W*(?:hoa toc(?: hen gio)?|thuong khan|khan|mat|toi mat|tuyet mat|du thao(?: lan \S+)?)\W*$")
KINDS = ("motto", "number", "place_date", "vv", "esign", "copy", "received", "mark", "rule", "text")


@dataclass(frozen=True)
class HLine:
    """One line of the source in the corrected text's coordinates: paragraph index and span in its text."""

    para: int
    start: int
    end: int
    text: str
    page: int
    bbox: BBox | None
    confidence: float | None = None  # mean OCR word confidence; None for a text layer
    bold: bool = False
    kind: str = "text"
    words: tuple[float, ...] = ()  # OCR: each whitespace-separated word's confidence, when ingest gives them
    raw: str = ""  # the source line as read, before normalize's repairs (a whole line of a PDF; else empty)

    @property
    def key(self) -> str:
        return key(self.text)

    def word_confidence(self, token: str) -> float | None:
        """OCR's confidence in the word of this line that holds `token`; the line's when words are not known."""
        if self.words:
            for word, conf in zip(self.text.split(), self.words, strict=True):
                if token in word:
                    return conf
        return self.confidence

    @property
    def centre(self) -> float:
        return (self.bbox[0] + self.bbox[2]) / 2 if self.bbox else 0.0

    @property
    def height(self) -> float:
        return self.bbox[3] - self.bbox[1] if self.bbox else 0.0


def doc_lines(doc: Document) -> list[HLine]:
    """Every line of the document, in reading order, with its kind; a line that holds both columns is split. Text
    input has no visual lines: each paragraph is one, or each cell of a paragraph laid out as a table row."""
    out: list[HLine] = []
    for i, p in enumerate(doc.paragraphs):
        pieces = _text_cells(p) if p.lines and p.lines[0].bbox is None else _line_spans(p)
        for start, end, line in pieces:
            text = p.text[start:end]
            words: tuple[float, ...] = tuple(getattr(line, "word_confidences", ()) or ())
            if len(words) != len(text.split()):
                words = ()
            raw = line.text if line.bbox is not None else ""
            hl = HLine(i, start, end, text, line.page, line.bbox, line.confidence, line.bold, words=words, raw=raw)
            out.extend(classify(part) for part in split_columns(hl))
    return out


def _line_spans(p: Paragraph) -> list[tuple[int, int, Line]]:
    """Each visual line's span in the paragraph's corrected text (lines are joined by one space in the raw text)."""
    out = []
    pos = 0
    for line in p.lines:
        raw_start, raw_end = pos, pos + len(line.text)
        pos = raw_end + 1
        start = bisect_left(p.offsets, raw_start) if p.offsets else raw_start
        end = bisect_left(p.offsets, raw_end) if p.offsets else raw_end
        if p.text[start:end].strip():
            out.append((start, end, line))
    return out


def _text_cells(p: Paragraph) -> list[tuple[int, int, Line]]:
    """A text paragraph's header units: its cells (`| Số: 12/KH-UBND | *Hà Nội, ngày …* |`), and inside a cell its
    lines joined, except where a line begins a unit of its own (`Số:`, `V/v`, the date, `KT. …`, a post, a name)."""
    out: list[tuple[int, int, Line]] = []
    unit: list[tuple[int, int]] = []

    def flush() -> None:
        if unit:
            start, end = unit[0][0], unit[-1][1]
            lead = len(p.text[start:end]) - len(p.text[start:end].lstrip(" *_"))
            body = p.text[start:end].strip(" *_")
            if body:
                out.append((start + lead, start + lead + len(body), Line(page=1, text=body)))
            unit.clear()

    for start, end, _ in _line_spans(p):
        for m in re.finditer(r"[^|]+|\|", p.text[start:end]):
            if m.group() == "|":
                flush()
                continue
            if not m.group().strip(" *_"):
                continue
            if unit and _starts_unit(m.group(), p.text[unit[-1][0] : unit[-1][1]]):
                flush()
            unit.append((start + m.start(), start + m.end()))
        if unit and _ends_unit(p.text[unit[-1][0] : unit[-1][1]]):
            flush()
    flush()
    return out


def _starts_unit(text: str, before: str) -> bool:
    """Whether a text line begins a header unit rather than wrapping the one before: `Số:`, `V/v`, the date, an
    authority (`KT. …`), a post under a line in capitals, or a signer's name under one."""
    k = key(text.strip(" *_"))
    if NUMBER.search(k) or PLACE_DATE.search(k) or VV.search(k) or re.match(r"^\W*(?:tm|kt|tl|tuq|t/m|k/t)\W", k):
        return True
    if not before.strip(" *_").isupper():
        return False
    if not text.strip(" *_").isupper():
        return person_name(text) is not None
    if MOTTO.search(k) or MOTTO.search(key(before)):
        return False
    return bool(office_of(text)) or len(split_bodies([before, text])) == 2


def _ends_unit(text: str) -> bool:
    """A line that is a unit by itself: the motto's lines, `Số: …`, the date line."""
    k = key(text.strip(" *_"))
    return bool(NUMBER.search(k) and "/" in k) or bool(PLACE_DATE.search(k)) or bool(re.search(r"hanh phuc\W*$", k))


def split_columns(hl: HLine) -> list[HLine]:
    """`ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI …` (two columns read as one line) -> the issuer part and the motto part."""
    m = MOTTO.search(hl.key)
    if not m or m.start() < 3 or not hl.text[: m.start()].strip(" .,'`\"-"):
        return [hl]
    at = _text_index(hl.text, m.start())
    left, right = hl.text[:at], hl.text[at:]
    box_l = box_r = hl.bbox
    if hl.bbox:
        x0, y0, x1, y1 = hl.bbox
        cut = x0 + (x1 - x0) * len(left) / max(1, len(hl.text))
        box_l, box_r = (x0, y0, cut, y1), (cut, y0, x1, y1)
    n = len(left.split())
    words_l, words_r = (hl.words[:n], hl.words[n:]) if hl.words else ((), ())
    return [
        replace(hl, end=hl.start + len(left.rstrip()), text=left.rstrip(), bbox=box_l, words=words_l, raw=""),
        replace(hl, start=hl.start + at, text=right, bbox=box_r, words=words_r, raw=""),
    ]


def _text_index(text: str, key_index: int) -> int:
    """The index in `text` of the `key_index`-th character of its key (keys drop repeated spaces)."""
    n = 0
    for i, ch in enumerate(text):
        if n >= key_index and not ch.isspace():
            return i
        if not (ch.isspace() and i > 0 and text[i - 1].isspace()):
            n += 1
    return len(text)


def classify(hl: HLine) -> HLine:
    k = hl.key
    kind = "text"
    if not re.search(r"\w", k):
        kind = "rule"
    elif MOTTO.search(k):
        kind = "motto"
    elif COPY.search(k):
        kind = "copy"
    elif ESIGN.search(k):
        kind = "esign"
    elif RECEIVED.search(k):
        kind = "received"
    elif MARKS.match(k):
        kind = "mark"
    elif NUMBER.search(k):
        kind = "number"
    elif PLACE_DATE.search(k):
        kind = "place_date"
    elif VV.search(k):
        kind = "vv"
    return replace(hl, kind=kind)


def type_of(text: str) -> str | None:
    """The document type a line names in capitals (`KẾ HOẠCH`, OCR's `KÉẺ HOẠCH`, `QUYẾT ĐỊNH CỦA UBND TỈNH`)."""
    letters = [c for c in text if c.isalpha()]
    if not letters or sum(c.isupper() for c in letters) < 0.8 * len(letters):
        return None
    k = key(text).strip(" .:")
    k = re.split(r"\s+(?:cua|ve|ban hanh|(?=\())", k, maxsplit=1)[0]
    squashed = re.sub(r"[^a-z]", "", k)
    for t, proper in DOC_TYPES.items():
        target = t.replace(" ", "")
        if squashed == target or (len(target) >= 6 and Levenshtein.distance(squashed, target) <= 1):
            return proper
    return None


def type_from_symbol(number: str | None) -> str | None:
    """The type a number's symbol names (`33/KH-BCĐ` -> Kế hoạch); None for a Công văn's (`12/UBND-VX`)."""
    if not number or "/" not in number:
        return None
    symbol = number.split("/")[-1] if not re.match(r"^\d+-", number) else number.split("-")[1].split("/")[0]
    first = re.split(r"[-(]", symbol)[0].upper()
    return TYPE_SYMBOLS.get(first)


def document_starts(lines: list[HLine]) -> list[int]:
    """Where each document of the file begins: its motto, with a number or place-and-date line soon after, on a
    new page (a PDF), or after the previous document's `Nơi nhận` (text)."""
    starts: list[int] = []
    closed = True
    for i, hl in enumerate(lines):
        if re.match(r"^\W*\w?\W*noi nhan", hl.key):
            closed = True
        if hl.kind != "motto" or not any(n.kind in ("number", "place_date") for n in lines[i + 1 : i + 8]):
            continue
        if starts:
            first = lines[starts[-1]]
            new_page = hl.bbox is not None and hl.page != first.page
            if not (new_page or (hl.bbox is None and closed)):
                continue
        starts.append(_header_top(lines, i))
        closed = False
    return starts or [0]


def _header_top(lines: list[HLine], motto: int) -> int:
    """The first line of a header whose motto is at `motto`: the issuer column's lines may come before it (in a
    text or a Word file, whose two-column header table reads column after column, the whole left column does: the
    issuer in capitals, the `Số:` line and a Công văn's `V/v …` summary, which may run over lines of its own)."""
    i = motto
    while i > 0 and motto - i < 8:
        prev = lines[i - 1]
        if prev.bbox is not None and prev.page != lines[motto].page:
            break
        column = prev.kind in ("number", "vv") or _in_summary(lines, i - 1)
        if not column and (prev.kind not in ("text", "rule", "esign", "copy", "mark") or not _caps(prev.text)):
            break
        i -= 1
    return i


def _in_summary(lines: list[HLine], at: int) -> bool:
    """Whether a line in lower case goes on a `V/v …` summary that starts at most three lines above it."""
    above = lines[max(0, at - 3) : at]
    return lines[at].kind == "text" and any(hl.kind == "vv" for hl in above)


def _caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.7 * len(letters)

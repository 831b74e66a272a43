"""The header of a document as Decree 30/2020/NĐ-CP lays it out: issuer column, number, place and date, type, title.

With boxes (PDF, scans) every zone is found by position on the page that holds the motto: the issuer column is the
left column from the motto's height down to the `Số:` line, the place-and-date line the right column under the
motto, a Công văn's summary the left column under the number, and the type and title are centred under both. A line
above the header (an e-signature box, a `SAO Y` copy line) or a stamp in it is never part of a zone. Plain text
has only the order of its lines, and the same zones are read in that order.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from statistics import median

from pipeline.records import Document
from pipeline.stages.header.lines import HLine, doc_lines, document_starts, type_of
from pipeline.vi.orgs import body_kind
from pipeline.vi.persons import office_of
from pipeline.vi.syllable import is_valid_syllable
from pipeline.vi.text import key

STAMPS = ("esign", "copy", "received", "mark")
_BODY_START = re.compile(
    r"^\W*(?:kinh gui|can cu|thuc hien|tren co so|theo de nghi|xet de nghi|de trien khai|dieu \d|"
    r"(?:i|1)\s*[.)]\s|\(?\s*(?:ban hanh\s+)?kem theo)"
)
# Words a title line cannot end on: the title goes on (`… CỦA` / `ỦY BAN NHÂN DÂN TỈNH …`).
_OPEN_END = re.compile(r"(?:\b(?:cua|va|cho|ve|tai|voi|trong|cac|nhung|doi|theo|tren|den|giai doan|nam)|[,-])$")
_SECTION = re.compile(r"^\W*(?:[ivx]{1,4}|\d{1,2})\s*[.)]\s")  # `I. MỤC ĐÍCH, YÊU CẦU`, `1. …`: the body has begun
_LABEL = re.compile(r"^\W*(?!ve viec)[a-z]+(?: [a-z]+){0,3}\s*:")


@dataclass
class Header:
    """The header zones of one document of the file (empty when absent)."""

    start: int  # index into the file's lines where this document begins
    end: int  # where it ends: the next document's start, or the end
    motto: list[HLine] = field(default_factory=list)
    issuer: list[HLine] = field(default_factory=list)  # the issuer column, top to bottom
    number: HLine | None = None
    place_date: HLine | None = None
    summary: list[HLine] = field(default_factory=list)  # a Công văn's `V/v …`, or a summary under the number
    type_line: HLine | None = None
    doc_type: str | None = None
    title: list[HLine] = field(default_factory=list)
    marks: list[HLine] = field(default_factory=list)  # stamps and marks on the header's page
    title_blocked: bool = False  # a stamp lies across the title: part of it may be lost


def read_headers(doc: Document) -> tuple[list[HLine], list[Header]]:
    """The file's lines and the header of each document it holds (the first is the file's own)."""
    lines = doc_lines(doc)
    starts = document_starts(lines)
    bounds = [*starts[1:], len(lines)]
    return lines, [read_header(doc, lines[s:e], s, e) for s, e in zip(starts, bounds, strict=True)]


def read_header(doc: Document, zone: list[HLine], start: int, end: int) -> Header:
    """One document's header, anchored on its motto (a copy printed without one is read from its paragraphs)."""
    h = Header(start=start, end=end)
    anchor = next((i for i, hl in enumerate(zone) if hl.kind == "motto"), None)
    if anchor is None:
        return h
    if zone[anchor].bbox is not None:
        by_position(h, zone, anchor, _page_width(doc, zone[anchor].page))
    else:
        by_order(h, zone, anchor)
    return h


def _page_width(doc: Document, page: int) -> float:
    sizes = doc.raw.page_sizes
    return sizes[page - 1][0] if 0 < page <= len(sizes) else 595.0


# ---- by position -------------------------------------------------------------------------------------------------


def _y0(hl: HLine) -> float:
    return hl.bbox[1] if hl.bbox else 0.0


def _y1(hl: HLine) -> float:
    return hl.bbox[3] if hl.bbox else 0.0


def by_position(h: Header, zone: list[HLine], anchor_at: int, width: float) -> None:
    anchor = zone[anchor_at]
    on_page = sorted((hl for hl in zone if hl.page == anchor.page and hl.bbox), key=lambda hl: (_y0(hl), hl.centre))
    h.motto = [hl for hl in on_page if hl.kind == "motto"][:2]
    lh = median(m.height for m in h.motto or [anchor]) or 12.0
    top = min(_y0(m) for m in h.motto) if h.motto else max(0.0, _y0(anchor) - 6 * lh)
    band = [hl for hl in on_page if top - 1.5 * lh <= _y0(hl) <= max(top + 9 * lh, _y1(anchor) + lh)]
    numbers = [hl for hl in band if hl.kind == "number" and hl.centre < 0.5 * width]
    h.number = min(numbers, key=lambda hl: ("/" not in hl.text, _y0(hl)), default=None)
    dates = [hl for hl in band if hl.kind == "place_date" and hl.centre > 0.45 * width]
    h.place_date = min(dates, key=_y0, default=None)
    limit = min((_y0(hl) for hl in (h.number, h.place_date) if hl is not None), default=top + 4 * lh)
    column = [
        hl
        for hl in on_page
        if hl.kind == "text" and hl.centre < 0.47 * width and _y1(hl) > top - 0.8 * lh and _y0(hl) < limit - 0.3 * lh
    ]
    tall = median(hl.height for hl in column) if column else 0.0
    h.issuer = [hl for hl in column if hl.height >= 0.45 * tall]  # a ghost in small print is no header line
    below = max(_y1(hl) for hl in [*h.motto, h.number, h.place_date, anchor] if hl is not None)
    rest = [hl for hl in on_page if _y0(hl) >= below - 0.3 * lh]
    h.marks = [hl for hl in on_page if hl.kind in STAMPS]
    _summary_by_position(h, rest, width, lh)
    _type_and_title(h, rest, width, lh)


def _summary_by_position(h: Header, rest: list[HLine], width: float, lh: float) -> None:
    """A `V/v …` summary, or the summary a Công văn or Hướng dẫn sets under the number without a type line."""
    if h.number is None:
        return
    left = [hl for hl in rest if hl.centre < 0.45 * width and hl.bbox and hl.bbox[2] < 0.55 * width]
    prev = h.number
    for hl in left:
        if _y0(hl) - _y1(prev) > 1.6 * lh or hl.kind not in ("vv", "text") or _BODY_START.match(hl.key):
            break
        if hl.kind == "vv" or h.summary or prev is h.number:
            h.summary.append(hl)
            prev = hl
    if h.summary and h.summary[0].kind != "vv" and not _plausible_summary(h.summary):
        h.summary = []


def _plausible_summary(lines: list[HLine]) -> bool:
    """A summary without `V/v` reads as a phrase in normal case, not as a stamp's handwriting or an issuer line."""
    text = " ".join(hl.text for hl in lines)
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 15 and sum(c.islower() for c in letters) > 0.6 * len(letters)


def _type_and_title(h: Header, rest: list[HLine], width: float, lh: float) -> None:
    after_summary = max((_y1(hl) for hl in h.summary), default=0.0)
    centred = [hl for hl in rest if abs(hl.centre - width / 2) < 0.2 * width and _y0(hl) > after_summary - 1]
    for hl in centred[:8]:
        found = type_of(hl.text) if hl.kind in ("text", "mark") else None
        if found:
            h.type_line, h.doc_type = hl, found
            break
        if _BODY_START.match(hl.key):
            break
    if h.type_line is not None:
        following = [hl for hl in rest if _y0(hl) > _y0(h.type_line) + 0.5 * h.type_line.height]
        _title_rows(h, rows(following), width)


def rows(lines: list[HLine]) -> list[list[HLine]]:
    """Lines grouped into visual rows (a seal or stamp splits one printed line into pieces), each left to right."""
    out: list[list[HLine]] = []
    for hl in sorted(lines, key=_y0):
        row = out[-1] if out else None
        if row and _y0(hl) < min(_y1(x) for x in row) - 0.5 * min(hl.height, *(x.height for x in row)):
            row.append(hl)
        else:
            out.append([hl])
    return [sorted(row, key=lambda hl: hl.bbox[0] if hl.bbox else 0.0) for row in out]


def row_line(row: list[HLine]) -> HLine:
    """A row as one line: its pieces' text joined; a stamp among them makes the row a stamp."""
    first = row[0]
    kind = next((hl.kind for hl in row if hl.kind != "text"), "text")
    x0, y0 = min(hl.bbox[0] for hl in row if hl.bbox), min(_y0(hl) for hl in row)
    x1, y1 = max(hl.bbox[2] for hl in row if hl.bbox), max(_y1(hl) for hl in row)
    text = " ".join(hl.text.strip() for hl in row)
    return replace(first, text=text, bbox=(x0, y0, x1, y1), kind=kind, bold=all(hl.bold for hl in row))


def _title_rows(h: Header, found: list[list[HLine]], width: float) -> None:
    """The title: centred rows under the type line, up to a gap, the authority line or the body. Pieces off to a
    side (a receiving stamp's handwriting beside the title) are left out."""
    assert h.type_line is not None
    prev = h.type_line
    heights = [h.type_line.height]
    for row in found:
        central = [hl for hl in row if _overlaps_centre(hl, width)]
        tallest = max((x.height for x in central), default=0.0)
        central = [hl for hl in central if hl.height >= 0.6 * tallest or not _specks(hl)]
        if not central:
            continue
        line = row_line(central)
        if _y0(line) - _y1(prev) > max(0.8 * min(prev.height, median(x.height for x in central)), 4.0):
            break
        if line.kind in STAMPS or line.kind == "rule":
            h.title_blocked |= bool(h.title) or line.kind != "rule"
            continue
        if not _continues_title(h, line, prev) or abs(line.centre - width / 2) > 0.2 * width:
            break
        # a printed line read as several pieces, or as one too tall, was cut or merged by a seal or a stamp
        h.title_blocked |= len(central) > 1 or max(x.height for x in central) > 2.2 * median(heights)
        h.title.extend(central)
        heights += [x.height for x in central]
        prev = line


def _specks(hl: HLine) -> bool:
    """A piece of a row that is no words (`ˆ Lá`, `k4`, `Ê`): far shorter than the row's print, it is a dotted rule
    or a seal's rim read as letters, not a word of the title (a short word in small letters, `ương`, reads)."""
    words = [w.strip(".,;:()\"'“”") for w in hl.text.split()]
    return not all(len(w) >= 2 and (w.isdigit() or is_valid_syllable(w)) for w in words)


def _overlaps_centre(hl: HLine, width: float) -> bool:
    return hl.bbox is not None and hl.bbox[2] > 0.35 * width and hl.bbox[0] < 0.65 * width


def _continues_title(h: Header, hl: HLine, prev: HLine) -> bool:
    """Whether a line goes on with the title: not the authority line (`THỦ TƯỚNG CHÍNH PHỦ`, `CHỦ TỊCH ỦY BAN NHÂN
    DÂN TỈNH …`), `Kính gửi`, the preamble, a label (`Địa điểm: …`) or a change from bold to regular type."""
    if hl.kind != "text" or _LABEL.match(hl.key):
        return False
    if _SECTION.match(hl.key):
        return False
    if _BODY_START.match(hl.key) and not (_caps(hl.text) and not hl.key.startswith(("kinh gui", "dieu"))):
        return not h.title and _titled_thuc_hien(hl)
    if h.title and prev.bold and not hl.bold:  # PDFs and Word files mark bold type; plain text marks none
        return False
    return not (is_authority_line(hl.text) and not (h.title and _OPEN_END.search(h.title[-1].key)))


def _caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _titled_thuc_hien(hl: HLine) -> bool:
    """Whether a line under the type line that opens like a preamble (`Thực hiện Nghị quyết số …`) is the title
    (`KẾ HOẠCH / Thực hiện Đề án số 08 về …`): a title is a phrase, never a clause closed by `,` `.` `:` or `;`;
    on a page it is set in bold, and in a text or Word file it is one line short of a paragraph's length."""
    if not hl.key.startswith("thuc hien") or hl.text.rstrip().endswith((",", ".", ":", ";")):
        return False
    return hl.bold if hl.bbox is not None else len(hl.text) <= 250


def is_authority_line(text: str) -> bool:
    """A decision's authority line in capitals: a post (`CHỦ TỊCH …`, `GIÁM ĐỐC SỞ …`) or a collective body
    (`ỦY BAN NHÂN DÂN TỈNH YÊN BÁI`)."""
    letters = [c for c in text if c.isalpha()]
    if not letters or sum(c.isupper() for c in letters) < 0.8 * len(letters):
        return False
    kind = body_kind(text)
    return office_of(text) is not None or kind in ("uy ban nhan dan", "hoi dong nhan dan", "ubnd", "hdnd",
                                                    "ban thuong vu", "ban chap hanh", "thuong truc")  # fmt: skip


# ---- by order (plain text) ---------------------------------------------------------------------------------------


def by_order(h: Header, zone: list[HLine], anchor_at: int) -> None:
    near = zone[: anchor_at + 10]
    h.motto = [hl for hl in near[anchor_at : anchor_at + 4] if hl.kind == "motto"]
    h.number = next((hl for hl in near if hl.kind == "number"), None)
    h.place_date = next((hl for hl in near[anchor_at:] if hl.kind == "place_date"), None)
    limit = zone.index(h.number) if h.number else anchor_at + 3
    h.issuer = [hl for hl in zone[:limit] if hl.kind == "text" and _org_line(hl.text)]
    h.marks = [hl for hl in near if hl.kind in STAMPS]
    last = max(zone.index(hl) for hl in [*h.motto, h.number, h.place_date, zone[anchor_at]] if hl is not None)
    rest = zone[last + 1 : last + 40]
    after_number = zone[zone.index(h.number) + 1 : last + 8] if h.number else []
    for i, hl in enumerate(after_number):
        if hl.kind == "vv":
            h.summary = _run(after_number[i:], lambda x: x.kind in ("vv", "text") and not _BODY_START.match(x.key), 4)
            break
    for i, hl in enumerate(rest[:10]):
        found = type_of(hl.text) if hl.kind == "text" else None
        if found:
            h.type_line, h.doc_type = hl, found
            _title_by_order(h, rest[i + 1 :])
            break


def _title_by_order(h: Header, rest: list[HLine]) -> None:
    prev = h.type_line
    for hl in rest[:6]:
        if hl.kind == "rule":
            if h.title:
                break
            continue
        if prev is None or not _continues_title(h, hl, prev) or len(hl.text) > 300:
            break
        h.title.append(hl)
        prev = hl
        if hl.text.rstrip().endswith((".", ";")):
            break


def _run(lines: list[HLine], keep: Callable[[HLine], bool], limit: int) -> list[HLine]:
    out: list[HLine] = []
    for hl in lines[:limit]:
        if not keep(hl):
            break
        out.append(hl)
    return out


def _org_line(text: str) -> bool:
    """An issuer-column line in plain text: in capitals, short, not the motto."""
    letters = [c for c in text if c.isalpha()]
    return 3 <= len(letters) <= 80 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def issuer_texts(h: Header) -> list[str]:
    """The issuer column's lines as text, stamps and debris left out."""
    return [hl.text for hl in h.issuer if _org_line(hl.text) and key(hl.text).strip()]

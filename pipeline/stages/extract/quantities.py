"""Quantities in Vietnamese text: a number written the Vietnamese way, its unit, and the words that bound it.

`8.000 đơn vị máu trở lên` -> 8000, `đơn vị máu`, `>=`; `trên 60%` -> 60, `%`, `>`; `khoảng 30.000 người` -> `~`;
`02 lớp` -> 2, `lớp`; `hai đợt` -> 2, `đợt`. Numbers that are dates, years, document numbers, phone numbers, section
numbers or durations are not quantities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from pipeline.plan import Comparator
from pipeline.vi.text import NUMBER, key, parse_number

# Count nouns of plans (what is counted), longest first so that `đơn vị máu` wins over `đơn vị`.
_UNIT_WORDS = (
    "đơn vị máu", "đơn vị", "người", "lượt người", "lượt", "đợt", "sự kiện", "ngày hội", "lớp", "khóa", "đội", "nhóm",
    "câu lạc bộ", "hướng dẫn viên", "tuyên truyền viên", "tình nguyện viên", "cộng tác viên", "báo cáo viên", "cán bộ",
    "học sinh", "sinh viên", "trẻ", "trẻ em", "hộ", "hộ gia đình", "xã", "phường", "huyện", "thôn", "bản", "trường",
    "cơ sở", "điểm", "buổi", "cuộc", "hội nghị", "hội thảo", "hội thi", "cuộc thi", "chiến dịch", "chương trình",
    "mô hình", "bài", "tin", "tin bài", "phóng sự", "chuyên mục", "tờ rơi", "pano", "băng rôn", "liều", "mũi", "ca",
    "giường", "km", "ha", "tấn", "m2", "m3", "tỷ đồng", "triệu đồng", "nghìn đồng", "đồng", "doanh nghiệp",
    "công trình", "dự án", "văn bản", "đề tài", "sản phẩm", "suất", "phần quà", "suất quà", "lần",
)  # fmt: skip
UNITS = sorted(_UNIT_WORDS, key=len, reverse=True)
# Time words after a number make it a duration or a date, not a quantity to reach.
TIME_WORDS = ("tháng", "năm", "ngày", "giờ", "quý", "tuần", "phút", "giây")
NUMBER_WORDS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10}

_QTY = re.compile(
    rf"(?<![\w/.,:-])(?P<num>{NUMBER})(?![\w/]|[.,]\d|/\d)\s*(?P<pct>%)?",
)
_WORD_QTY = re.compile(r"(?<!\w)(?P<word>" + "|".join(NUMBER_WORDS) + r")\s+(?=\w)", re.IGNORECASE)

_GE_BEFORE = ("ít nhất", "tối thiểu", "không dưới", "không ít hơn", "từ", "đạt và vượt", "vượt")
_APPROX_BEFORE = ("khoảng", "gần", "xấp xỉ", "dự kiến khoảng", "trên dưới", "ước")
_LE_BEFORE = ("tối đa", "không quá", "không vượt quá", "dưới mức")
_GT_BEFORE = ("trên", "hơn", "vượt trên")
_LT_BEFORE = ("dưới",)


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str | None
    comparator: Comparator
    start: int  # span of the whole quantity, comparator words included
    end: int
    number_start: int
    number_end: int
    per: str | None  # `300 đơn vị máu/Ngày hội` -> `Ngày hội`
    spelled: bool = False  # written in words (`hai lớp`)


def _unit_after(text: str, at: int) -> tuple[str | None, int]:
    rest = text[at:]
    low = rest.lower()
    for unit in UNITS:
        if low.startswith(unit) and (len(low) == len(unit) or not low[len(unit)].isalnum()):
            return rest[: len(unit)], at + len(unit)
    return None, at


def _comparator(before: str, after: str) -> Comparator:
    b = key(before[-25:])
    a = key(after[:12])
    if a.startswith("tro len") or a.startswith("tro di"):
        return ">="
    ops: tuple[tuple[tuple[str, ...], Comparator], ...] = (
        (_APPROX_BEFORE, "~"),
        (_GE_BEFORE, ">="),
        (_LE_BEFORE, "<="),
        (_GT_BEFORE, ">"),
        (_LT_BEFORE, "<"),
    )
    for words, op in ops:
        if any(b.endswith(key(w)) for w in words):
            return op
    if a.startswith(("tro xuong", "tro lai")):
        return "<="
    return "="


def _excluded(text: str, start: int, end: int, unit: str | None) -> bool:
    before = key(text[max(0, start - 12) : start])
    after = text[end : end + 10].lower().lstrip()
    if re.search(r"(ngay|thang|nam|quy|so|so dien thoai|sdt|dt|muc|khoan|dieu|tiet|kem theo)\s*:?\s*$", before):
        return True  # `năm 2021`, `tháng 5`, `số 969`, `Điều 3`
    if unit is None and after.startswith(TIME_WORDS):
        return True  # `6 tháng`, `15 ngày`: durations
    return unit is None and bool(re.match(r"\d{4}$", text[start:end]))  # a year on its own


def find_quantities(text: str) -> list[Quantity]:
    out: list[Quantity] = []
    for m in _QTY.finditer(text):
        value = parse_number(m.group("num"))
        if value is None:
            continue
        end = m.end()
        if m.group("pct"):
            unit: str | None = "%"
        else:
            unit, end = _unit_after(
                text, m.end("num") + (len(text[m.end("num") :]) - len(text[m.end("num") :].lstrip()))
            )
            if unit is None:
                end = m.end("num")
        if _excluded(text, m.start("num"), m.end("num"), unit):
            continue
        out.append(_build(text, value, unit, m.start("num"), m.end("num"), end))
    for m in _WORD_QTY.finditer(text):
        unit, end = _unit_after(text, m.end())
        if unit is None or any(q.number_start <= m.start() < q.end for q in out):
            continue
        q = _build(text, float(NUMBER_WORDS[m.group("word").lower()]), unit, m.start(), m.end("word"), end)
        out.append(replace(q, spelled=True))
    return sorted(out, key=lambda q: q.number_start)


def _build(text: str, value: float, unit: str | None, n_start: int, n_end: int, end: int) -> Quantity:
    comparator = _comparator(text[:n_start], text[end:])
    per = None
    slash = re.match(r"\s*/\s*([^\s,.;:()]+(?:\s+hội)?)", text[end:])
    if slash:
        per = slash.group(1)
    tail = re.match(r"\s*trở\s+(lên|xuống)", text[end:])
    start = n_start
    for words in (_APPROX_BEFORE, _GE_BEFORE, _LE_BEFORE, _GT_BEFORE, _LT_BEFORE):
        for w in words:
            if key(text[:n_start]).rstrip().endswith(key(w)):
                start = min(start, len(text[:n_start].rstrip()) - len(w))
    unit_norm = unit.lower() if unit and unit != "%" else unit
    return Quantity(value, unit_norm, comparator, max(start, 0), end + (tail.end() if tail else 0), n_start, n_end, per)

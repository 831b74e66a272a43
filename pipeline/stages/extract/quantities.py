"""Quantities in Vietnamese text: a number written the Vietnamese way, its unit, and the words that bound it.

`8.000 đơn vị máu trở lên` -> 8000, `đơn vị máu`, `>=`; `trên 60%` -> 60, `%`, `>`; `khoảng 30.000 người` -> `~`;
`02 lớp` -> 2, `lớp`; `hai đợt` -> 2, `đợt`; `≥ 30%` -> `>=`; a range `1%-1,5%` or `05 - 06%/năm` -> two
quantities, `>=` the first and `<=` the second; a share of units `03/124 đơn vị` -> 3 (`of` 124); a rate
`%/năm` keeps its period in the unit, and `02 nhân sự mỗi xã` or `300 đơn vị máu/Ngày hội` gives `per`. Numbers
that are dates, years, document numbers, phone numbers, section numbers or durations are not quantities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from pipeline.plan import Comparator
from pipeline.vi.text import NUMBER, key, parse_number, toneless

# Count nouns of plans (what is counted), longest first so that `đơn vị máu` wins over `đơn vị`.
_UNIT_WORDS = (
    "đơn vị máu", "đơn vị", "người", "lượt người", "lượt", "đợt", "sự kiện", "ngày hội", "lớp", "khóa", "đội", "nhóm",
    "câu lạc bộ", "hướng dẫn viên", "tuyên truyền viên", "tình nguyện viên", "cộng tác viên", "báo cáo viên", "cán bộ",
    "học sinh", "sinh viên", "trẻ", "trẻ em", "hộ", "hộ gia đình", "xã", "phường", "huyện", "thôn", "bản", "trường",
    "cơ sở", "điểm", "buổi", "cuộc", "hội nghị", "hội thảo", "hội thi", "cuộc thi", "chiến dịch", "chương trình",
    "mô hình", "bài", "tin", "tin bài", "phóng sự", "chuyên mục", "tờ rơi", "pano", "băng rôn", "liều", "mũi", "ca",
    "giường", "km", "ha", "tấn", "m2", "m3", "tỷ đồng", "triệu đồng", "nghìn đồng", "đồng", "doanh nghiệp",
    "công trình", "dự án", "văn bản", "đề tài", "sản phẩm", "suất", "phần quà", "suất quà", "lần",
    "tỷ USD", "triệu USD", "USD", "trạm", "vùng", "cơ sở dữ liệu", "địa bàn", "hoạt động", "hợp tác xã", "nhân sự",
    "cuộc đối thoại", "cuộc kiểm tra", "đoàn kiểm tra", "lượt khách", "khách", "lao động", "việc làm", "thành viên",
    "hội viên", "đoàn viên", "hồ sơ", "thủ tục", "tài khoản", "xe", "tàu", "cây", "con", "tổ", "tổ chức", "gia đình",
    "khu", "cụm", "làng", "chợ", "bệnh viện", "trạm y tế", "phòng học", "nhà", "căn", "căn hộ", "mô hình điểm",
    "giờ", "ngày", "ngày làm việc",
)  # fmt: skip
UNITS = sorted(_UNIT_WORDS, key=len, reverse=True)
_LONGEST_UNIT = len(UNITS[0])
# How far around a number its comparator and rate are looked for: every look is bounded, so a sentence of a
# thousand numbers costs a thousand small looks, not a thousand scans of the sentence.
_BEFORE, _AFTER = 40, 60
# Time words after a number make it a duration or a date, not a quantity to reach (a time limit is read by targets).
TIME_WORDS = ("tháng", "năm", "ngày", "giờ", "quý", "tuần", "phút", "giây")
_TIME_UNITS = ("giờ", "ngày", "ngày làm việc")
NUMBER_WORDS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10}

_QTY = re.compile(
    rf"(?<![\w/.,:-])(?P<num>{NUMBER})(?![\w/]|[.,]\d|/\d)\s*(?P<pct>%)?",
)
# `1%-1,5%`, `05 - 06%/năm`, `10 - 13%`: a range, read as a floor and a ceiling.
_RANGE = re.compile(rf"(?<![\w/.,:-])(?P<a>{NUMBER})\s*%?\s*[-–]\s*(?P<b>{NUMBER})(?![\w/]|[.,]\d|/\d)\s*(?=%)")
# `03/124 đơn vị`: a share of units (3 of 124), not a date or a document number.
_SHARE = re.compile(r"(?<![\w/.,:-])(?P<a>\d{1,4})\s*/\s*(?P<b>\d{1,4})(?![\w/.,]\d|/)\s+(?=[^\W\d])")
_OCR_ONE = re.compile(r"(?:(?<=ít nhất )|(?<=tối thiểu ))[Il](?=\s)")
# `ít nhất` as OCR breaks it (`í/ nhất`, `i! nhất`): `nhất` right before a number follows only `ít`, `thứ`, `cao`
# and their like, and of those only `ít` is one letter long.
_OCR_AT_LEAST = re.compile(r"(?:^|\s)i[^\w\s]\s*nhat\s*$")
_SIGN = {"≥": ">=", "≤": "<=", ">": ">", "<": "<", "=": "="}
_SPACES = re.compile(r"\s*")
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
    of: float | None = None  # `03/124 đơn vị` -> 124


def _unit_after(text: str, at: int, misread: bool = False) -> tuple[str | None, int]:
    """The count noun a number is followed by, in the list's spelling (`triệu USD`), and where it ends. `misread`:
    the number was itself misread (`ít nhất I buồi`), so the noun may be too; it is matched without its marks
    (`buồi` is `buổi`)."""
    low = text[at : at + _LONGEST_UNIT + 1].lower()
    if misread:
        low = toneless(low)
    for unit in UNITS:
        u = toneless(unit.lower()) if misread else unit.lower()
        if low.startswith(u) and (len(low) == len(u) or not low[len(u)].isalnum()):
            return unit, at + len(unit)
    return None, at


def _comparator(before: str, after: str) -> Comparator:
    sign = before.rstrip()[-1:]
    if sign in _SIGN:
        return _SIGN[sign]  # type: ignore[return-value]
    b = key(before[-25:])
    a = key(after[:12])
    if a.startswith("tro len") or a.startswith("tro di"):
        return ">="
    if _OCR_AT_LEAST.search(b):
        return ">="  # `í/ nhất 40%`: `ít nhất` with its `t` read as a mark
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
    if unit in _TIME_UNITS:
        return True  # `trong 15 ngày`: a duration (a time limit is read by targets)
    # a bare 4-digit number from 1900 to 2099 is a year: counts of thousands are written `2.024`
    return bool(re.match(r"(?:19|20)\d{2}$", text[start:end])) or (
        unit is None and bool(re.match(r"\d{4}$", text[start:end]))
    )


def _ranges(text: str) -> list[Quantity]:
    """Both ends of a range of percentages: `1%-1,5%` -> >= 1 and <= 1.5."""
    out: list[Quantity] = []
    for m in _RANGE.finditer(text):
        a, b = parse_number(m.group("a")), parse_number(m.group("b"))
        if a is None or b is None or a >= b:
            continue
        end = m.end() + 1
        per = re.match(r"\s*/\s*(năm|tháng|quý)\b", text[end : end + _AFTER])
        unit = f"%/{per.group(1)}" if per else "%"
        end += per.end() if per else 0
        start = m.start("a")
        out.append(Quantity(a, unit, ">=", start, end, start, m.end("a"), None))
        out.append(Quantity(b, unit, "<=", start, end, m.start("b"), m.end("b"), None))
    return out


def _shares(text: str) -> list[Quantity]:
    """`03/124 đơn vị`: 3 of 124 units."""
    out: list[Quantity] = []
    for m in _SHARE.finditer(text):
        a, b = int(m.group("a")), int(m.group("b"))
        unit, end = _unit_after(text, m.end())
        if unit is None or a > b or unit in _TIME_UNITS:
            continue
        q = _build(text, float(a), unit, m.start("a"), m.end("a"), end)
        out.append(replace(q, of=float(b)))
    return out


def find_quantities(text: str) -> list[Quantity]:
    out: list[Quantity] = _ranges(text) + _shares(text)
    for m in _QTY.finditer(text):
        if any(q.start <= m.start("num") < q.end for q in out):
            continue
        value = parse_number(m.group("num"))
        if value is None:
            continue
        end = m.end()
        if m.group("pct"):
            unit: str | None = "%"
        else:
            unit, end = _unit_after(text, _SPACES.match(text, m.end("num")).end())  # type: ignore[union-attr]
            if unit is None:
                end = m.end("num")
        if _excluded(text, m.start("num"), m.end("num"), unit):
            continue
        out.append(_build(text, value, unit, m.start("num"), m.end("num"), end))
    for m in _OCR_ONE.finditer(text):  # OCR reads `01` as `I` after `ít nhất`: `ít nhất I buổi`
        unit, end = _unit_after(text, _SPACES.match(text, m.end()).end(), misread=True)  # type: ignore[union-attr]
        if unit is not None and unit not in _TIME_UNITS:
            out.append(_build(text, 1.0, unit, m.start(), m.end(), end))
    for m in _WORD_QTY.finditer(text):
        unit, end = _unit_after(text, m.end())
        if unit is None or any(q.number_start <= m.start() < q.end for q in out):
            continue
        q = _build(text, float(NUMBER_WORDS[m.group("word").lower()]), unit, m.start(), m.end("word"), end)
        out.append(replace(q, spelled=True))
    return sorted(out, key=lambda q: q.number_start)


def _build(text: str, value: float, unit: str | None, n_start: int, n_end: int, end: int) -> Quantity:
    before, after = text[max(0, n_start - _BEFORE) : n_start], text[end : end + _AFTER]
    per = None
    slash = re.match(r"\s*/\s*([^\s,.;:()]+(?:\s+hội)?)", after)
    past_per = slash.end() if slash else 0  # `9%/năm trở lên`: the comparator follows the rate's period
    comparator = _comparator(before, after[past_per:])
    each = re.match(r"\s*(?:mỗi|một|trên mỗi|cho mỗi)\s+([^\s,.;:()]+(?:\s+[A-ZĐÂ-Ỹ][^\s,.;:()]*)?)", after)
    if slash:
        per = slash.group(1)
        if unit == "%" and per in ("năm", "tháng", "quý"):
            unit, per = f"%/{per}", None  # a rate per year is its own unit
    elif each and unit not in (None, "%"):
        per = each.group(1)
    tail = re.match(r"\s*trở\s+(lên|xuống)", after[past_per:])
    start = n_start
    before_key = key(before).rstrip()
    stripped = n_start - (len(before) - len(before.rstrip()))  # where the words before the number end
    for words in (_APPROX_BEFORE, _GE_BEFORE, _LE_BEFORE, _GT_BEFORE, _LT_BEFORE):
        for w in words:
            if before_key.endswith(key(w)):
                start = min(start, stripped - len(w))
    tail_end = past_per + tail.end() if tail else 0
    return Quantity(value, unit, comparator, max(start, 0), end + tail_end, n_start, n_end, per)

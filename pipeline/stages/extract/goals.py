"""Whether a number in a plan is set as something to reach, from the language of plans.

A target is stated with a verb or noun of aim (`phấn đấu`, `đạt`, `bảo đảm`, `chỉ tiêu`, `mục tiêu`, `giao`,
`tối thiểu`, `ít nhất`, `trở lên`, `đến năm 2030 …`), or stands in a section of aims (`Mục tiêu`, `Chỉ tiêu`,
`Dự báo các chỉ tiêu …`). Not targets:
- statistics of the past: an estimate or a result (`ước đạt`, `đã`, `lũy kế`, `đến nay`, `tính đến`, `so với cùng
  kỳ`, `đạt 100% kế hoạch` as a result), or anything in a section that reports (`Kết quả`, `Tình hình`, `Đánh
  giá`, `Thực trạng`) unless `phấn đấu` sets it;
- amounts fixed by law (`mức thuế suất 5% quy định tại …`) and money of a budget statement outside a section of
  aims;
- numbers that only count the items of a list of duties (`gồm 03 nội dung`), copies (`lập thành 02 bản`).
A time limit is a target too when it is the goal (`hoàn thành trong 48 giờ`, `trong thời hạn 10 ngày kể từ …`,
`không quá 15 ngày`), read by `time_limits`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.stages.extract.quantities import Quantity
from pipeline.vi.text import NUMBER, key, parse_number, toneless

# Sections that set aims, and sections that report.
_AIM_HEADING = re.compile(r"\b(muc tieu|chi tieu|du bao|dinh huong|ke hoach phat trien|phuong huong)\b")
_REPORT_HEADING = re.compile(
    r"\b(ket qua|tinh hinh|danh gia|thuc trang|boi canh|so ket|tong ket|ton tai|han che|nguyen nhan)\b"
)
_STRONG = re.compile(
    r"\b(phan dau|chi tieu|muc tieu|toi thieu|it nhat|khong duoi|khong it hon|giao|dam bao|bao dam|hoan thanh|"
    r"duy tri|nang (?:ty le|len)|dat (?:va vuot|tren|toi thieu|it nhat)|den (?:het )?nam \d{4}|den cuoi nam|"
    r"trong (?:giai doan|nam) \d{4}|hang nam|moi nam|can dat|phai dat)\b"
)
_WEAK = re.compile(r"\b(dat|tang|giam|tro len|tren|xay dung|to chuc|trien khai|phat trien|thu hut|lap dat|dau tu)\b")
_AHEAD = re.compile(r"\b(thoi gian toi|nhiem vu trong tam|phuong huong|nam toi|sap toi|giai phap)\b")
_YEAR = re.compile(r"\b(?:nam|đen nam|den het nam)\s+((?:19|20)\d{2})\b")
_DOING = re.compile(
    r"\b(to chuc|xay dung|thanh lap|dao tao|tap huan|mo|lap dat|dau tu|trien khai|phat hanh|hoan thien|cai tao|"
    r"nang cap|sua chua|bo sung|ho tro|cap|xay moi|xay dung moi|lap|trong|tiep nhan|van dong)\s*$"
)
_PAST = re.compile(
    r"\b(uoc|da|luy ke|den nay|hien nay|hien co|hien tai|tinh den|tinh tu|dat duoc|thuc hien duoc|ket qua|"
    r"vua qua|thoi gian qua|nam truoc|cung ky|so voi|so ke hoach|qua ra soat|thong ke)\b"
)
_PAST_AFTER = re.compile(
    r"^\s*(?:so (?:voi )?(?:cung ky|nam|ke hoach|du toan)|ke hoach(?! nam)|du toan|tong so|vuot (?:chi tieu|ke hoach))"
)  # `đạt tỷ lệ 96,52% vượt chỉ tiêu …`: a result measured against its aim
_LAW = re.compile(r"\b(quy dinh tai|theo quy dinh|muc thue|thue suat|muc phat|muc ho tro|dinh muc|khoan \d|dieu \d)\b")
_MONEY = ("tỷ đồng", "triệu đồng", "nghìn đồng", "đồng")
# Words that set a number as an aim even inside a report (`chỉ tiêu đề ra là tối thiểu 80%`).
_EXPLICIT = re.compile(r"\b(phan dau|chi tieu|muc tieu|toi thieu|it nhat|khong duoi|khong it hon|can dat|phai dat)\b")
# A task given in a report (`Giao Trung tâm … tổ chức 01 cuộc đối thoại`) looks ahead.
_ASSIGNED = re.compile(r"(?:^|[:;,.]\s*)(?:giao|de nghi|yeu cau)\s")
# The aim stated right before its number (`chỉ tiêu đề ra là tối thiểu 20%`, `chỉ tiêu giao: 98%`).
_SET_AIM = re.compile(
    r"\b(?:chi tieu|muc tieu)(?:\s+(?:de ra|duoc giao|giao|dat ra|cua (?:tinh|chinh phu|bo|nganh)))?\s*(?:la|:)?\s*"
    r"(?:toi thieu|it nhat|khong duoi|tren|dat)?\s*$"
)
_LIST_COUNT = re.compile(r"\b(gom|bao gom|thanh|co)\s*$")


@dataclass(frozen=True)
class Context:
    """Where a quantity stands: its sentence, its clause, and the headings above it."""

    sentence: str
    clause_start: int
    clause_end: int
    headings: tuple[str, ...]
    year: int | None = None  # the document's year: a clause about an earlier year reports the past
    report: bool = False  # the sentence stands in a `Báo cáo`: its numbers are results unless set as aims


def _headings_match(headings: tuple[str, ...], regex: re.Pattern[str]) -> bool:
    return any(regex.search(key(h)) for h in headings if h)


def _earlier_year(clause: str, year: int | None) -> bool:
    """A clause about a year before the document's own (`… có Quyết định công nhận năm 2025` in a 2026 plan)."""
    if year is None or re.search(r"\bden (?:het )?nam\b", clause):
        return False
    years = [int(y) for y in _YEAR.findall(clause)]
    return bool(years) and max(years) < year


def _later_year(clause: str, year: int | None) -> bool:
    """A clause that looks to a year after the document's own (`theo lộ trình đến năm 2030, đạt 100% …` in a 2025
    report): an aim, even in a section of results."""
    found = re.findall(r"\b(?:den|toi)\s+(?:het\s+)?nam\s+((?:19|20)\d{2})\b", clause)
    return year is not None and any(int(y) > year for y in found)


def goal_certainty(ctx: Context, q: Quantity) -> float:
    """How sure it is that the quantity is set as something to reach; 0 when it is not one."""
    if q.unit is None:
        return 0.0
    text = ctx.sentence
    before = key(text[ctx.clause_start : q.number_start])
    after = key(text[q.end : ctx.clause_end])
    clause = key(text[ctx.clause_start : ctx.clause_end])
    near = before[-70:]
    aims = _headings_match(ctx.headings, _AIM_HEADING)
    reports = _headings_match(ctx.headings, _REPORT_HEADING) and not aims
    strong = bool(_STRONG.search(near)) or after.startswith(("tro len", "tro di")) or q.comparator in (">=", ">")
    if q.spelled and not re.search(r"(to chuc|dat|it nhat|toi thieu|khoang|thanh lap|mo)\s*$", before):
        return 0.0  # `giá một đơn vị máu`: a number word is a target only after a verb of doing
    if re.match(r"^\s*:", text[q.end : q.end + 3]):
        return 0.0  # `thuộc 02 Chương trình: (1) …`: the number counts the items that follow
    if "phan dau" in clause:
        return 0.9
    if re.match(r"^\W*du bao\b", key(text)):
        return 0.0  # `Dự báo … tăng trưởng 10-10,5%/năm`: a forecast's figures are expected, not set to reach
    # `gồm 03 nội dung` counts a list; `có 03/124 đơn vị` is a share of units, not a count of items
    if _SET_AIM.search(near):
        return 0.85  # `(chỉ tiêu đề ra là tối thiểu 80%)` beside a result: the aim, whatever the result's words
    listed = q.unit != "%" and q.of is None and _LIST_COUNT.search(before[-12:])
    if _LAW.search(before[-35:] + " " + after[:30]) or listed or "lap thanh" in before[-20:]:
        return 0.0
    past = bool(_PAST.search(before[-90:])) or bool(_PAST_AFTER.match(after)) or _earlier_year(clause, ctx.year)
    future = _later_year(clause, ctx.year)
    if past or (reports and not (_AHEAD.search(clause) or future)):
        return 0.0
    ahead = _AHEAD.search(key(text)) or _headings_match(ctx.headings, _AHEAD) or _ASSIGNED.search(before) or future
    if ctx.report and not (_EXPLICIT.search(near) or ahead):
        return 0.0  # a report's figures are results; only a number it sets as an aim is a target
    if q.unit in _MONEY and not aims:
        return 0.0  # a budget statement, not an aim
    if aims:
        return 0.9 if strong or _WEAK.search(near) else 0.8
    if strong:
        return 0.75
    if q.value == 100 and q.unit == "%" and (_WEAK.search(near) or len(before.strip(" -+:")) < 3):
        return 0.6  # `100% các huyện có bài tuyên truyền`: everyone, the aim of a task
    if q.unit not in ("%", *_MONEY) and _DOING.search(near[-30:]):
        return 0.6  # `Tổ chức 02 lớp tập huấn`: a task with its count
    return 0.0


_LIMIT = re.compile(
    rf"\b(?P<lead>trong(?:\s+(?:vong|thoi han|thoi gian))?|khong qua|toi da|cham nhat(?:\s+la)?(?:\s+sau)?)\s+"
    rf"(?P<num>{NUMBER})\s+(?P<unit>gio|ngay lam viec|ngay)(?=\s*(?:[,.;:)]|$|ke tu|tu ngay|tu khi|sau khi))"
)
_LIMIT_VERBS = re.compile(
    r"\b(hoan thanh|giai quyet|xu ly|tra loi|phan hoi|tra ket qua|bao cao|gui|khac phuc|cap|thong bao ket qua|"
    r"ke tu)\b"
)


@dataclass(frozen=True)
class Limit:
    value: float
    unit: str
    start: int
    end: int


def time_limits(text: str, quoted: bool = False) -> list[Limit]:
    """Time limits set as the goal: `hoàn thành trong 48 giờ`, `trong thời hạn 10 ngày kể từ ngày nhận …`; none
    inside a quotation (`quoted`: the text starts inside one)."""
    low = toneless(text).lower()
    out: list[Limit] = []
    if re.match(r"^\W*\d*\s*can cu\s+(?:\S+\s+){0,8}(?:luat|nghi dinh|nghi quyet|quyet dinh|thong tu|chi thi)", low):
        return []  # a legal basis (or its footnote) cites time limits of a law
    for m in _LIMIT.finditer(low):
        window = low[max(0, m.start() - 60) : m.end() + 40]
        if not _LIMIT_VERBS.search(window) or _LAW.search(window) or "nghi dinh" in window:
            continue
        if quoted + low.count("“", 0, m.start()) > low.count("”", 0, m.start()):
            continue  # inside a quotation: the provision of a law or a decision, cited (`theo đó quy định: “Trong …`)
        value = parse_number(m.group("num"))
        if value is None:
            continue
        unit = {"gio": "giờ", "ngay": "ngày", "ngay lam viec": "ngày làm việc"}[m.group("unit")]
        out.append(Limit(value, unit, m.start(), m.end()))
    return out

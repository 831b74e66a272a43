"""Time expressions of plans: deadlines, days, ranges, months and quarters, at the precision they are written.

`trước ngày 31/12/2025` -> a deadline (end 2025-12-31); `Từ ngày 01/4/2024 đến ngày 30/4/2024` -> a range;
`từ ngày 20 tháng 11 năm 2025 đến ngày 03 tháng 12 năm 2025` -> a range; so is `29/6/2026 - 09/7/2026` (a table's
time cell); `Tháng 11 - 12/2025` -> 2025-11 to 2025-12; `trong tháng 12/2025` -> 2025-12; `Quý IV/2025`,
`Quí IV-2025`, `quý IV năm 2025` -> 2025-10 to 2025-12; `ngày 09/10/2025` -> that day. A date with no year
takes the plan's year, unless the expression recurs (`trước ngày 15/11 hằng năm`, `định kỳ hằng tháng`): a
recurring expression has no date. Dates of cited documents
(`Quyết định số 213/QĐ-TTg ngày 01/3/2024`) are not periods.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.vi.text import DOC_NUMBER_RE, make_date, toneless

_D = r"(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*((?:19|20)\d{2}))?"
_DW = r"(\d{1,2})\s+thang\s+(\d{1,2})(?:\s+nam\s+((?:19|20)\d{2}))?"
_DATE = rf"(?:ngay\s+)?(?:{_D}|{_DW})(?!\s*[/.]\s*\d)"
_MONTH = r"thang\s+(\d{1,2})(?:\s*[/-]\s*((?:19|20)\d{2})|\s+nam\s+((?:19|20)\d{2}))?"
# A quarter's numeral ends the word (`quý IW` is no `quý I`); `IW` is `IV` as OCR reads a bold or italic V: after
# `quý` only I to IV can stand, and no numeral is written with a W.
_QUARTER = r"qu[yi]\s+(iv|iw|i{1,3}|[1-4])(?![a-z0-9])(?:\s*[/-]\s*((?:19|20)\d{2})|\s+nam\s+((?:19|20)\d{2}))?"
QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "iw": 4, "1": 1, "2": 2, "3": 3, "4": 4}

_DAY_RANGE = re.compile(rf"\btu\s+{_DATE}\s*(?:den|toi|-|–)\s*(?:het\s+)?{_DATE}")
_SHORT_RANGE = re.compile(
    r"(?<![\d/])(\d{1,2})\s*[-–]\s*(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*((?:19|20)\d{2}))?(?![\d/])"
)
# `29/6/2026 - 09/7/2026` (a table's time cell): two full dates joined by a dash, no `từ`.
_BARE_RANGE = re.compile(
    r"(?<![\d/.])(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*((?:19|20)\d{2}))?\s*[-–]\s*"
    r"(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*((?:19|20)\d{2})(?![\d/])"
)
_MONTH_RANGE = re.compile(
    r"\b(?:tu\s+)?thang\s+(\d{1,2})(?:\s*[/-]\s*((?:19|20)\d{2}))?\s*(?:den|toi|-|–)\s*(?:thang\s+)?(\d{1,2})"
    r"\s*[/-]\s*((?:19|20)\d{2})"
)
_OPEN_MONTH = re.compile(rf"\btu\s+{_MONTH}\s+(?:den|toi)\s+khi\b")
_OPEN_DAY = re.compile(rf"\btu\s+{_DATE}\s+(?:den|toi)\s+khi\b")
_FROM_ISSUE = re.compile(r"\b(?:ke\s+)?tu\s+ngay\s+(?:ban hanh|ky)(?:\s+(?:ke hoach|quyet dinh|van ban|chi thi))?\b")
_DEADLINE = re.compile(
    rf"\b(?:truoc|cham nhat(?:\s+la)?(?:\s+den(?:\s+het)?)?|khong muon hon|han cuoi|xong truoc|hoan thanh truoc)\s*"
    rf"(?:ngay\s*)?{_DATE}"
)
_MONTH_DEADLINE = re.compile(rf"\b(?:truoc|cham nhat(?:\s+la)?|trong)\s+{_MONTH}")
_QUARTER_RE = re.compile(rf"\b{_QUARTER}")
_ONE_MONTH = re.compile(rf"\b{_MONTH}")
_ONE_DAY = re.compile(rf"\bngay\s+(?:{_D}|{_DW})(?!\s*[/.]\s*\d)")
_RECURRING = re.compile(r"\b(?:hang|hàng)\s+(?:nam|thang|quy|tuan|ngay)\b|\bdinh ky\b|\bthuong xuyen\b")
# A date that belongs to a cited document or a person, not to an activity; so is the date a certificate or an
# identity card was issued on (`CCCD số … cấp ngày …`, `cấp đăng ký thay đổi lần thứ 11 ngày …`), and the day a legal
# text is passed or takes effect (`Luật … thông qua tại kỳ họp thứ 9 ngày …, có hiệu lực thi hành từ ngày 01/01/2026`).
# `số 213/QĐ-TTg ngày …` (with its mark: `Sở` is not `số`; and a number after it: `chỉ số năm 2025` is no number)
_NUMBERED = re.compile(r"\bsố\s*[:.]?\s*[^\s\d]{0,2}\d[^;()]{0,30}\s*(?:,\s*)?$")
_CITED = re.compile(
    r"(?:\b(?:luat|bo luat|hien phap|nghi dinh|nghi quyet|quyet dinh|chi thi|thong tu|cong van|bien ban|"
    r"cong dien|thong tri|quy dinh)\b[^;.()]{0,80}|\b(?:ke hoach|thong bao|to trinh|bao cao|huong dan|van ban)\s+so\b"
    r"[^;()]{0,40}|\bsinh|\bky|\bcap(?:\s+(?:lan\s+dau|lai|doi))?|\bthay doi\s+lan\s+thu\s+\d+|"
    r"\bhieu luc(?:\s+thi hanh)?(?:\s+ke)?\s+tu|\bthong qua(?:\s+tai)?(?:\s+ky hop\s+thu\s+\w+)?|\bky hop\s+thu\s+\w+)"
    r"\s*(?:,\s*)?$"
)
# The tail of a document's number and symbol, however OCR spaced it (`2126/KH- UBND ngày`, `số 60/CP. ngày`).
_CODE_TAIL = re.compile(r"\d\s*/\s*(?:[A-Za-z0-9]+\s*[-/]\s*)*[A-Z]{2,}[A-Z0-9]*\.?\s*(?:,\s*)?$")
# `Ngày 03/7/2025, HĐND tỉnh ban hành Nghị quyết số 03/NQ-HĐND …`: the date a numbered document was issued on (a
# document still to be issued has no number yet).
# So is a date followed by its issuer or its subject as a citation writes them (`… 08 tháng 10 năm 2018 của Chính
# phủ sửa đổi …`, `ngày 13/11/2025 về việc …`), when a line break has parted it from its number.
_ISSUED_AFTER = re.compile(
    r"^\s*,?(?:[^.;]{0,80}?\bban hanh\s+(?:luat|nghi dinh|nghi quyet|quyet dinh|chi thi|thong tu|cong van|ke hoach|"
    r"thong bao|huong dan|van ban)\s+so\b|\s*cua\s+(?:chinh phu|thu tuong|quoc hoi|bo|ubnd|uy ban|hdnd|hoi dong|"
    r"tinh uy|thanh uy|ban chap hanh|ban thuong vu|van phong)\b|\s*ve viec\b)"
)
_MONTH_LIST = re.compile(r"\bthang\s+(\d{1,2})\s*(?:,|va)\s*thang\s+(\d{1,2})\s*(?:nam\s+|/\s*)((?:19|20)\d{2})")


@dataclass(frozen=True)
class Period:
    start: str | None
    end: str | None
    kind: str  # deadline, range, month, quarter, day, open
    begin: int  # span of the words in the text
    finish: int
    recurring: bool = False

    def words(self, text: str) -> str:
        return text[self.begin : self.finish].strip()


def _year(*groups: str | None) -> int | None:
    return next((int(g) for g in groups if g), None)


def _iso(day: str | None, month: str | None, year: int | None) -> str | None:
    if not (day and month and year):
        return None
    d = make_date(int(day), int(month), year)
    return d.isoformat() if d else None


def _date_groups(m: re.Match[str], first: int) -> tuple[str | None, str | None, str | None]:
    """(day, month, year) of a `_DATE` whose groups start at `first` (numeric form, then the words form)."""
    g = m.groups()
    if g[first] is not None:
        return g[first], g[first + 1], g[first + 2]
    return g[first + 3], g[first + 4], g[first + 5]


def _month(month: str | None, year: int | None) -> str | None:
    return f"{year}-{int(month):02d}" if month and year and 1 <= int(month) <= 12 else None


def _cited(cased: str, original: str, at: int) -> bool:
    """Whether the date at `at` is a cited document's (`Nghị định số 03/2019/NĐ-CP, ngày 05/9/2019`) or a
    person's."""
    before = cased[max(0, at - 120) : at]
    if _CITED.search(before.lower()) or _NUMBERED.search(original[max(0, at - 120) : at].lower()):
        return True
    if _CODE_TAIL.search(before) or _ISSUED_AFTER.match(_after_date(cased, at).lower()):
        return True
    ends = [m.end() for m in DOC_NUMBER_RE.finditer(before)]
    return bool(ends) and len(before) - ends[-1] < 16


def _after_date(cased: str, at: int) -> str:
    """The text after the date (or month) that starts at `at`."""
    m = re.match(rf"(?:ngay\s+)?(?:{_D}|{_DW})|{_MONTH}", cased[at:], re.IGNORECASE)
    return cased[at + m.end() : at + m.end() + 120] if m else ""


def find_periods(text: str, year: int | None, issued: str | None = None) -> list[Period]:
    """Every dated time expression of a text, longest first where they overlap (a recurring one has no date, so it
    is none, and one with a date is flagged `recurring`). `issued`
    is the document's date, which `từ ngày ban hành Kế hoạch` and `kể từ ngày ký` refer to."""
    cased = toneless(text)
    plain = cased.lower()
    recurring = bool(_RECURRING.search(plain))
    fill = None if recurring else year
    found: list[Period] = []
    cited: list[tuple[int, int]] = []  # a cited date's month (`tháng 10 năm 2018` of `ngày 08 tháng 10 …`) is no period

    def add(start: str | None, end: str | None, kind: str, m: re.Match[str]) -> None:
        spans = [(p.begin, p.finish) for p in found] + cited
        if any(a <= m.start() < b or m.start() <= a < m.end() for a, b in spans):
            return
        if _cited(cased, text, m.start()):
            cited.append((m.start(), m.end()))
            return
        found.append(Period(start, end, kind, m.start(), m.end(), recurring))

    for m in _FROM_ISSUE.finditer(plain):
        add(issued, None, "open", m)
    for m in _DAY_RANGE.finditer(plain):
        d1, m1, y1 = _date_groups(m, 0)
        d2, m2, y2 = _date_groups(m, 6)
        add(_iso(d1, m1, _year(y1, y2) or fill), _iso(d2, m2, _year(y2, y1) or fill), "range", m)
    for m in _BARE_RANGE.finditer(plain):
        end_year = _year(m.group(6))
        add(
            _iso(m.group(1), m.group(2), _year(m.group(3)) or end_year),
            _iso(m.group(4), m.group(5), end_year),
            "range",
            m,
        )
    for m in _SHORT_RANGE.finditer(plain):
        short_year = _year(m.group(4)) or fill
        add(_iso(m.group(1), m.group(3), short_year), _iso(m.group(2), m.group(3), short_year), "range", m)
    for m in _MONTH_LIST.finditer(plain):
        list_year = _year(m.group(3))
        add(_month(m.group(1), list_year), _month(m.group(2), list_year), "range", m)
    for m in _MONTH_RANGE.finditer(plain):
        end_year = _year(m.group(4))
        add(_month(m.group(1), _year(m.group(2)) or end_year), _month(m.group(3), end_year), "range", m)
    for m in _OPEN_DAY.finditer(plain):
        d, mo, y1 = _date_groups(m, 0)
        add(_iso(d, mo, _year(y1) or fill), None, "open", m)
    for m in _OPEN_MONTH.finditer(plain):
        add(_month(m.group(1), _year(m.group(2), m.group(3)) or fill), None, "open", m)
    for m in _DEADLINE.finditer(plain):
        d, mo, y1 = _date_groups(m, 0)
        add(None, _iso(d, mo, _year(y1) or fill), "deadline", m)
    for m in _ONE_DAY.finditer(plain):
        d, mo, y1 = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5), m.group(6))
        day = _iso(d, mo, _year(y1) or fill)
        add(day, day, "day", m)
    for m in _QUARTER_RE.finditer(plain):
        q, quarter_year = QUARTERS[m.group(1)], _year(m.group(2), m.group(3)) or fill
        add(_month(str(3 * q - 2), quarter_year), _month(str(3 * q), quarter_year), "quarter", m)
    for m in _MONTH_DEADLINE.finditer(plain):
        month = _month(m.group(1), _year(m.group(2), m.group(3)) or fill)
        add(month if m.group().startswith("trong") else None, month, "month", m)
    for m in _ONE_MONTH.finditer(plain):
        month = _month(m.group(1), _year(m.group(2), m.group(3)) or fill)
        add(month, month, "month", m)
    found = [_started(p, plain) for p in found] if recurring else found
    return sorted((p for p in found if p.start or p.end), key=lambda p: p.begin)


# `(bắt đầu thực hiện) từ tháng 01/2026`, `kể từ ngày …` before a month or day of a recurring task: when it begins
_STARTS_AT = re.compile(r"\b(?:bat dau(?:\s+(?:thuc hien|trien khai|ap dung))?\s+)?(?:ke\s+)?tu\s*$")


def _started(period: Period, plain: str) -> Period:
    """A recurring task's month or day that is its start (`định kỳ hằng tháng …, bắt đầu thực hiện từ tháng
    01/2026`): dated from then on, with no end, and no longer undated. Its year is written: a recurring task's
    dates take no year from the document."""
    if period.kind not in ("month", "day") or not _STARTS_AT.search(plain[: period.begin]):
        return period
    return Period(period.start, None, "open", period.begin, period.finish)

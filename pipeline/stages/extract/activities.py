"""Dated activities: the tasks, phases, meetings and inspections a plan sets a date, a period or a deadline for.

`- Tổng hợp kết quả kiểm kê, báo cáo Bộ Tài chính. Thời gian hoàn thành: Trước ngày 31/5/2026.` is an activity
with a deadline; so is a task followed by its own `Thời gian thực hiện: Tháng 11 - 12/2025.` line, a clause
`…; gửi kết quả rà soát về Bộ Công an trước ngày 15 tháng 12 năm 2025`, a phase `Đợt 01 … từ ngày 20 tháng 11
năm 2025 đến ngày 03 tháng 12 năm 2025`, a meeting `Ngày 07/11/2025, đồng chí … chủ trì buổi làm việc …`, and a
row of a task table whose time column says `Quí IV-2025`. The activity's name is its clause without the time
words; its organisers are the bodies its clause or its section names; its place follows `tại`.
"""

from __future__ import annotations

import re

from pipeline.plan import Event, EventKind, Evidence
from pipeline.records import Document, Table
from pipeline.stages.extract.confidence import evidence_confidence
from pipeline.stages.extract.evidence import source
from pipeline.stages.extract.periods import Period, find_periods
from pipeline.stages.extract.spans import running_paragraphs
from pipeline.stages.structure import Layout
from pipeline.vi.names import names_in, subject_names
from pipeline.vi.text import key, toneless

# A line that gives the time of the task before it: `Thời gian hoàn thành: …`, `Thời hạn thực hiện: …`.
_TIME_LINE = re.compile(r"^\s*[-+•]?\s*(?:thoi gian|thoi han|tien do)(?:\s+[a-z]+){0,3}\s*:")
# A clause ends at a stop that a capital, a mark or a digit follows: a stop before a lower-case word closes an
# abbreviation (`số 60/CP. ngày 05/7/1994`), not a sentence, and the date stays with its document.
_CLAUSE = re.compile(r"(?<=[.;!?])\s+(?=[^\s\wà-ỹ]|[A-ZĐÀ-Ỹ0-9])|(?<=;)\s+(?=\S)")
_MARKER = re.compile(r"^\s*(?:[IVXLC]{1,5}\s*[.)]|\d{1,2}(?:\.\d{1,2})*\s*[.)]|[a-zđ]\)|[-+•–*])\s*", re.IGNORECASE)
# A place after `tại`: a proper name, a street number, a hall, or an administrative unit written in lower case
# (`tại thành phố Vinh`, `tại xã …`, `tại trường …`), which a proper name follows.
_PLACE = re.compile(
    r"\btại\s+((?:[A-ZĐÂ-Ỹ][^\s,;.]*|\d+|số|hội trường|trụ sở|phòng họp|nhà văn hóa|nhà văn hoá|sân vận động|"
    r"(?:thành phố|thị xã|thị trấn|tỉnh|huyện|quận|xã|phường|đặc khu|trường|bệnh viện|trung tâm)(?=\s+[A-ZĐÂ-Ỹ\d]))"
    r"(?:\s+[^\s,;.()]+){0,8})"
)
# A labelled line under a task (`Đơn vị chủ trì: …`, `+ Nội dung: …`): it does not start a new task.
_LABEL = re.compile(
    r"^\s*[-+•]?\s*(?:đơn vị|cơ quan|nội dung|sản phẩm|kết quả|kinh phí|hình thức|địa điểm|thành phần|phương thức|"
    r"chỉ tiêu|mục tiêu|yêu cầu|lưu ý|ghi chú)\b[^:]{0,40}:",
    re.IGNORECASE,
)
_PAST = re.compile(r"\bda\b|\btinh (?:den|tu)\b|\bden nay\b|\bluy ke\b|\bket qua:")
# A single day that figures are counted up to (`đến hết ngày 10/12/2025`, `Đến thời điểm ngày …`): no activity;
# a deadline (`chậm nhất đến hết ngày …`) is one.
_CUT_OFF = re.compile(r"\b(?<!cham nhat )(?:tinh den|(?:den|toi) het|den thoi diem)(?:\s+ngay)?\s*$")
# `họp` is a meeting; `hợp` in `trường hợp`, `phối hợp`, `tổng hợp`, `hợp tác` … is not. Told apart by the words
# around it, not by its marks: text repair and OCR swap those two marks.
_MEETING = re.compile(
    r"\bbuoi lam viec\b|\bhoi nghi\b|"
    r"(?<!truong )(?<!phu )(?<!tong )(?<!phoi )(?<!ket )(?<!thich )(?<!hoa )(?<!to )(?<!hon )(?<!lien )(?<!dung )"
    r"\bhop\b(?!\s+(?:tac|dong|le|nhat|phap|ly|thuc|tinh|chuan|quy|doanh|nhan|thanh|xa|luc)\b)"
)
# The noun that names a meeting, where a clause that opens with its date names it after who chaired it.
_MEETING_NOUN = re.compile(r"\b(?:cuoc hop|buoi lam viec|cuoc lam viec|buoi hop|hoi nghi)\b")
# A figure counted up to a date (`… thực hiện đến ngày 10/12/2025 là 28.611 tỷ đồng`, `cập nhật kết quả đến ngày
# 27/11/2025`): the date bounds a statistic, no activity.
_TO_DATE = r"(?:den|toi)(?:\s+het)?(?:\s+ngay)?\s*$"
_COUNTED_TO = re.compile(r"\b" + _TO_DATE)
_FIGURE_AFTER = re.compile(r"^\s*,?\s*(?:la|dat|co|tang|giam)\s+(?:khoang\s+|tren\s+)?\d")
_UPDATED_TO = re.compile(r"\bcap nhat(?:\s+ket qua)?\s+" + _TO_DATE)
# `báo cáo kết quả triển khai thực hiện tháng 3/2026`: the month the results cover, no activity.
_RESULTS_OF = re.compile(r"\bket qua\s+(?:thuc hien|trien khai)\b[^;:]{0,100}$")
_NOT_TASK_COLUMN = re.compile(r"^(stt|tt|so tt)$|chu tri|phoi hop|co quan|don vi|ghi chu|san pham|ket qua")
_TIME_COLUMN = re.compile(r"thoi gian|thoi han|tien do")
# Head words that tell what kind of activity it is.
ACTIVITY_KINDS: tuple[tuple[str, EventKind], ...] = (
    ("dot ", "phase"), ("hop ", "meeting"), ("lam viec", "meeting"), ("buoi lam viec", "meeting"),
    ("cuoc hop", "meeting"), ("buoi hop", "meeting"), ("cuoc lam viec", "meeting"),
    ("hoi nghi", "conference"), ("hoi thao", "conference"), ("kiem tra", "inspection"), ("thanh tra", "inspection"),
    ("giam sat", "inspection"), ("tap huan", "training"), ("boi duong", "training"),
)  # fmt: skip


def activity_kind(name: str, period: Period) -> EventKind:
    k = key(name)
    for word, kind in ACTIVITY_KINDS:
        if k.startswith(word) or (word.strip() in ("hoi nghi", "hoi thao", "buoi lam viec") and word in k):
            return kind
    if period.kind == "day":
        return "event"  # held on one day (`Tổ chức Lễ phát động … vào ngày 08/5/2024`): not a period
    return "deadline" if period.kind == "deadline" else "period"


def _name(text: str, period: Period, since: int = 0) -> str:
    """The activity a period is set for: the words before it (from the previous period on), or after it when the
    clause opens with its time (`Ngày 07/11/2025, đồng chí … chủ trì buổi làm việc …`); no marker."""
    lead = _MARKER.match(text)
    opening = lead.end() if lead else 0
    if period.finish > period.begin and period.begin - max(since, opening) < 12:
        name = text[period.finish :]
        name = re.split(r"(?<=[^\d\s])[.;](?:\s|$)", name, maxsplit=1)[0]
        meeting = _MEETING_NOUN.search(toneless(name).lower())
        if meeting:  # `Ngày 24/12, tại trụ sở …, đồng chí … chủ trì cuộc họp với …`: the meeting, not who chaired it
            name = name[meeting.start() :]
    else:
        name = text[since : period.begin] if period.finish > period.begin else text
    name = _MARKER.sub("", name.strip(" ,;:.()-–"))
    name = re.sub(r"\s*\(\s*\)|\s{2,}", " ", name)
    name = re.sub(r"(?:,|\s)+(?:trước|chậm nhất|xong|hoàn thành|trong|vào|từ|đến)?\s*[.;,:]*\s*$", "", name.strip())
    name = re.sub(
        r"\s*\((?:hoàn thành|thực hiện|xong)?(?:\s+trong)?\s*$", "", name, flags=re.IGNORECASE
    )  # `(hoàn thành trong quý IV/2025)`
    name = name.strip(" ,;:.-–")
    if len(name) > 160:
        name = name[:160].rsplit(" ", 1)[0]
    return name[:1].upper() + name[1:]


def _within(clause: str, period: Period) -> bool:
    """Whether a period is written as a time limit (`trong tháng 12/2025`, `trước tháng …`)."""
    return key(period.words(clause)).startswith(("trong", "truoc", "cham nhat"))


def _statistic(clause: str, period: Period) -> bool:
    """Whether a day only bounds a figure: `tính đến ngày …`, `cập nhật kết quả đến ngày …`, `đến ngày … là 5.749`."""
    before = key(clause[: period.begin])[-40:]
    if _CUT_OFF.search(before[-30:]) or _UPDATED_TO.search(before):
        return True
    return bool(_COUNTED_TO.search(before) and _FIGURE_AFTER.match(key(clause[period.finish : period.finish + 40])))


def _coordinated(name: str, first: str) -> str:
    """A part joined by `và`/`hoặc` to an activity named before it in the clause (`… báo cáo kết quả … kỳ 6 tháng
    (…) và kỳ 12 tháng (…)`) leaves out the words they share: it is named with them (`… báo cáo kết quả … kỳ 12
    tháng`)."""
    m = re.match(r"^(?:và|hoặc)\s+(\S+)", name, re.IGNORECASE)
    if not m or not first:
        return name
    at = first.lower().rfind(f" {m.group(1).lower()} ")
    return f"{first[: at + 1]}{name[m.start(1) :]}" if at > 0 else name


def _event(
    name: str, text: str, period: Period, period_words: str, doc: Document, i: int, organizers: list[str]
) -> Event:
    p = doc.paragraphs[i]
    place = _PLACE.search(text)
    return Event(
        name=name,
        kind=activity_kind(name, period),
        date_start=period.start,
        date_end=period.end,
        period_text=period_words,
        organizers=organizers,
        location=place.group(1).strip() if place else None,
        text=text,
        source=source(p),
        confidence=round(0.7 * evidence_confidence(p), 3),
    )


def _organizers(text: str, heading_bodies: list[str]) -> list[str]:
    names, _ = subject_names(_MARKER.sub("", text))
    return names or heading_bodies


def paragraph_activities(
    doc: Document, i: int, previous: int | None, year: int | None, heading_bodies: list[str], issued: str | None = None
) -> list[Event]:
    """The dated activities of one paragraph; a time line belongs to the task in the paragraph before it."""
    text = doc.paragraphs[i].text
    out: list[Event] = []
    if _TIME_LINE.match(key(text)) and previous is not None:
        task = doc.paragraphs[previous].text
        for period in find_periods(text, year, issued)[:1]:
            if period.recurring:
                continue
            name = _name(task, Period(None, None, "", 0, 0))
            whole = f"{task} {text}"
            out.append(
                _event(name, whole, period, period.words(text), doc, previous, _organizers(task, heading_bodies))
            )
        return out
    clauses = _CLAUSE.split(text)
    for n, clause in enumerate(clauses):
        since = 0
        first, last = "", ""
        dated: set[tuple[str | None, str | None]] = set()
        for period in find_periods(clause, year, issued):
            if (period.start, period.end) in dated:
                continue  # `báo cáo trước ngày 05/02 và gửi file mềm … trước ngày 05/02`: one activity, one date
            if period.recurring or (_PAST.search(key(clause)) and not _MEETING.search(key(clause))):
                continue  # a report of what was done (`Tính đến ngày …, toàn tỉnh đã …`) is no activity
            if period.kind == "day" and key(clause).startswith("can cu"):
                continue  # a legal basis: its days are its documents' (`Căn cứ Luật … ngày 30/3/2021`), OCR-garbled
            if period.kind == "day" and _statistic(clause, period):
                continue  # `Tổng thu ngân sách thực hiện đến hết ngày 10/12/2025`: the date figures are counted to
            before = key(clause[: period.begin])
            if period.kind in ("month", "quarter") and _RESULTS_OF.search(before) and not _within(clause, period):
                continue  # `báo cáo kết quả thực hiện tháng 3/2026`: the month the results cover
            named = clause
            if _TIME_LINE.match(key(clause)):  # `… gửi Bộ Tài chính. Thời gian hoàn thành: Trước ngày 31/5/2026.`
                if n == 0:
                    continue
                named = clauses[n - 1]
                name = _name(named, Period(None, None, "", 0, 0))
            elif since and last and period.begin - since < 12:
                name = last  # `kỳ 6 tháng (từ … đến …, gửi trước ngày 20/6/2026)`: one activity, two dates
            else:
                name = _coordinated(_name(clause, period, since), first)
            since = period.finish
            if len(name) < 6:
                continue
            first, last = first or name, name
            dated.add((period.start, period.end))
            out.append(_event(name, text, period, period.words(clause), doc, i, _organizers(named, heading_bodies)))
    return out


def _dated_column(table: Table, year: int | None) -> int | None:
    """The time column of a task table whose heading was misread (a scan's two-line `Thời gian / thực hiện` read
    as `thực hiện`): the column whose cells, in most rows and at least two, are a date or a period and little
    else (`Trước ngày 27/6/2026`, `29/6/2026 - 09/7/2026`)."""
    body = table.rows[1:]
    for j in range(len(table.rows[0]) if table.rows else 0):
        cells = [r[j].text for r in body if j < len(r) and r[j].text.strip()]
        dated = [c for c in cells if len(c) <= 40 and find_periods(c, year)]
        if len(dated) >= 2 and 2 * len(dated) > len(body):
            return j
    return None


def table_activities(table: Table, year: int | None) -> list[Event]:
    """Rows of a task table whose time column gives a date, a period or a deadline."""
    head = [key(c.text) for c in table.rows[0]] if table.rows else []
    column = next((j for j, h in enumerate(head) if _TIME_COLUMN.search(h)), None)
    if column is None:
        column = _dated_column(table, year)
    if column is None:
        return []
    others = [j for j, h in enumerate(head) if j != column and not _NOT_TASK_COLUMN.search(h)]
    if not others:
        return []
    task_column = max(others, key=lambda j: sum(len(r[j].text) for r in table.rows if j < len(r)))
    lead_column = next((j for j, h in enumerate(head) if "chu tri" in h), None)
    out: list[Event] = []
    for row in table.rows[1:]:
        if column >= len(row) or task_column >= len(row):
            continue
        when, task = row[column].text, row[task_column].text
        for period in find_periods(when, year)[:1]:
            if period.recurring or not task:
                continue
            ev = Evidence(page=table.page, bbox=None, text=f"{task} | {when}", raw_text=f"{task} | {when}")
            lead = names_in(row[lead_column].text) if lead_column is not None and lead_column < len(row) else []
            out.append(
                Event(
                    name=task[:160], kind=activity_kind(task, period),
                    date_start=period.start, date_end=period.end, period_text=period.words(when),
                    organizers=lead, text=f"{task} | {when}", source=ev, confidence=0.7,
                )
            )  # fmt: skip
    return out


def extract_activities(
    doc: Document, lay: Layout, year: int | None, bodies_of: dict[int, list[str]], issued: str | None = None
) -> list[Event]:
    """Every dated activity of the running text and of task tables. `bodies_of` maps a paragraph to the bodies its
    section's heading names (the organisers of the tasks under it)."""
    out: list[Event] = []
    previous: int | None = None
    for i in [*lay.title, *running_paragraphs(doc, lay)]:
        out += paragraph_activities(doc, i, previous, year, bodies_of.get(i, []), issued)
        text = doc.paragraphs[i].text
        if not _TIME_LINE.match(key(text)) and not _LABEL.match(text):
            previous = i
    for table in doc.tables:
        out += table_activities(table, year)
    return out

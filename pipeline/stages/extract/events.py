"""Events: campaigns, named days and months, festivals, collection drives, trainings and conferences, with dates.

Three ways a plan names an event:
- a named day, month or festival (`Ngày Môi trường thế giới (05/6/2024)`, `Ngày Sách Việt Nam -
  21/4`, `Tháng Thanh niên`, `Lễ hội Đền Hùng`), or a campaign or programme with a quoted name (`Chiến dịch
  “Mùa hè xanh”`, and the themes of `chủ đề như: “…”, “…”`);
- a section whose heading is an event and whose items give `Thời gian:` and `Mục tiêu:`;
- a drive someone organises (`Tỉnh đoàn tổ chức Ngày hội việc làm hưởng ứng …`).
Confidence: a named day with its own date is the surest (0.92); a named or quoted event without one 0.8; a
section heading read as an event 0.7 (headings also describe activities); a drive found from `X tổ chức …` and
a quoted theme 0.6. Dates come from the text next to the name, from `Thời gian:`, or from the period an
enclosing item sets (`Quý II năm 2021:`). The plan year fills in dates that omit it; month or quarter precision
is kept as `YYYY-MM`. Mentions of one event are merged into one item (`identity`, `merge`).
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.plan import Event, EventKind, EventTarget
from pipeline.records import Document
from pipeline.stages.extract.activities import activity_kind, extract_activities
from pipeline.stages.extract.confidence import evidence_confidence
from pipeline.stages.extract.evidence import source
from pipeline.stages.extract.periods import find_periods
from pipeline.stages.extract.spans import Sentence, body_sentences, fact_sections, running_paragraphs
from pipeline.stages.extract.targets import subject_of
from pipeline.stages.structure import Layout, Section
from pipeline.vi.names import names_in, subject_names
from pipeline.vi.text import key, make_date

KINDS: tuple[tuple[str, EventKind], ...] = (
    ("phong trao", "movement"), ("cuoc van dong", "movement"), ("dot thi dua", "movement"), ("thi dua", "movement"),
    ("ngay hoi", "collection_drive"), ("le hoi", "festival"), ("chien dich", "campaign"), ("chuong trinh", "programme"),
    ("hanh trinh", "programme"), ("hoi nghi", "conference"), ("hoi thao", "conference"), ("hoi thi", "contest"),
    ("cuoc thi", "contest"), ("tap huan", "training"), ("tuan le", "week"), ("thang", "month"), ("ngay", "day"),
    ("tet", "holiday"), ("dot", "collection_drive"), ("chu de", "theme"),
)  # fmt: skip
_EVENT_NOUN = (
    r"(?:[Pp]hong trào(?: thi đua)?|[Cc]uộc vận động|[Đđ]ợt thi đua|[Cc]hiến dịch|[Cc]hương trình|[Nn]gày hội|"
    r"[Ll]ễ hội|[Hh]ội thi|[Cc]uộc thi|[Hh]ội nghị|[Hh]ội thảo|[Tt]uần lễ|[Hh]ành trình)"
)
# A quoted name after an event noun, or in a list of themes.
_QUOTED = re.compile(rf"(?P<noun>{_EVENT_NOUN}\s+(?:[^“”\"]{{0,40}}?\s)?)?[“\"](?P<name>[^”\"]{{3,80}})[”\"]")
# A capitalised name after Ngày / Tháng / Lễ hội / Tết, up to punctuation or a linking word.
_NAMED = re.compile(
    r"(?P<name>(?:[Nn]gày|[Tt]háng|[Tt]uần lễ|[Ll]ễ hội|Tết)\s+(?!hội\b)[^\W\d_][^\s,;.()“”\"]*"
    r"(?:\s+(?!tại\b|của\b|và\b|với\b|cho\b|trong\b|năm\b|nhằm\b|để\b|theo\b|hưởng\b|nhân\s+(?:dịp|ngày|kỷ)\b|dịp\b|từ\b|đến\b|"
    r"vào\b|lúc\b|hoặc\b|ngày\s+\d|[-–—\d])"
    r"[^\s,;.()“”\"]+){0,9})"
)
_LUNAR_MONTHS = ("thang gieng", "thang chap")
_DAY_MONTH = re.compile(r"^\s*(?:\(\s*|-\s*|–\s*)(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*(\d{4}))?")
_QUARTER = re.compile(r"\bquý\s+(IV|IW|I{1,3}|[1-4])\b(?:\s+năm\s+(\d{4}))?", re.IGNORECASE)
_MONTH_RANGE = re.compile(
    r"từ\s+tháng\s+(\d{1,2})(?:\s*/\s*(\d{4}))?\s+(?:đến|tới)\s+tháng\s+(\d{1,2})(?:\s*/\s*(\d{4}))?", re.IGNORECASE
)
_ONE_MONTH = re.compile(r"(?:trong\s+)?tháng\s+(\d{1,2})\s*/\s*(\d{4})", re.IGNORECASE)
_TIME_ITEM = re.compile(r"^\s*(?:thời gian|thời điểm)\s*:", re.IGNORECASE)
_TARGET_ITEM = re.compile(r"^\s*(?:mục tiêu|chỉ tiêu)\s*:\s*(?P<text>.+)$", re.IGNORECASE)
_ORGANISE = re.compile(
    r"\btổ chức\s+(?P<what>(?:các\s+)?(?:[Nn]gày hội|đợt|[Cc]hương trình|[Hh]ội nghị|lớp|Lễ|Hội thi|Chiến dịch)[^;:.]*)"
)
# A list of movements or campaigns: `các phong trào thi đua trọng tâm … như Phong trào A; B; C`.
_MOVEMENT_LIST = re.compile(
    r"\b(?:các|những)\s+(?:phong trào|cuộc vận động|chiến dịch)[^:;.]{0,80}?\b(?:như|gồm|bao gồm)\s*:?\s*"
    r"(?P<items>[^.]+;[^.]+)",
    re.IGNORECASE,
)
_SUMMER = re.compile(r"\s*hè\s+(?:năm\s+)?(\d{4})")
QUARTERS = {"I": 1, "II": 2, "III": 3, "IV": 4, "IW": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def kind_of(name: str) -> EventKind:
    k = key(name)
    return next((kind for word, kind in KINDS if k.startswith(word) or f" {word} " in f" {k} "), "event")


def period_of(text: str, year: int | None) -> tuple[str | None, str | None, str | None]:
    """(start, end, the words) of a period stated in a text: a quarter, a month range or one month."""
    m = _MONTH_RANGE.search(text)
    if m:
        y1 = int(m.group(2) or m.group(4) or year or 0)
        y2 = int(m.group(4) or m.group(2) or year or 0)
        if y1 and y2:
            return f"{y1}-{int(m.group(1)):02d}", f"{y2}-{int(m.group(3)):02d}", m.group(0)
    m = _QUARTER.search(text)
    if m:
        q, y = QUARTERS[m.group(1).upper()], int(m.group(2) or year or 0)
        if y:
            return f"{y}-{3 * q - 2:02d}", f"{y}-{3 * q:02d}", m.group(0)
    m = _ONE_MONTH.search(text)
    if m:
        month = f"{int(m.group(2))}-{int(m.group(1)):02d}"
        return month, month, m.group(0)
    return None, None, None


def _date_after(text: str, at: int, year: int | None) -> str | None:
    m = _DAY_MONTH.match(text[at:])
    if not m:
        return None
    y = int(m.group(3) or year or 0)
    d = make_date(int(m.group(1)), int(m.group(2)), y) if y else None
    return d.isoformat() if d else None


def _clean(name: str) -> str:
    name = re.sub(r"\s+", " ", name).strip(" -–,:;")
    return name[:1].upper() + name[1:]


def _event(name: str, s: Sentence, doc: Document, start: int, end: int, certainty: float, **fields: Any) -> Event:
    p = doc.paragraphs[s.paragraph]
    a, b = s.start + start, s.start + end
    return Event(
        name=_clean(name),
        kind=kind_of(name),
        text=s.text,
        source=source(p, a, b),
        confidence=round(certainty * evidence_confidence(p, a, b), 3),
        **fields,
    )


Period = tuple[str | None, str | None, str | None]


def events_in(
    s: Sentence, doc: Document, year: int | None, period: tuple[str | None, str | None, str | None]
) -> list[Event]:
    out: list[Event] = []
    text = s.text
    taken: list[tuple[int, int]] = []
    organise = _ORGANISE.search(text)
    organised_at = organise.start("what") if organise else -1

    # the period an item sets belongs to what it organises, not to every event it names
    def own(at: int) -> Period:
        return period if abs(at - organised_at) <= 3 else (None, None, None)

    for m in _NAMED.finditer(text):
        words = m.group("name").split()
        head = 2 if key(" ".join(words[:2])) in ("le hoi", "tuan le") else 1
        capitalised_head = words[0][:1].isupper() and m.start() > 0  # `… và Tháng hành động vì môi trường`
        if len(words) <= head or not (words[head][:1].isupper() or (capitalised_head and words[0] != "Tết")):
            continue  # `tháng đầu`, `Tết đầm ấm`: a name must follow, or the head word be capitalised mid-sentence
        if key(" ".join(words[:2])) in _LUNAR_MONTHS:
            continue  # `tháng Giêng`, `tháng Chạp`: a month of the lunar calendar, not a named event
        when = _date_after(text, m.end(), year)
        start, end, words_ = (when, when, None) if when else own(m.start())
        certainty = 0.92 if when else 0.8
        out.append(_event(m.group("name"), s, doc, m.start(), m.end(), certainty, date_start=start, date_end=end,
                          period_text=words_))  # fmt: skip
        taken.append((m.start(), m.end()))
    themes = bool(re.search(r"chủ đề", text, re.IGNORECASE))
    for m in _QUOTED.finditer(text):
        before = text[max(0, m.start() - 12) : m.start()].lower()
        if "thông điệp" in before or "khẩu hiệu" in before:
            continue  # a slogan, not an event
        if not m.group("noun") and not themes:
            continue
        name = f"{m.group('noun') or ''}“{m.group('name')}”"
        if any(a <= m.start("name") < b for a, b in taken):
            continue
        p_start, p_end, p_text = own(m.start())
        summer = _SUMMER.match(text[m.end() :])
        if summer and p_start is None:  # `Chiến dịch “…” hè 2021`: the summer holidays, June to August
            y = summer.group(1)
            p_start, p_end, p_text = f"{y}-06", f"{y}-08", summer.group().strip()
        out.append(_event(name, s, doc, m.start(), m.end(), 0.8 if m.group("noun") else 0.6,
                          date_start=p_start, date_end=p_end, period_text=p_text))  # fmt: skip
    for m in _MOVEMENT_LIST.finditer(text):  # `các phong trào thi đua … như: A; B; C`: each is a movement
        pos = m.start("items")
        for part in re.split(r";\s*", m.group("items")):
            name = re.sub(r"[.…]+$", "", part).strip(" ,.")
            if 6 <= len(name) <= 160 and not any(a <= pos < b for a, b in taken):
                out.append(_event(name, s, doc, pos, pos + len(part), 0.6))
            pos += len(part) + 1
    if organise:
        subject = subject_of(text, organise.start())
        what = organise.group("what")
        location = None
        at = re.search(r"\s+tại\s+(.+)$", what)
        if at:
            location, what = at.group(1).strip(), what[: at.start()]
        dated = re.search(r"\s+(?:vào|trong|từ)\s+((?:tháng|quý|ngày).+)$", what, re.IGNORECASE)
        if dated:
            found = period_of(dated.group(1), year)
            what = what[: dated.start()]
            if found[0]:
                period = found  # its own date wins over the enclosing item's period
        organizers = names_in(re.sub(r"\s*\([^)]*\)", "", subject)) if subject else []
        if organizers:
            out.append(_event(what, s, doc, organise.start("what"), organise.end("what"), 0.6,
                              date_start=period[0], date_end=period[1], period_text=period[2],
                              organizers=organizers, location=location))  # fmt: skip
    return out


def section_events(doc: Document, lay: Layout, year: int | None) -> list[Event]:
    """Sections headed by an event, whose items say `Thời gian:` (and perhaps `Mục tiêu:`)."""
    out: list[Event] = []
    for section in (s for top in fact_sections(doc, lay) for s in top.walk()):
        items = [doc.paragraphs[i] for i in section.paragraphs[1:]] + [
            doc.paragraphs[c.paragraphs[0]] for c in section.children
        ]
        texts = [re.sub(r"^\s*[-+•]\s*", "", p.text) for p in items]
        when = next((t for t in texts if _TIME_ITEM.match(t)), None)
        if not when or not section.heading:
            continue
        start, end, words = period_of(when, year)
        target = next((m.group("text") for t in texts if (m := _TARGET_ITEM.match(t))), None)
        first = doc.paragraphs[section.paragraphs[0]]
        s = Sentence(section.paragraphs[0], 0, len(first.text), first.text, section, (section.heading,))
        name = re.sub(r"\s*\((?:theo|kèm|căn cứ)[^)]*\)\s*$", "", section.heading)  # a reference, not the name
        out.append(_event(name, s, doc, 0, section.heading_end, 0.7, date_start=start, date_end=end,
                          period_text=words or when.split(":", 1)[-1].strip(),
                          target=EventTarget(text=target) if target else None))  # fmt: skip
    return out


def _period_marker(text: str, year: int | None) -> tuple[str | None, str | None, str | None] | None:
    """A list item that opens with a period (`Quý II năm 2021:`) sets it for the items under it."""
    head = re.sub(r"^\s*[-+•]\s*", "", text)[:40]
    if re.match(r"^(quý|từ tháng|trong tháng|tháng)\s", head, re.IGNORECASE) and ":" in text[:60]:
        found = period_of(head, year)
        return found if found[0] else None
    return None


def _heading_bodies(doc: Document, lay: Layout) -> dict[int, list[str]]:
    """For each paragraph, the bodies its nearest section heading names (`1.2. Sở Tài chính`)."""
    out: dict[int, list[str]] = {}

    def walk(section: Section, inherited: list[str]) -> None:
        first = doc.paragraphs[section.paragraphs[0]].text
        names, _ = subject_names(re.sub(r"^\s*[\dIVXivx.]+[.)]?\s*|^\s*[a-zđ]\)\s*", "", first))
        names = names or inherited
        for i in section.paragraphs:
            out[i] = names
        for child in section.children:
            walk(child, names)

    for top in fact_sections(doc, lay):
        walk(top, [])
    return out


# A title that names one gathering or check the document organises (`Tổ chức Hội nghị triển khai …`, `V/v kế
# hoạch kiểm tra công tác nghiệm thu …`): its `Thời gian …:` item dates it.
_TITLE_LEAD = re.compile(r"^\s*(?:v/v|về việc)?\s*(?:kế hoạch\s+)?(?:tổ chức\s+)?", re.IGNORECASE)
_TITLE_EVENT = re.compile(
    r"^(?:hoi nghi|hoi thao|hoi thi|cuoc thi|dai hoi|le |ngay hoi|kiem tra|thanh tra|giam sat|tap huan|lam viec|"
    r"doan kiem tra|khao sat|dien tap)"
)
_WHEN_ITEM = re.compile(
    r"^\s*(?:(?:\d{1,2}|[IVX]{1,4})\s*[.)]\s*|[a-zđ]\)\s*|[-+•]\s*)?thời gian(?:\s+(?:tổ chức|kiểm tra|làm việc|"
    r"khảo sát|giám sát|diễn ra|dự kiến))?\s*:",
    re.IGNORECASE,
)
_WHERE_ITEM = re.compile(r"^\s*(?:(?:\d{1,2}|[IVX]{1,4})\s*[.)]\s*|[-+•]\s*)?địa điểm[^:]{0,20}:\s*(?P<at>[^.;]+)",
                         re.IGNORECASE)  # fmt: skip


def title_event(doc: Document, lay: Layout, year: int | None) -> tuple[Event, int] | None:
    """The gathering or check a document's title names, dated by the first `Thời gian:` item of its body, with the
    place its `Địa điểm:` item gives; and the paragraph of that item (its activity is this event)."""
    title = " ".join(doc.paragraphs[i].text for i in lay.title).strip()
    if not title:  # a letter's subject line (`V/v kế hoạch kiểm tra …`) is its title
        title = next((p.text for p in doc.paragraphs[:20] if re.match(r"^\s*(?:v/v|về việc)\b", p.text, re.I)), "")
    lead = _TITLE_LEAD.match(title)
    named = title[lead.end() :] if lead else title
    if not _TITLE_EVENT.match(key(named)):
        return None
    body = running_paragraphs(doc, lay)
    when = next((i for i in body if _WHEN_ITEM.match(doc.paragraphs[i].text)), None)
    if when is None:
        return None
    text = doc.paragraphs[when].text
    periods = [p for p in find_periods(text, year) if not p.recurring]
    if not periods:
        return None
    period = periods[0]
    place = next((m.group("at").strip() for i in body if (m := _WHERE_ITEM.match(doc.paragraphs[i].text))), None)
    place = re.sub(r"^tại\s+", "", place, flags=re.IGNORECASE) if place else None
    s = Sentence(when, 0, len(text), text, None, ())
    name = named[:1].upper() + named[1:]
    event = _event(name, s, doc, 0, len(text), 0.8, date_start=period.start, date_end=period.end,
                   period_text=period.words(text), location=place)  # fmt: skip
    head = next((kind for word, kind in KINDS if key(name).startswith(word)), None)  # what the title opens with
    event.kind = head or activity_kind(name, period)
    return event, when


def extract_events(doc: Document, lay: Layout, year: int | None, issued: str | None = None) -> list[Event]:
    """Every event; `issued` is the document's date (`từ ngày ban hành Kế hoạch` starts on it)."""
    found = section_events(doc, lay, year)
    activities = extract_activities(doc, lay, year, _heading_bodies(doc, lay), issued)
    titled = title_event(doc, lay, year)
    if titled:  # the time item dates the document's own event, not an activity of its own
        when_text = doc.paragraphs[titled[1]].text
        activities = [a for a in activities if not a.text.startswith(when_text) and not a.text.endswith(when_text)]
        found.append(titled[0])
    found += activities
    by_text: dict[str, list[Event]] = {}  # the activities of each paragraph, by its text
    for a in activities:
        by_text.setdefault(a.text, []).append(a)
    current: Section | None = None
    paragraph = -1
    period: tuple[str | None, str | None, str | None] = (None, None, None)
    for s in body_sentences(doc, lay):
        if s.section is not current:
            current, period = s.section, (None, None, None)
        if s.paragraph != paragraph:
            paragraph = s.paragraph
            text = doc.paragraphs[paragraph].text
            marker = _period_marker(text, year)
            if marker:
                period = marker
            elif re.match(r"^\s*[-•–]\s", text):
                period = (None, None, None)  # a new item at the marker's level ends its period (`+` items stay)
        own = [a for a in by_text.get(doc.paragraphs[s.paragraph].text, []) if a.date_start]
        found.extend(e for e in events_in(s, doc, year, period) if not _occasion_only(e, own))
    return merge(found, {id(e) for e in activities})


def _occasion_only(e: Event, activities: list[Event]) -> bool:
    """An undated named day or month that a dated activity of its paragraph is held for (`Tổ chức Lễ phát động
    Tháng Nhân đạo vào ngày 08/5/2024`): the activity is the event, the month only its occasion."""
    if e.date_start or e.date_end or e.kind not in ("day", "week", "month", "holiday"):
        return False
    name = key(e.name)
    return any(name in key(a.name) and key(a.name) != name for a in activities)


_QUOTED_NAME = re.compile(r"[“\"]([^”\"]{3,80})[”\"]")
# `Các hoạt động nhân Ngày Sách Việt Nam - 21/4` is the day's own event, told another way
_ON_THE_DAY = re.compile(r"\b(?:nhan|huong ung|ky niem|chao mung)\s+(?P<day>(?:ngay|thang|tuan le)\s[^-–,;(]+)")


def identity(name: str) -> str:
    """What names one event however a plan words it: its quoted name (`“Mùa hè xanh”`, with or without
    `Chiến dịch … hè 2024`), the day its activities are held on (`Các hoạt động nhân Ngày X`), or else its whole
    name. Only the part before `hưởng ứng` counts: `Chương trình A hưởng ứng Chiến dịch “B”` is A, not B."""
    head = re.split(r"\bhưởng ứng\b", name, maxsplit=1, flags=re.IGNORECASE)[0]
    quoted = _QUOTED_NAME.search(head)
    if quoted:
        return "q:" + " ".join(re.sub(r"[^\w ]", " ", key(quoted.group(1))).split())
    on_day = _ON_THE_DAY.search(" ".join(key(head).split()))
    plain = on_day.group("day") if on_day else key(name)
    plain = re.sub(r"\b(?:he\s+)?(?:nam\s+)?(?:19|20)\d{2}\b", " ", plain)  # `… năm 2021` is the same event
    return " ".join(re.sub(r"[^\w ]", " ", plain).split())


def _dates_rank(e: Event) -> int:
    """How much a mention's dates can be trusted: a day's own date, then a stated period, then one inferred from a
    season (`hè 2021` read as June to August), then none."""
    start = e.date_start or ""
    if len(start) == 10:
        return 3
    if start and not _SUMMER.match(" " + (e.period_text or "")):
        return 2
    return 1 if start else 0


def merge(events: list[Event], dated: set[int] | None = None) -> list[Event]:
    """One item per event: dates (the surest mention's), organisers and target gathered from every mention.
    `dated` holds the ids of dated activities, which are one event only with the same dates."""
    dated = dated or set()
    seen: dict[str, Event] = {}
    for e in events:
        k = identity(e.name)
        if id(e) in dated:  # one activity may have several deadlines (`kỳ 6 tháng …, kỳ 12 tháng …`)
            k = f"{k}|{e.date_start}|{e.date_end}"
        if k not in seen:
            seen[k] = e
            continue
        kept = seen[k]
        if _dates_rank(e) > _dates_rank(kept):
            kept.date_start, kept.date_end, kept.period_text = e.date_start, e.date_end, e.period_text
        kept.organizers += [o for o in e.organizers if o not in kept.organizers]
        kept.target = kept.target or e.target
        kept.location = kept.location or e.location
        kept.confidence = max(kept.confidence, e.confidence)  # named again elsewhere: surer it is one
    return list(seen.values())

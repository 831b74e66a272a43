"""Responsible bodies: one item per body given a task, with its role and the tasks assigned to it.

Plans, directives and conclusions assign tasks in a few ways, all read here wherever they stand in the document
(not only under `Tổ chức thực hiện`), in the body and in documents attached after it:
- a numbered heading that names bodies, with or without its task (`1. Sở Công Thương: …`, `a) Công an tỉnh`,
  `3.8. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh, Liên đoàn Lao động tỉnh …`, `2. Giám đốc Công an tỉnh`);
  the section's paragraphs are its tasks;
- a paragraph or list item that opens with bodies and a verb (`- Công an tỉnh (…) xây dựng Kế hoạch …`);
- a clause that assigns a task in running text (`Giao Sở Tài chính chủ trì …`, `đề nghị Ủy ban Mặt trận …`,
  `…; Sở Y tế và UBND các huyện phối hợp thực hiện`);
- the lead column of a task table (`Cơ quan chủ trì`, `Đơn vị thực hiện`).
A partner named after `phối hợp với` is not given a task of its own, and neither are the bodies of the closing
clause that tells everyone to execute the document (`… chịu trách nhiệm thi hành Quyết định này`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pipeline.plan import Body, Evidence, Task
from pipeline.records import Document, Paragraph, Table
from pipeline.stages.extract.confidence import evidence_confidence
from pipeline.stages.extract.evidence import source
from pipeline.stages.extract.spans import fact_sections, running_paragraphs
from pipeline.stages.structure import Layout, Section
from pipeline.vi.names import BULLET, canonical, names_in, subject_names
from pipeline.vi.text import key

_DEADLINE = re.compile(
    r"(?:trước|chậm nhất|hoàn thành trong|trong)\s+(?:ngày\s+\d{1,2}/\d{1,2}(?:/\d{4})?|tháng\s+\d{1,2}(?:/\d{4})?|"
    r"quý\s+[IV]+(?:\s+năm\s+\d{4})?)",
    re.IGNORECASE,
)
# Where a clause assigns a task to the bodies that follow.
_ASSIGN = re.compile(r"(?:^|[\s,;:(])(?P<verb>[Gg]iao(?:\s+cho)?|[Đđ]ề nghị|[Yy]êu cầu)\s+(?=\S)")
# The closing clause that tells everyone to execute the document: boilerplate, not a task.
_EXECUTE = re.compile(
    r"(thi hanh|thuc hien|trien khai thuc hien)\s+(nghiem tuc\s+)?(quyet dinh|chi thi|cong van|thong bao|ke hoach|"
    r"van ban)\s+nay"
)
# A labelled line under a task that names its lead or supporting bodies: `Đơn vị chủ trì tham mưu thực hiện: Sở Khoa
# học và Công nghệ`, `+ Cơ quan chủ trì: Bộ Công an`, `- Cơ quan phối hợp: các bộ, cơ quan ngang bộ …`.
_LEAD_LABEL = re.compile(
    r"^\s*[-+•]?\s*(?:(?:đơn vị|cơ quan)\s+(?P<role>chủ trì|thực hiện|phối hợp)[^:]{0,40}|(?P<bare>chủ trì))\s*:\s*",
    re.IGNORECASE,
)  # also a team's `- Chủ trì: Sở Công Thương tỉnh …`
# What follows a body's name when the clause gives it no task: a report (`đã`), a letter received, a courtesy (`kính
# trình`, `trân trọng`), an invitation, a right (`có quyền khiếu nại`), a sentence's end, the person named to a post,
# a task it gives another (`giao …`: that one is found after the verb)
_NO_TASK = (
    "đã", "(", "nhận được", "kính", "trân trọng", "mời", "có quyền", ".", "Ông ", "Bà ", "Đồng chí", "đồng chí",
    "giao ",
)  # fmt: skip
_NO_TASK_HEADING = tuple(w for w in _NO_TASK if w != ".")  # `2. Sở Y tế.` heads the tasks below it
LONGEST_NAME = 15  # words: `Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương` has 12
_LABEL_ROLE: dict[str, Role] = {"chu tri": "lead", "phoi hop": "support"}
# Who a plan is for (`1. Đối tượng: Các sở, ban, ngành, …, tổ chức, cá nhân`): the bodies listed take part, no task
_PARTICIPANTS = re.compile(r"^\s*(?:[-+•]|\d{1,2}\s*[.)]|[a-zđ]\))?\s*(?:\*\*)?\s*đối tượng\b[^:]{0,40}:", re.I)
# An opening phrase before the subject: `Căn cứ nội dung Kế hoạch …, các sở, ngành … có trách nhiệm …`.
_INTRO = re.compile(
    r"(?:^|;\s*)(?:[-—–+•]\s*)?(?:(?:[Cc]ăn cứ|[Tt]rên cơ sở|[Tt]rong quá trình|[Tt]heo chức năng|[Tt]heo đó)"
    r"[^,;]{0,150},|[Bb]ước \d{1,2}\s*:|[Đđ]iều \d{1,3}\s*[.:]|(?:[Đđ]ồng thời|[Nn]goài ra|[Bb]ên cạnh đó),)\s*"
)
_LEAD_COLUMN = re.compile(r"chu tri|don vi thuc hien|co quan thuc hien|trach nhiem|don vi thuc hien|chu tri thuc hien")


Role = Literal["lead", "support", "member", "assigned"]


@dataclass
class Mention:
    """A body named with a task, and where: mentions are ordered by place, then merged into one Body each."""

    body: Body
    at: int


def _boilerplate(text: str) -> bool:
    """The closing clause that tells everyone to execute the document; one that assigns a role (`Giao …`,
    `chủ trì`) is a real task even when it ends `… tổ chức thực hiện Kế hoạch này`."""
    k = key(text)
    return bool(_EXECUTE.search(k)) and not re.search(r"\b(chu tri|giao)\b", k)


def role_of(text: str, name: str) -> Role:
    """lead (`chủ trì`), member, support (`phối hợp`) or assigned, from the words right after the name."""
    k = key(text[:80])
    if "chu tri" in k:
        return "lead"
    if "thanh vien" in key(name):
        return "member"
    if k.lstrip(" ,:-").startswith("phoi hop"):
        return "support"
    return "assigned"


def _item(
    name: str,
    tasks: list[Task],
    p: Paragraph,
    start: int,
    end: int,
    certainty: float,
    at: int = 0,
    role: Role | None = None,
) -> Mention:
    text = " ".join(t.text for t in tasks)
    deadline = next((m.group() for t in tasks for m in [_DEADLINE.search(t.text)] if m), None)
    body = Body(
        name=name,
        canonical_name=canonical(name),
        role=role or role_of(text, name),
        tasks=list(tasks),
        deadline=deadline,
        source=source(p, start, end),
        confidence=round(certainty * evidence_confidence(p, start, end), 3),
    )
    return Mention(body, at)


def _task(doc: Document, i: int, start: int = 0, end: int | None = None) -> Task:
    p = doc.paragraphs[i]
    end = len(p.text) if end is None else end
    text = BULLET.sub("", p.text[start:end]).strip(" :;,.-")
    return Task(text=text, source=source(p, start, end))


def _at(paragraph: int, offset: int = 0) -> int:
    """Where a mention stands in the document, to keep bodies in the order they are first named."""
    return paragraph * 100_000 + offset


def _marker_end(text: str) -> int:
    m = re.match(r"^\s*(?:[IVXLC]{1,5}\s*[.:)]|\d{1,2}(?:\.\d{1,2})*\s*[.)]|[a-zđ]\))\s*", text)
    return m.end() if m else 0


# A unit named by its code in a ministry's plan (`1. C04: Chủ trì, phối hợp với V01 …`, `2. PC06: …`): a code of
# letters and digits, then a colon and its role or task (perhaps after a stray mark OCR read from a bullet).
_UNIT_CODE = re.compile(
    r"^(?P<code>[A-ZĐ]{1,3}\d{2,3})\s*:\s*(?=(?:\S{1,2}\s+)?(?:[Cc]hủ trì|[Pp]hối hợp|[Tt]ham mưu|[Cc]hỉ đạo|"
    r"[Hh]ướng dẫn|[Bb]ố trí|[Tt]riển khai|[Tt]ổ chức|[Tt]hực hiện|[Xx]ây dựng|[Cc]huẩn bị)\b)"
)


# A list marker as OCR misreads it (`6e)` for `e)`, `Cc)`, `œ)`, `Š.` for `5.`, `._8.`): a short token ending in
# `)` or `.`, read as a marker only when a body's name follows it.
_LOOSE_MARKER = re.compile(r"^\s*\S{1,3}[.)]\s+(?=\S)")


def _loose_marker(text: str) -> int:
    m = _LOOSE_MARKER.match(text)
    return m.end() if m else 0


def _unit_code(text: str) -> tuple[list[str], int]:
    m = _UNIT_CODE.match(text)
    return ([m.group("code")], m.end()) if m else ([], 0)


def section_bodies(doc: Document, section: Section) -> list[Mention]:
    """Bodies named by a section's heading, with the section's paragraphs as their tasks; and bodies that open a
    paragraph of the section."""
    first_i = section.paragraphs[0]
    first = doc.paragraphs[first_i]
    at = _marker_end(first.text)
    names, task_at = subject_names(first.text[at:])
    if not names and at:
        names, task_at = _unit_code(first.text[at:])
    rest = first.text[at + task_at :]
    if _boilerplate(first.text) or rest.lstrip().startswith(_NO_TASK_HEADING) or _issuing(rest):
        names = []
    out: list[Mention] = []
    tasks: list[Task] = []
    if names and first.text[at + task_at :].strip(" :.;,-"):
        tasks.append(_task(doc, first_i, at + task_at))
    sub: list[Mention] = []  # bodies of a heading the structure missed (`6e) Sở Giáo dục và Đào tạo`)
    for i in section.paragraphs[1:]:
        p = doc.paragraphs[i]
        own, own_at = subject_names(p.text)
        loose = _loose_marker(p.text) if not own else 0
        if loose:
            own, own_at = subject_names(p.text[loose:])
            own_at += loose
        if own and loose and not p.text[own_at:].strip(" :.;,-"):
            sub = [_item(n, [], p, 0, len(p.text), 0.75, _at(i)) for n in own]
            out += sub
        elif own and (p.text[own_at:].lstrip().startswith(_NO_TASK_HEADING) or _issuing(p.text[own_at:])):
            continue
        elif own and (own_at < len(p.text) or BULLET.match(p.text)) and not _boilerplate(p.text):
            task = [_task(doc, i, own_at)] if p.text[own_at:].strip() else []
            out += [_item(n, task, p, 0, len(p.text), 0.75, _at(i)) for n in own]
        elif sub:
            for m in sub:
                m.body.tasks.append(_task(doc, i))
        elif names:
            tasks.append(_task(doc, i))
    end = min(len(first.text), max(section.heading_end, at + task_at))
    named = [_item(n, tasks, first, 0, end, 0.9, _at(first_i)) for n in names]
    return named + out


def clause_bodies(doc: Document, i: int) -> list[Mention]:
    """Bodies given a task inside a paragraph of running text: after `giao`, `đề nghị`, `yêu cầu`, or opening a
    `;`-clause with a verb after them."""
    p = doc.paragraphs[i]
    text = p.text
    if _boilerplate(text) or _PARTICIPANTS.match(text):
        return []
    out: list[Mention] = []
    label = _LEAD_LABEL.match(text)
    if label:  # `Cơ quan thực hiện: Sở Nội vụ chủ trì …; Sở Tư pháp và … chủ động …`
        names, task_at = subject_names(text[label.end() :])
        at = label.end() + task_at
        task = [_task(doc, i, at)] if text[at:].strip(" .;") else []
        role = _LABEL_ROLE.get(key(label.group("role") or label.group("bare")))
        out += [_item(n, task, p, label.end(), len(text), 0.8, _at(i, label.end()), role) for n in names]
    starts = [m.start("verb") for m in _ASSIGN.finditer(text)]
    starts += [m.end() for m in re.finditer(r"(?:^|;)\s*", text) if not (label and m.end() <= label.end())]
    starts += [m.end() for m in _INTRO.finditer(text)]
    seen: set[str] = set()
    for at in sorted(set(starts)):
        names, task_at = subject_names(text[at:])
        rest = text[at + task_at :]
        if not names or not rest.strip(" :,") or rest.lstrip().startswith(_NO_TASK) or _issuing(rest):
            continue  # a name with no task after it, a report of what a body did, a courtesy, a member named
        for n in names:
            if key(n) not in seen:
                seen.add(key(n))
                out.append(_item(n, [_task(doc, i, at + task_at)], p, at, at + task_at, 0.7, _at(i, at)))
    return out


def _issuing(rest: str) -> bool:
    """The preamble's `…, UBND tỉnh ban hành Kế hoạch … với các nội dung như sau:`, the issuer issuing; or a body
    that issued a numbered document: no task."""
    k = key(rest)
    if re.match(r"ban hanh\s+(?:\w+\s+){1,3}so\s*:?\s*\d", k):
        return True  # `UBND tỉnh X ban hành Kế hoạch số 62/KH-UBND …`: a numbered document is issued already
    return k.startswith("ban hanh") and bool(re.search(r"(?:nhu sau|noi dung sau|cu the sau)\s*:?\s*$", k))


def table_bodies(doc: Document) -> list[Mention]:
    """Bodies in the lead column of a task table (`Cơ quan chủ trì`, `Đơn vị thực hiện`), each row a task."""
    out: list[Mention] = []
    for table in doc.tables:
        column = _lead_column(table)
        if column is None:
            continue
        for row in table.rows[1:]:
            if column >= len(row):
                continue
            cell = row[column].text
            task = " ".join(c.text for j, c in enumerate(row) if j != column and len(c.text) > 20)[:300]
            names = names_in(cell)
            if any(len(n.split()) > LONGEST_NAME for n in names):  # a sentence, not a list of names: cut at its verb
                names = subject_names(cell)[0]  # (`UBND cấp tỉnh có trách nhiệm xem xét …`)
            for name in names:
                out.append(_table_item(name, task, table))
    return out


def _lead_column(table: Table) -> int | None:
    for row in table.rows[:2]:
        for j, cell in enumerate(row):
            k = key(cell.text)
            if _LEAD_COLUMN.search(k) and "phoi hop" not in k:
                return j
    return None


def _table_item(name: str, task: str, table: Table) -> Mention:
    ev = Evidence(page=table.page, bbox=None, text=task, raw_text=task)
    body = Body(
        name=name,
        canonical_name=canonical(name),
        role="lead",
        tasks=[Task(text=task, source=ev)] if task else [],
        deadline=None,
        source=ev,
        confidence=0.7,
    )
    return Mention(body, 10**12)  # after every body the text names


def extract_bodies(doc: Document, lay: Layout) -> list[Body]:
    out: list[Mention] = []
    for top in fact_sections(doc, lay):
        for section in top.walk():
            out += section_bodies(doc, section)
    for i in running_paragraphs(doc, lay):
        out += clause_bodies(doc, i)
    out += table_bodies(doc)
    return merge([m.body for m in sorted(out, key=lambda m: m.at)])


def merge(items: list[Body]) -> list[Body]:
    """One item per body: a body named twice keeps its first place and gathers every task; `chủ trì` anywhere
    makes it the lead."""
    seen: dict[str, Body] = {}
    for item in items:
        k = key(item.canonical_name)
        if k not in seen:
            seen[k] = item
            continue
        kept = seen[k]
        kept.tasks.extend(t for t in item.tasks if t not in kept.tasks)
        if item.role == "lead" or kept.role == "assigned":
            kept.role = item.role if kept.role != "lead" else kept.role
    return list(seen.values())

"""Responsible bodies of `Tổ chức thực hiện`: one item per body, with its role and the tasks assigned to it.

A body is named by a numbered sub-section's heading (`5. Báo Nghệ An, Đài Phát thanh - Truyền hình tỉnh, …`), by
the subject of a numbered paragraph (`2. Giao Hội Chữ thập đỏ tỉnh … tổ chức thực hiện …`), or by a list item
(`- Công an tỉnh (cơ quan thành viên …) xây dựng Kế hoạch …`). Lists of bodies are split where a new capitalised
name starts; a lower-case tail (`các huyện, thị xã, thành phố`) stays with the name before it.
"""

from __future__ import annotations

import re
from typing import Literal

from pipeline.plan import Body, Task
from pipeline.records import Document, Paragraph
from pipeline.stages.extract.confidence import evidence_confidence
from pipeline.stages.extract.evidence import source
from pipeline.stages.extract.targets import SUBJECT_END
from pipeline.stages.structure import Layout, Section
from pipeline.vi.names import BULLET, LEADING, PAREN, canonical, names_in
from pipeline.vi.text import key

_DEADLINE = re.compile(
    r"(?:trước|chậm nhất|hoàn thành trong|trong)\s+(?:ngày\s+\d{1,2}/\d{1,2}(?:/\d{4})?|tháng\s+\d{1,2}(?:/\d{4})?|"
    r"quý\s+[IV]+(?:\s+năm\s+\d{4})?)",
    re.IGNORECASE,
)


def subject_names(text: str) -> tuple[list[str], int]:
    """Bodies named before the first verb of a paragraph, and where the rest (their task) begins."""
    body = BULLET.sub("", text)
    offset = len(text) - len(body)
    stripped = LEADING.sub("", body)
    offset += len(body) - len(stripped)
    masked = " " + PAREN.sub(lambda p: " " * len(p.group()), stripped)
    for m in SUBJECT_END.finditer(masked):
        head = stripped[: m.start()]
        # a steering committee is named for what it steers: `Ban Chỉ đạo vận động …` goes on past its verb
        if key(head).rstrip().endswith(("chi dao", " ban")):
            continue
        return names_in(head), offset + m.start()
    return [], 0


Role = Literal["lead", "support", "member", "assigned"]


def role_of(text: str, name: str) -> Role:
    k = key(text)
    if "chu tri" in k:
        return "lead"
    if "thanh vien" in key(name):
        return "member"
    if "phoi hop" in k:
        return "support"
    return "assigned"


def _item(name: str, role: Role, tasks: list[Task], p: Paragraph, start: int, end: int, certainty: float) -> Body:
    deadline = next((m.group() for t in tasks for m in [_DEADLINE.search(t.text)] if m), None)
    return Body(
        name=name,
        canonical_name=canonical(name),
        role=role,
        tasks=list(tasks),
        deadline=deadline,
        source=source(p, start, end),
        confidence=round(certainty * evidence_confidence(p, start, end), 3),
    )


def _task(doc: Document, i: int, start: int = 0) -> Task:
    p = doc.paragraphs[i]
    text = BULLET.sub("", p.text[start:]).strip()
    return Task(text=text, source=source(p, start, len(p.text)))


def clause_bodies(text: str, start: int = 0) -> list[tuple[list[str], int]]:
    """For each `;`-clause of text[start:]: the bodies named before its verb, and where their task begins."""
    out = []
    pos = start
    for clause in re.split(r"(?<=;)", text[start:]):
        names, at = subject_names(clause)
        if names:
            out.append((names, pos + at))
        pos += len(clause)
    return out


def bodies_of_section(doc: Document, section: Section) -> list[Body]:
    out: list[Body] = []
    first_i = section.paragraphs[0]
    first = doc.paragraphs[first_i]
    head_at = _marker_end(first.text)
    # a heading names bodies, perhaps followed by their task: `2. UBND các huyện … chỉ đạo Trạm Y tế xã …`
    in_heading = clause_bodies(first.text[: section.heading_end], head_at) if section.heading else []
    plain_names = names_in(section.heading) if section.heading and not in_heading else []
    if in_heading or plain_names:
        tasks: list[Task] = []
        for i in section.paragraphs[1:]:
            p = doc.paragraphs[i]
            found = clause_bodies(p.text) if BULLET.match(p.text) else []
            for names, at in found:  # `- Công an tỉnh (…) xây dựng Kế hoạch …`: a body of its own
                for name in names:
                    out.append(_item(name, role_of(p.text, name), [_task(doc, i, at)], p, 0, len(p.text), 0.75))
            if not found:
                tasks.append(_task(doc, i))
        if first.text[section.heading_end :].strip():
            tasks.insert(0, _task(doc, first_i, section.heading_end))
        end = min(len(first.text), section.heading_end)
        named: list[Body] = []
        for names, at in in_heading:
            own = [_task(doc, first_i, at), *tasks]
            text = " ".join(t.text for t in own)
            named += [_item(n, role_of(text, n), own, first, 0, end, 0.9) for n in names]
        text = " ".join(t.text for t in tasks)
        named += [_item(n, role_of(text, n), tasks, first, 0, end, 0.9) for n in plain_names]
        return named + out
    for i in section.paragraphs:
        p = doc.paragraphs[i]
        for names, at in clause_bodies(p.text, _marker_end(p.text)):
            task = _task(doc, i, at)
            out += [_item(n, role_of(task.text, n), [task], p, 0, len(p.text), 0.8) for n in names]
    return out


def _marker_end(text: str) -> int:
    m = re.match(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*\s*[.)]|[a-zđ]\))\s*", text)
    return m.end() if m else 0


def extract_bodies(doc: Document, lay: Layout) -> list[Body]:
    out: list[Body] = []
    for top in lay.sections:
        if top.topic != "implementation":
            continue
        sections = top.children or [top]
        for section in sections:
            out.extend(bodies_of_section(doc, section))
            for child in section.children:
                out.extend(bodies_of_section(doc, child))
        if not top.children:
            continue
    return merge(out)


def merge(items: list[Body]) -> list[Body]:
    """One item per body: a body named twice keeps its first place and gathers every task."""
    seen: dict[str, Body] = {}
    for item in items:
        k = key(item.canonical_name)
        if k in seen:
            seen[k].tasks.extend(t for t in item.tasks if t not in seen[k].tasks)
            if seen[k].role == "assigned":
                seen[k].role = item.role
        else:
            seen[k] = item
    return list(seen.values())

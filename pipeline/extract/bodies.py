"""Responsible bodies of `Tổ chức thực hiện`: one item per body, with its role and the tasks assigned to it.

A body is named by a numbered sub-section's heading (`5. Báo Lào Cai, Đài Phát thanh - Truyền hình tỉnh, …`), by
the subject of a numbered paragraph (`2. Giao Hội Chữ thập đỏ tỉnh … tổ chức thực hiện …`), or by a list item
(`- Công an tỉnh (cơ quan thành viên …) xây dựng Kế hoạch …`). Lists of bodies are split where a new capitalised
name starts; a lower-case tail (`các huyện, thị xã, thành phố`) stays with the name before it.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any

from pipeline.extract.confidence import evidence_confidence
from pipeline.extract.evidence import source
from pipeline.extract.targets import SUBJECT_END, split_parts
from pipeline.models import Document, Paragraph
from pipeline.structure import Layout, Section
from pipeline.vntext import key

_LEADING = re.compile(r"^(?:đề nghị|giao cho|giao|yêu cầu|lãnh đạo|đối với)\s+", re.IGNORECASE)
_ROLE_TAIL = re.compile(r"\s+-\s+(?=[Cc]ơ quan|[Đđ]ơn vị|[Tt]hường trực)")
_PAREN = re.compile(r"\s*\([^)]*\)")
_BULLET = re.compile(r"^\s*[-+•–]\s*")
_DEADLINE = re.compile(
    r"(?:trước|chậm nhất|hoàn thành trong|trong)\s+(?:ngày\s+\d{1,2}/\d{1,2}(?:/\d{4})?|tháng\s+\d{1,2}(?:/\d{4})?|"
    r"quý\s+[IV]+(?:\s+năm\s+\d{4})?)",
    re.IGNORECASE,
)
NOT_BODIES = ("bao cao", "hoi nghi", "hoi thao", "hoi thi", "phong trao", "ban hanh", "cac hoat dong", "cac su kien")
# What makes a capitalised phrase a body's name.
ORG_HEADS = (
    "ban", "báo", "đài", "cổng", "sở", "trường", "bệnh viện", "trung tâm", "hội", "công an", "liên đoàn", "tỉnh đoàn",
    "thành đoàn", "huyện đoàn", "đoàn", "viện", "ubnd", "ủy ban", "hđnd", "phân hiệu", "bộ", "văn phòng", "cục",
    "chi cục", "phòng", "mặt trận", "quỹ", "công ty", "ngân hàng", "kho bạc", "cơ quan", "các", "đại học", "học viện",
    "bảo hiểm", "bưu điện", "lãnh đạo", "thường trực", "câu lạc bộ", "clb", "bch", "bcđ", "tổng công ty",
)  # fmt: skip


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, str]:
    text = (resources.files("pipeline") / "data" / "abbreviations.json").read_text("utf-8")
    data: dict[str, str] = json.loads(text)["expansions"]
    return data


def canonical(name: str) -> str:
    """Abbreviations expanded: `Đài PT-TH tỉnh` -> `Đài Phát thanh - Truyền hình tỉnh`."""
    table = abbreviations()
    words = [table.get(w.strip(",;"), w) for w in name.split()]
    return " ".join(words)


def is_body_name(name: str) -> bool:
    k = key(name)
    if k.startswith(NOT_BODIES):
        return False
    return (name[:1].isupper() or k.startswith("cac ")) and any(
        k == key(h) or k.startswith(key(h) + " ") for h in ORG_HEADS
    )


def clean_name(text: str) -> str:
    text = _BULLET.sub("", text).strip().rstrip(":.;,")
    text = _LEADING.sub("", text)
    text = _PAREN.sub("", text)
    text = _ROLE_TAIL.split(text)[0]
    return text.strip().rstrip(":.;,")


def names_in(text: str) -> list[str]:
    """The bodies a list names; a part that is no body's name (`Mường Khương` in `… các huyện Si Ma Cai, Mường
    Khương`) belongs to the name before it."""
    names: list[str] = []
    for sep, raw in split_parts(clean_name(text)):
        part = clean_name(raw)
        if not part:
            continue
        if is_body_name(part):  # `Sở Y tế và UBND các huyện`: two bodies; `Sở Giáo dục và Đào tạo`: one
            names.append(part)
        elif names:
            names[-1] = f"{names[-1]}{sep}{part}"
    return [n[:1].upper() + n[1:] for n in names]


def subject_names(text: str) -> tuple[list[str], int]:
    """Bodies named before the first verb of a paragraph, and where the rest (their task) begins."""
    body = _BULLET.sub("", text)
    offset = len(text) - len(body)
    stripped = _LEADING.sub("", body)
    offset += len(body) - len(stripped)
    masked = " " + _PAREN.sub(lambda p: " " * len(p.group()), stripped)
    for m in SUBJECT_END.finditer(masked):
        head = stripped[: m.start()]
        # a steering committee is named for what it steers: `Ban Chỉ đạo vận động …` goes on past its verb
        if key(head).rstrip().endswith(("chi dao", " ban")):
            continue
        return names_in(head), offset + m.start()
    return [], 0


def role_of(text: str, name: str) -> str:
    k = key(text)
    if "chu tri" in k:
        return "lead"
    if "thanh vien" in key(name):
        return "member"
    if "phoi hop" in k:
        return "support"
    return "assigned"


def _item(
    name: str, role: str, tasks: list[dict[str, Any]], p: Paragraph, start: int, end: int, certainty: float
) -> dict[str, Any]:
    deadline = next((m.group() for t in tasks for m in [_DEADLINE.search(t["text"])] if m), None)
    return {
        "name": name,
        "canonical_name": canonical(name),
        "role": role,
        "tasks": tasks,
        "deadline": deadline,
        "source": source(p, start, end),
        "confidence": round(certainty * evidence_confidence(p, start, end), 3),
    }


def _task(doc: Document, i: int, start: int = 0) -> dict[str, Any]:
    p = doc.paragraphs[i]
    text = _BULLET.sub("", p.text[start:]).strip()
    return {"text": text, "source": source(p, start, len(p.text))}


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


def bodies_of_section(doc: Document, section: Section) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    first_i = section.paragraphs[0]
    first = doc.paragraphs[first_i]
    head_at = _marker_end(first.text)
    # a heading names bodies, perhaps followed by their task: `2. UBND các huyện … chỉ đạo Trạm Y tế xã …`
    in_heading = clause_bodies(first.text[: section.heading_end], head_at) if section.heading else []
    plain_names = names_in(section.heading) if section.heading and not in_heading else []
    if in_heading or plain_names:
        tasks: list[dict[str, Any]] = []
        for i in section.paragraphs[1:]:
            p = doc.paragraphs[i]
            found = clause_bodies(p.text) if _BULLET.match(p.text) else []
            for names, at in found:  # `- Công an tỉnh (…) xây dựng Kế hoạch …`: a body of its own
                for name in names:
                    out.append(_item(name, role_of(p.text, name), [_task(doc, i, at)], p, 0, len(p.text), 0.75))
            if not found:
                tasks.append(_task(doc, i))
        if first.text[section.heading_end :].strip():
            tasks.insert(0, _task(doc, first_i, section.heading_end))
        end = min(len(first.text), section.heading_end)
        named: list[dict[str, Any]] = []
        for names, at in in_heading:
            own = [_task(doc, first_i, at), *tasks]
            text = " ".join(t["text"] for t in own)
            named += [_item(n, role_of(text, n), own, first, 0, end, 0.9) for n in names]
        text = " ".join(t["text"] for t in tasks)
        named += [_item(n, role_of(text, n), tasks, first, 0, end, 0.9) for n in plain_names]
        return named + out
    for i in section.paragraphs:
        p = doc.paragraphs[i]
        for names, at in clause_bodies(p.text, _marker_end(p.text)):
            task = _task(doc, i, at)
            out += [_item(n, role_of(task["text"], n), [task], p, 0, len(p.text), 0.8) for n in names]
    return out


def _marker_end(text: str) -> int:
    m = re.match(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*\s*[.)]|[a-zđ]\))\s*", text)
    return m.end() if m else 0


def extract_bodies(doc: Document, lay: Layout) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
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


def merge(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One item per body: a body named twice keeps its first place and gathers every task."""
    seen: dict[str, dict[str, Any]] = {}
    for item in items:
        k = key(item["canonical_name"])
        if k in seen:
            seen[k]["tasks"].extend(t for t in item["tasks"] if t not in seen[k]["tasks"])
            if seen[k]["role"] == "assigned":
                seen[k]["role"] = item["role"]
        else:
            seen[k] = item
    return list(seen.values())

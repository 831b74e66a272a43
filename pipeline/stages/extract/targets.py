"""Targets: every number a plan sets as something to reach, with its unit, comparator, subject, metric and period.

A sentence with several targets gives several items; each keeps the whole sentence as its `text`, so the subject
named at its start (`Công an tỉnh, … tổ chức …; vận động tiếp nhận tối thiểu 300 đơn vị máu`) stays with every
target in it. Shares of the yearly plan set for a campaign (`Mục tiêu: Đạt 20% kế hoạch năm`) take the campaign's
heading as their subject.
"""

from __future__ import annotations

import re
from typing import Literal

from pipeline.plan import Target
from pipeline.records import Document
from pipeline.stages.extract.confidence import evidence_confidence
from pipeline.stages.extract.evidence import source
from pipeline.stages.extract.quantities import Quantity, find_quantities
from pipeline.stages.extract.spans import Sentence, body_sentences
from pipeline.stages.structure import Layout
from pipeline.vi.names import names_in
from pipeline.vi.text import key

# Verbs that end a subject: `toàn tỉnh | phấn đấu …`, `Tỉnh đoàn | tổ chức …`.
SUBJECT_END = re.compile(
    r"\s(?:phấn đấu|tổ chức|tổ|vận động|tiếp nhận|đạt|có|được|duy trì|phát triển|thực hiện|triển khai|xây dựng|"
    r"chủ trì|phối hợp|chịu trách nhiệm|có trách nhiệm|giao|hoàn thành|bảo đảm|đảm bảo|tham gia|chỉ đạo|"
    r"phải|cần|sẽ|đều|đào tạo|tăng cường|hướng dẫn|tuyên truyền|chủ động|tham mưu)\b",
)  # case-sensitive: a capitalised `Chỉ đạo` is part of a name (`Ban Chỉ đạo`), not a verb
_LEAD = re.compile(r"^\s*(?:(?:trong\s+)?năm\s+\d{4}\s*,?\s*|phấn đấu\s+)", re.IGNORECASE)
_PLAN_SHARE = re.compile(r"^\s*kế hoạch\b", re.IGNORECASE)
_RATE = re.compile(r"(tỷ lệ|tỉ lệ)\s+([^:;,]*?)\s*(?:đạt|:|là|ở mức)\s*$", re.IGNORECASE)
_GOAL_WORDS = ("phan dau", "dat", "chi tieu", "it nhat", "toi thieu", "tro len", "muc tieu", "giao")


def subject_of(sentence: str, before: int, whole_if_no_verb: bool = True) -> str | None:
    """The words before the first verb of the sentence (or of the part before the quantity). With no verb there,
    the words may all be the subject (`Liên đoàn Lao động tỉnh` before `tổ chức …`), or not be one at all."""
    head = _LEAD.sub("", sentence[:before])
    head = re.sub(r"^[^:]{0,60}:\s*", "", head) if re.match(r"^[^:]{0,60}:\s*\S", head) else head
    if SUBJECT_END.match(" " + head[:1].lower() + head[1:]):
        return None  # the sentence opens with its verb (`Vận động khoảng 50.000 người…`): no subject is named
    m = SUBJECT_END.search(" " + head)
    if m and m.start() == 0:
        return None
    if m is None and not whole_if_no_verb:
        return None
    subject = (head[: m.start() - 1] if m else head).strip(" ,;:-")
    if re.match(r"^(tỷ lệ|tỉ lệ|số lượng|số)\b", subject, re.IGNORECASE):
        return None  # `tỷ lệ … đạt 95%`: what is measured, not who
    return subject or None


def clause_subject(text: str, q: Quantity) -> str | None:
    """The subject of the clause (between semicolons) a quantity stands in; a clause that opens with its verb
    (`…; vận động tiếp nhận tối thiểu 300 đơn vị máu`) continues the sentence's first subject."""
    start = text.rfind(";", 0, q.start) + 1
    clause = text[start:].lstrip()
    offset = len(text) - len(clause)
    own = subject_of(clause, q.start - offset, whole_if_no_verb=False)
    if own or start == 0:
        return own
    if SUBJECT_END.match(" " + clause[:1].lower() + clause[1:]):
        return subject_of(text, text.find(";"), whole_if_no_verb=False)
    return None


def metric_of(text: str, q: Quantity) -> str | None:
    before, after = text[: q.start], text[q.end :]
    rate = _RATE.search(before)
    if rate:
        return f"{rate.group(1)} {rate.group(2)}".strip()
    if q.unit == "%":
        m = re.match(r"\s*([^;,.()]{3,80})", after)
        return m.group(1).strip() if m else None
    clause = re.split(r"[,;:()]|\svà\s", before)[-1].split()
    phrase = " ".join([*clause[-5:], q.unit or ""])
    return phrase.strip() or None


TargetKind = Literal["goal", "quota", "share_of_plan"]


def kind_of(text: str, q: Quantity, subject: str | None) -> TargetKind:
    if q.unit == "%" and _PLAN_SHARE.match(text[q.end :]):
        return "share_of_plan"
    k = key(text)
    if "giao chi tieu" in k or q.per or (subject and not key(subject).startswith(("toan tinh", "toan thanh pho"))):
        return "quota"
    return "goal"


def period_of(text: str, plan_year: int | None, event_period: str | None) -> str | None:
    m = re.search(r"(?:năm|hè|quý\s+[IV]+\s+năm)\s+(\d{4})", text, re.IGNORECASE)
    if m:
        return m.group(0)
    if event_period:
        return event_period
    return f"năm {plan_year}" if plan_year else None


def _is_target(s: Sentence, q: Quantity) -> tuple[bool, float]:
    """Whether a quantity is something to reach, and how sure the rule is."""
    if q.unit is None:
        return False, 0.0
    if q.spelled and not re.search(r"(tổ chức|đạt|ít nhất|tối thiểu|khoảng|thành lập|mở)\s*$", s.text[: q.start]):
        return False, 0.0  # `giá một đơn vị máu`: a number word is a target only after a verb of doing
    context = key(s.text[max(0, q.start - 40) : q.end + 10])
    if s.topic == "targets":
        return True, 0.9
    if any(w in context for w in _GOAL_WORDS) or key(s.text[:12]).startswith(("muc tieu", "chi tieu")):
        return True, 0.8
    if q.unit == "%":
        return True, 0.6
    return True, 0.55


def extract_targets(doc: Document, lay: Layout, plan_year: int | None) -> list[Target]:
    out: list[Target] = []
    for s in body_sentences(doc, lay):
        for q in find_quantities(s.text):
            ok, certainty = _is_target(s, q)
            if not ok:
                continue
            kind: TargetKind | None = "share_of_plan" if q.unit == "%" and _PLAN_SHARE.match(s.text[q.end :]) else None
            heading = s.headings[-1] if s.headings else None
            subject = heading if kind == "share_of_plan" else clause_subject(s.text, q)
            p = doc.paragraphs[s.paragraph]
            value = q.value
            out.append(
                Target(
                    value=int(value) if value == int(value) else value,
                    unit=q.unit,
                    comparator=q.comparator,
                    subject=subject,
                    subjects=(names_in(subject) or [subject]) if subject else [],
                    metric=metric_of(s.text, q),
                    period=period_of(s.text, plan_year, None),
                    per=q.per,
                    kind=kind or kind_of(s.text, q, subject),
                    text=s.text,
                    section=" > ".join(h for h in s.headings if h),
                    source=source(p, s.start, s.end),
                    confidence=round(certainty * evidence_confidence(p, s.start, s.end), 3),
                )
            )
    return out

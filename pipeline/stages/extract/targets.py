"""Targets: every number a plan sets as something to reach, with its unit, comparator, subject, metric and period.

A sentence with several targets gives several items; each keeps the whole sentence as its `text` (a sentence over
EVIDENCE_MAX characters: the clause around its number), so the subject named at its start (`Công an tỉnh, … tổ
chức …; vận động tiếp nhận tối thiểu 300 đơn vị máu`) stays with every target in it. Shares of the yearly plan set
for a campaign (`Mục tiêu: Đạt 20% kế hoạch năm`) take the campaign's heading as their subject.
"""

from __future__ import annotations

import re
from typing import Literal

from pipeline.plan import Target
from pipeline.records import Document
from pipeline.stages.extract.confidence import evidence_confidence
from pipeline.stages.extract.evidence import source
from pipeline.stages.extract.goals import Context, Limit, goal_certainty, time_limits
from pipeline.stages.extract.quantities import Quantity, find_quantities
from pipeline.stages.extract.spans import Sentence, body_sentences, preamble_sentences
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
    clause = re.split(r"[,;:()]|\svà\s|\bphấn đấu\s", before, flags=re.IGNORECASE)[-1].split()
    counted = re.match(r"\s*([^;,.()]{0,60})", after)  # `Xây dựng mới 35 địa bàn | cấp xã không ma túy`
    tail = " ".join(counted.group(1).split()[:8]) if counted else ""
    phrase = " ".join([*clause[-5:], q.unit or "", tail])
    return " ".join(phrase.split()) or None


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


def _clause(text: str, at: int) -> tuple[int, int]:
    """The `;`-clause of a sentence that a position stands in."""
    start = text.rfind(";", 0, at) + 1
    end = text.find(";", at)
    return start, len(text) if end < 0 else end


EVIDENCE_MAX = 400  # characters of a long sentence kept as a target's text: its clause, around the number


def evidence_span(text: str, q: Quantity) -> tuple[int, int]:
    """The part of a sentence that is a target's evidence: the whole sentence when it is short; else the `;`-clause
    the number stands in, cut to EVIDENCE_MAX characters around it (so that a sentence of a thousand numbers does not
    write itself out a thousand times)."""
    if len(text) <= EVIDENCE_MAX:
        return 0, len(text)
    start, end = _clause(text, q.number_start)
    if end - start > EVIDENCE_MAX:
        start = max(start, min(q.start - EVIDENCE_MAX // 2, end - EVIDENCE_MAX))
        end = min(end, start + EVIDENCE_MAX)
        start = text.find(" ", start) + 1 if start > 0 and text[start - 1] != " " else start  # whole words
        end = text.rfind(" ", start, end) if end < len(text) and text[end] != " " else end
    return start, max(end, q.end)


def _target(
    doc: Document, s: Sentence, q: Quantity, certainty: float, plan_year: int | None, kind: TargetKind | None
) -> Target:
    heading = s.headings[-1] if s.headings else None
    a, b = evidence_span(s.text, q)
    subject = heading if kind == "share_of_plan" else clause_subject(s.text, q)
    p = doc.paragraphs[s.paragraph]
    value = q.value
    metric = metric_of(s.text, q)
    if q.of is not None:  # `03/124 đơn vị`: 3 of 124
        metric = f"{int(value)}/{int(q.of)} {q.unit}" + (f" {metric}" if metric else "")
    return Target(
        value=int(value) if value == int(value) else value,
        unit=q.unit,
        comparator=q.comparator,
        subject=subject,
        subjects=(names_in(subject) or [subject]) if subject else [],
        metric=metric,
        period=period_of(s.text, plan_year, None),
        per=q.per,
        kind=kind or kind_of(s.text, q, subject),
        text=s.text[a:b].strip(),
        section=" > ".join(h for h in s.headings if h),
        source=source(p, s.start + a, s.start + b),
        confidence=round(certainty * evidence_confidence(p, s.start + a, s.start + b), 3),
    )


def _limit_quantity(limit: Limit) -> Quantity:
    return Quantity(limit.value, limit.unit, "<=", limit.start, limit.end, limit.start, limit.end, None)


def extract_targets(doc: Document, lay: Layout, plan_year: int | None, year: int | None = None) -> list[Target]:
    """Targets of the body and of the preamble's aims (`Thực hiện …, bảo đảm ít nhất 40% …`); `year` is the
    document's, against which a clause about an earlier year reports the past."""
    out: list[Target] = []
    preamble = [s for s in preamble_sentences(doc, lay) if not key(s.text).startswith(("can cu", "xet de nghi"))]
    for s in [*preamble, *body_sentences(doc, lay)]:
        for q in find_quantities(s.text):
            start, end = _clause(s.text, q.number_start)
            certainty = goal_certainty(Context(s.text, start, end, s.headings, year), q)
            if certainty <= 0:
                continue
            kind: TargetKind | None = "share_of_plan" if q.unit == "%" and _PLAN_SHARE.match(s.text[q.end :]) else None
            out.append(_target(doc, s, q, certainty, plan_year, kind))
        for limit in time_limits(s.text):
            out.append(_target(doc, s, _limit_quantity(limit), 0.7, plan_year, "goal"))
    return out

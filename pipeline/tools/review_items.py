"""What the review page says about each fact: its row in the tables, a one-line summary, and labelled fields.

Every value is shown as a reader of the plan would write it: numbers in Vietnamese notation (`12.300`, `97,5`),
comparators as signs, confidences as percentages, and empty fields left out rather than shown as empty slots.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from pipeline.plan import Evidence, FieldEvidence, Plan
from pipeline.vi.text import format_number

KINDS = {  # kind -> (heading, one of them, colour)
    "target": ("Targets", "Target", "#d62728"),
    "event": ("Events", "Event", "#1f77b4"),
    "body": ("Responsible bodies", "Responsible body", "#2ca02c"),
    "quota_row": ("Quota rows", "Quota row", "#9467bd"),
    "correction": ("Corrections", "Correction", "#ff7f0e"),
    "document": ("Document", "Document field", "#7f7f7f"),
}
COLUMNS = {  # kind -> its table's columns, each with its share of the width (in %), so that tables fit the pane
    "target": (("value", 18), ("metric", 34), ("subject", 30), ("period", 18)),
    "event": (("name", 40), ("kind", 14), ("when", 22), ("organisers", 24)),
    "body": (("name", 32), ("role", 11), ("tasks", 10), ("first task", 47)),
    "quota_row": (("no.", 9), ("group", 22), ("unit", 39), ("quota", 12), ("months", 18)),
    "correction": (("original", 35), ("corrected", 35), ("rule", 30)),
    "document": (("field", 28), ("value", 72)),
}
SIGNS = {"=": "", ">=": "≥", "<=": "≤", "~": "≈"}
LABELS = {  # field name -> label; a field not named here is shown by its name in words
    "doc_type": "Document type", "number": "Number and symbol", "date": "Date", "place": "Place",
    "province": "Province", "plan_year": "Plan year", "issuer": "Issuer", "title": "Title", "signer": "Signer",
    "recipients": "Recipients", "authority": "Signing authority", "name": "Name", "metric": "Metric",
    "subject": "Subject", "subjects": "Bodies", "period": "Period", "kind": "Kind", "per": "Per",
    "section": "Section", "confidence": "Confidence", "date_start": "Start", "date_end": "End",
    "period_text": "Dates as written", "organizers": "Organisers", "location": "Location", "target": "Target",
    "canonical_name": "Full name", "role": "Role", "tasks": "Tasks", "deadline": "Deadline", "no": "No.",
    "group": "Group", "unit": "Unit", "quota": "Quota", "months": "Months", "other": "Other columns",
    "original": "Original", "corrected": "Corrected", "rule": "Rule", "page": "Page", "paragraph": "Paragraph",
    "table": "Table", "row": "Row", "col": "Column",
}  # fmt: skip
HIDDEN = {"source", "text", "start", "end", "page"}  # the evidence and the page are shown apart; offsets are noise
AMOUNTS = {"value", "quota", "total_stated", "total_computed"}  # in Vietnamese notation; years and numbers not


@dataclass(frozen=True)
class Item:
    """One fact as the page shows it: where its box goes, its row, its summary and its labelled fields."""

    id: str
    kind: str
    page: int | None
    bbox: tuple[float, float, float, float] | None
    columns: tuple[str, ...]
    title: str = ""  # what the fact is, in a few words: a target's value, an event's name…
    fields: tuple[tuple[str, str], ...] = ()  # (label, value), empty values left out
    text: str = ""  # the evidence, corrected: highlighted in text mode
    raw_text: str = ""  # the evidence as read

    @property
    def label(self) -> str:
        return KINDS[self.kind][1]

    def summary(self) -> str:
        """One line for a tooltip: the kind and the non-empty columns."""
        return f"{self.label}: " + " · ".join(c for c in self.columns if c)

    def as_data(self) -> dict[str, Any]:
        """What the page's script shows in the details panel."""
        raw = self.raw_text if self.raw_text != self.text else ""
        return {"kind": self.kind, "label": self.label, "title": self.title, "page": self.page,
                "evidence": self.text, "raw": raw, "fields": [list(f) for f in self.fields]}  # fmt: skip


def label(name: str) -> str:
    return LABELS.get(name) or name.replace("_", " ").capitalize()


def show(name: str, value: Any) -> str:
    """A field's value as text; "" for an empty one."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and name == "confidence":
        return f"{value:.0%}"
    if isinstance(value, int | float):
        return format_number(value) if name in AMOUNTS else str(value)
    if isinstance(value, dict):
        if set(value) <= {"name", "text", "source"}:  # a recipient, a task: its words are enough
            return show(name, value.get("name") or value.get("text"))
        parts = ((label(k), show(k, v)) for k, v in value.items() if k not in HIDDEN)
        return "\n".join(f"{k}: {v}" for k, v in parts if v)
    if isinstance(value, list):
        shown = [show(name, v) for v in value]
        shown = [s for s in shown if s]
        return ("\n" if any(len(s) > 40 or "\n" in s for s in shown) else "; ").join(shown)
    return str(value)


def labelled(
    data: dict[str, Any], *first: tuple[str, str], hide: frozenset[str] = frozenset()
) -> tuple[tuple[str, str], ...]:
    """Labelled, non-empty fields: `first`, then every field of `data` that is neither hidden nor in `hide`."""
    out = [(k, v) for k, v in first if v]
    out += [(label(k), show(k, v)) for k, v in data.items() if k not in HIDDEN and k not in hide]
    return tuple((k, v) for k, v in out if v)


def _where(source: Evidence | None) -> dict[str, Any]:
    if source is None:
        return {"page": None, "bbox": None}
    b = source.bbox
    box = (b[0], b[1], b[2], b[3]) if b else None
    return {"page": source.page, "bbox": box, "text": source.text, "raw_text": source.raw_text}


def short(text: str | None, n: int = 90) -> str:
    text = text or ""
    return text if len(text) <= n else text[: n - 1] + "…"


def _dump(model: BaseModel) -> dict[str, Any]:
    data: dict[str, Any] = model.model_dump(mode="json")
    return data


def collect_items(plan: Plan) -> list[Item]:
    """Every fact of a result that the page can point at, in the order of the result."""
    items = _targets(plan) + _events(plan) + _bodies(plan) + _quota_rows(plan) + _corrections(plan)
    return items + _document(plan)


def _targets(plan: Plan) -> list[Item]:
    items = []
    for i, t in enumerate(plan.targets):
        value = f"{SIGNS.get(t.comparator, t.comparator)} {format_number(t.value)} {t.unit or ''}".strip()
        cols = (value, t.metric or "", t.subject or "", t.period or "")
        data = labelled(_dump(t), ("Value", value), hide=frozenset({"value", "unit", "comparator"}))
        items.append(Item(f"target-{i}", "target", columns=cols, title=value, fields=data, **_where(t.source)))
    return items


def _events(plan: Plan) -> list[Item]:
    items = []
    for i, e in enumerate(plan.events):
        when = " – ".join(d for d in (e.date_start, e.date_end) if d) or e.period_text or ""
        cols = (e.name, e.kind, when, "; ".join(e.organizers))
        data = labelled(_dump(e))
        items.append(Item(f"event-{i}", "event", columns=cols, title=e.name, fields=data, **_where(e.source)))
    return items


def _bodies(plan: Plan) -> list[Item]:
    items = []
    for i, b in enumerate(plan.responsible_bodies):
        cols = (b.name, b.role, str(len(b.tasks)), short(b.tasks[0].text) if b.tasks else "")
        data = labelled(_dump(b))
        items.append(Item(f"body-{i}", "body", columns=cols, title=b.name, fields=data, **_where(b.source)))
    return items


def _quota_rows(plan: Plan) -> list[Item]:
    items = []
    for n, table in enumerate(plan.quota_tables):
        for i, row in enumerate(table.rows):
            quota = format_number(row.quota)
            cols = (str(row.no or ""), row.group or "", row.unit, quota, ", ".join(map(str, row.months)))
            data = labelled(_dump(row), ("Table", short(table.title)))
            title = f"{row.unit}: {quota}"
            items.append(Item(f"quota-{n}-{i}", "quota_row", columns=cols, title=title, fields=data,
                              **_where(row.source)))  # fmt: skip
    return items


def _corrections(plan: Plan) -> list[Item]:
    """A correction has offsets in its paragraph, not a box of its own: it points at its paragraph's box."""
    paragraphs = {p.id: p for p in plan.paragraphs}
    items = []
    for i, c in enumerate(plan.corrections):
        para = paragraphs.get(c.paragraph if c.paragraph is not None else -1)
        bbox = (para.bbox[0], para.bbox[1], para.bbox[2], para.bbox[3]) if para and para.bbox else None
        cols = (c.original, c.corrected, c.rule)
        items.append(Item(f"correction-{i}", "correction", c.page, bbox, cols, f"{c.original} → {c.corrected}",
                          labelled(_dump(c)), para.text if para else ""))  # fmt: skip
    return items


def _document(plan: Plan) -> list[Item]:
    """The header fields vnplan has evidence for, whatever their names: each `document.sources` entry."""
    document = _dump(plan.document)
    items = []
    for n, (name, src) in enumerate(plan.document.sources.items()):
        shown = show(name, document.get(name))
        sure = f"{src.confidence:.0%}" if isinstance(src, FieldEvidence) else ""
        data = labelled({}, (label(name), shown), ("Confidence", sure))
        items.append(Item(f"document-{n}", "document", columns=(label(name), short(shown)), title=label(name),
                          fields=data, **_where(src)))  # fmt: skip
    return items

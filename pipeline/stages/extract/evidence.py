"""Evidence for a fact: the page, the box and the text (corrected and raw) it was read from."""

from __future__ import annotations

from pipeline.plan import Evidence, FieldEvidence
from pipeline.records import BBox, Paragraph
from pipeline.stages.extract.confidence import evidence_confidence


def source(p: Paragraph, start: int = 0, end: int | None = None) -> Evidence:
    """Evidence of a span of a paragraph's corrected text; the whole paragraph by default."""
    end = len(p.text) if end is None else end
    raw_start, raw_end = p.raw_span(start, end)
    bbox = p.bbox_of(raw_start, raw_end)
    return Evidence(
        page=p.page,
        bbox=[round(v, 1) for v in bbox] if bbox else None,
        text=p.text[start:end].strip(),
        raw_text=p.raw[raw_start:raw_end].strip(),
    )


def field_source(p: Paragraph, start: int = 0, end: int | None = None, certainty: float = 1.0) -> FieldEvidence:
    """Evidence of a header field: a span's evidence with the rule's certainty times the OCR confidence there."""
    ev = source(p, start, end)
    confidence = round(certainty * evidence_confidence(p, start, end), 3)
    return FieldEvidence(**ev.model_dump(), confidence=confidence)


def union_box(boxes: list[BBox] | list[list[float]]) -> list[float] | None:
    """The box that covers all the given boxes; None for none."""
    if not boxes:
        return None
    return [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)]

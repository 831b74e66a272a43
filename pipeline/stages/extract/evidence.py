"""Evidence for a fact: the page, the box and the text (corrected and raw) it was read from."""

from __future__ import annotations

from typing import Any

from pipeline.records import Paragraph


def source(p: Paragraph, start: int = 0, end: int | None = None) -> dict[str, Any]:
    """`source` of a span of a paragraph's corrected text; the whole paragraph by default."""
    end = len(p.text) if end is None else end
    raw_start, raw_end = p.raw_span(start, end)
    bbox = p.bbox_of(raw_start, raw_end)
    return {
        "page": p.page,
        "bbox": [round(v, 1) for v in bbox] if bbox else None,
        "text": p.text[start:end].strip(),
        "raw_text": p.raw[raw_start:raw_end].strip(),
    }

"""Evidence for a fact: the page, the box and the text (corrected and raw) it was read from."""

from __future__ import annotations

from typing import Any

from pipeline.models import Paragraph


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


def sources(paragraphs: list[Paragraph]) -> dict[str, Any]:
    """One `source` covering several consecutive paragraphs of one page (the first page's, if they span more)."""
    first = paragraphs[0]
    same_page = [p for p in paragraphs if p.page == first.page]
    boxes = [b for p in same_page if (b := p.bbox_of()) is not None]
    bbox = (
        [round(min(b[0] for b in boxes), 1), round(min(b[1] for b in boxes), 1),
         round(max(b[2] for b in boxes), 1), round(max(b[3] for b in boxes), 1)]
        if boxes else None
    )  # fmt: skip
    return {
        "page": first.page,
        "bbox": bbox,
        "text": "\n".join(p.text for p in paragraphs),
        "raw_text": "\n".join(p.raw for p in paragraphs),
    }

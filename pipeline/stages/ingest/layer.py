"""A PDF page's text layer as draft lines: text, box, font size and weight, and where each character stands."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from typing import Any

import pymupdf

from pipeline.records import Line

# PyMuPDF span flags
_ITALIC = 2
_BOLD = 16
_FLAGS = pymupdf.TEXTFLAGS_TEXT & ~pymupdf.TEXT_PRESERVE_IMAGES


@dataclass(eq=False)  # drafts are compared by identity: two equal lines are still two lines
class Draft:
    """A line on its way to a Line: the record, and each piece of its text (characters of a text layer, words and
    spaces of OCR) with its x-extent, so that text drawn apart (a stamped number) can be put back in place."""

    line: Line
    pieces: list[tuple[str, float, float]]
    baseline: float
    visible: bool = True
    # OCR only: each word's top and bottom in points, in the order of its pieces (a line's box may run much higher
    # or lower than most of its words where one word was read tall or the line is skewed)
    word_rows: tuple[tuple[float, float], ...] = ()

    @property
    def size(self) -> float:
        """The height of the line's type in points (its font size, or its box's height for OCR)."""
        return self.line.size or (self.line.bbox[3] - self.line.bbox[1] if self.line.bbox else 0.0)

    def with_text(self, pieces: list[tuple[str, float, float]], bbox: tuple[float, float, float, float]) -> Draft:
        text = unicodedata.normalize("NFC", "".join(p[0] for p in pieces)).strip()
        return Draft(replace(self.line, text=" ".join(text.split()), bbox=bbox), pieces, self.baseline, self.visible)


def layer_drafts(page: pymupdf.Page, pno: int, chars: bool = False) -> list[Draft]:
    """Every line of the page's text layer, visible and invisible (render mode 3: an OCR layer under a scan) apart:
    a line's visible spans make one draft, its invisible spans another. With `chars`, each character is a piece
    with its own x-extent (what stamps and table cells need: a third of the page's reading time); without, each
    span is one piece."""
    return LayerText(page, pno).drafts(chars)


class LayerText:
    """A page's text layer, parsed once (MuPDF's text page), read as drafts with or without character places."""

    def __init__(self, page: pymupdf.Page, pno: int) -> None:
        self.textpage = page.get_textpage(flags=_FLAGS)
        self.pno = pno

    def drafts(self, chars: bool = False) -> list[Draft]:
        data = self.textpage.extractRAWDICT(sort=True) if chars else self.textpage.extractDICT(sort=True)
        drafts: list[Draft] = []
        for block in data["blocks"]:
            for line in block.get("lines", []):
                for visible in (True, False):
                    spans = [s for s in line["spans"] if (s["alpha"] > 0) == visible]
                    draft = _draft(spans, self.pno, block["number"], visible)
                    if draft is not None:
                        drafts.append(draft)
        return drafts


def _span_text(span: dict[str, Any]) -> str:
    return "".join(ch["c"] for ch in span["chars"]) if "chars" in span else str(span["text"])


def _draft(spans: list[dict[str, Any]], pno: int, block: int, visible: bool) -> Draft | None:
    texts = [_span_text(s) for s in spans]
    text = unicodedata.normalize("NFC", "".join(texts)).strip()
    if not text:
        return None
    inked = [(s, t) for s, t in zip(spans, texts, strict=True) if t.strip()]
    weight = sum(len(t) for _, t in inked) or 1
    bold = sum(len(t) for s, t in inked if s["flags"] & _BOLD or "Bold" in s["font"]) / weight
    italic = sum(len(t) for s, t in inked if s["flags"] & _ITALIC or "Italic" in s["font"]) / weight
    boxes = [s["bbox"] for s, _ in inked]
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    record = Line(
        page=pno,
        text=text,
        bbox=(round(x0, 1), round(y0, 1), round(x1, 1), round(y1, 1)),
        size=round(max(s["size"] for s, _ in inked), 1),
        bold=bold > 0.6,
        italic=italic > 0.6,
        block=block,
    )
    if spans and "chars" in spans[0]:
        pieces = [(ch["c"], ch["bbox"][0], ch["bbox"][2]) for s in spans for ch in s["chars"]]
    else:
        pieces = [(t, s["bbox"][0], s["bbox"][2]) for s, t in zip(spans, texts, strict=True)]
    return Draft(record, pieces, float(inked[0][0]["origin"][1]), visible)

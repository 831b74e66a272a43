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
    textpage = page.get_textpage(flags=_FLAGS)
    data = textpage.extractRAWDICT(sort=True) if chars else textpage.extractDICT(sort=True)
    drafts: list[Draft] = []
    for block in data["blocks"]:
        for line in block.get("lines", []):
            for visible in (True, False):
                spans = [s for s in line["spans"] if (s["alpha"] > 0) == visible]
                draft = _draft(spans, pno, block["number"], visible)
                if draft is not None:
                    drafts.append(draft)
    return drafts


def _pieces(span: dict[str, Any]) -> list[tuple[str, float, float]]:
    if "chars" in span:
        return [(ch["c"], ch["bbox"][0], ch["bbox"][2]) for ch in span["chars"]]
    return [(span["text"], span["bbox"][0], span["bbox"][2])]


def _draft(spans: list[dict[str, Any]], pno: int, block: int, visible: bool) -> Draft | None:
    pieces = [p for span in spans for p in _pieces(span)]
    text = unicodedata.normalize("NFC", "".join(p[0] for p in pieces)).strip()
    if not text:
        return None
    inked = [s for s in spans if "".join(p[0] for p in _pieces(s)).strip()]
    lengths = [sum(len(p[0]) for p in _pieces(s)) for s in inked]
    weight = sum(lengths) or 1
    bold = sum(n for s, n in zip(inked, lengths, strict=True) if s["flags"] & _BOLD or "Bold" in s["font"]) / weight
    italic = (
        sum(n for s, n in zip(inked, lengths, strict=True) if s["flags"] & _ITALIC or "Italic" in s["font"]) / weight
    )
    boxes = [s["bbox"] for s in inked]
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    record = Line(
        page=pno,
        text=text,
        bbox=(round(x0, 1), round(y0, 1), round(x1, 1), round(y1, 1)),
        size=round(max(s["size"] for s in inked), 1),
        bold=bold > 0.6,
        italic=italic > 0.6,
        block=block,
    )
    return Draft(record, pieces, float(inked[0]["origin"][1]), visible)

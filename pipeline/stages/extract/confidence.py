"""Confidence of an extracted item: the rule's own certainty times how well OCR read the evidence.

A rule gives its certainty in [0, 1] (a number in a `Mục tiêu` section with a known unit: 0.9; a bare percentage
in running text: 0.6). For OCR'd pages that is multiplied by Tesseract's mean word confidence over the lines the
evidence lies on, so an item read from a smudged line counts for less. A table cell carries no word confidences:
a quota row's certainty is scaled instead by how much of its name reads as words at all (`text_quality`).
"""

from __future__ import annotations

import re

from pipeline.records import Paragraph
from pipeline.vi.syllable import is_valid_syllable

_EDGE_MARKS = ".,;:()[]-–—\"'“”|"


def text_quality(text: str) -> float:
    """The share of a text's words that read as Vietnamese syllables, acronyms (`ĐHQG`) or plain Latin names
    (`Toyota`); OCR debris such as `k5` or `ñ»` is none of these. 1.0 for a text without words."""
    words = [w.strip(_EDGE_MARKS) for w in re.split(r"[\s\-–—/]+", text)]
    words = [w for w in words if w and not w.replace(".", "").replace(",", "").isdigit()]
    if not words:
        return 1.0
    good = sum(1 for w in words if is_valid_syllable(w) or (w.isalpha() and (w.isupper() or w.isascii())))
    return good / len(words)


def evidence_confidence(p: Paragraph, start: int = 0, end: int | None = None) -> float:
    """Mean OCR confidence of the lines a span of the corrected text lies on; 1.0 for a text layer or text input."""
    end = len(p.text) if end is None else end
    raw_start, raw_end = p.raw_span(start, end)
    confs: list[float] = []
    pos = 0
    for line in p.lines:
        line_end = pos + len(line.text)
        if line.confidence is not None and line_end >= raw_start and pos <= raw_end:
            confs.append(line.confidence)
        pos = line_end + 1
    return sum(confs) / len(confs) if confs else 1.0

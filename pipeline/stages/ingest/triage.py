"""Page triage: read a page's text layer or OCR its image, and say why.

A page is OCR'd when
- it has no text layer worth the name (fewer letters than --min-text-chars): `no_text_layer`;
- its only visible text is a small box drawn over an image that covers the page: a scan carrying an e-signature or
  a copy line ("Ký bởi: … Thời gian ký: …", "SAO Y; …; 25/07/2025 10:25:14 +07:00"): `overlay_only`. The box is
  kept apart as an overlay, metadata of the copy;
- its text layer is not the page's text (`text_layer_unusable`): too few of its words are Vietnamese syllables,
  and its letters show why: an invisible OCR layer (render mode 3) of ASCII-fied or mangled Vietnamese, or fonts
  without a usable Unicode map (`&Ӝ1* HÒA XÃ`, U+FFFD); or there is no text at all but the glyphs are drawn as
  hundreds of vector paths.
A layer in a legacy 8-bit encoding (TCVN3, VNI) is kept: normalize decodes it. So is plain text in another
language: it is what the page says.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import pymupdf

from pipeline.stages.ingest.layer import Draft
from pipeline.stages.normalize.legacy import detect as legacy_encoding
from pipeline.vi.syllable import is_valid_syllable

SCAN_COVER = 0.8  # share of the page that images cover on a scan
OVERLAY_AREA = 0.1  # at most this share of a scan's area under visible text: a box drawn over it, not its text
MIN_OVERLAY_LETTERS = 10  # fewer letters over a scan is a page number, not an e-signature
MIN_WORDS = 12  # fewer words than this are not judged for language
MIN_VALID = 0.6  # share of words that are Vietnamese syllables on a usable page (0.9 and more on real pages)
INVISIBLE = 0.5  # share of the letters drawn invisibly that makes a page an OCR layer
ODD = 0.02  # share of letters no Vietnamese or Latin-1 text has, that shows a font without a Unicode map
PATHS = 300  # vector paths on a page without text or images: glyphs drawn as outlines

_WORD = re.compile(r"[^\W\d_]+")  # a run of letters: what can be a syllable
SAMPLE_WORDS = 400  # a page's first words tell its language as well as all of them


@dataclass
class Verdict:
    """What to do with a page: read `lines` (reason None), or OCR it for `reason` (`detail` says more).
    `overlays` are the visible lines drawn over a scan, kept apart."""

    reason: str | None
    detail: str = ""
    lines: list[Draft] = field(default_factory=list)
    overlays: list[Draft] = field(default_factory=list)
    scan: bool = False  # images cover the page and its visible text is only a box over them

    def body(self, drafts: list[Draft]) -> list[Draft]:
        """The lines of the page's text among `drafts` (the same page read again, with its characters)."""
        return [d for d in drafts if not (self.scan and d.visible)]


def triage(page: pymupdf.Page, drafts: list[Draft], min_letters: int) -> Verdict:
    visible = [d for d in drafts if d.visible]
    invisible = [d for d in drafts if not d.visible]
    scan = _is_scan(page, visible)
    body = invisible if scan else drafts
    overlays = visible if scan and _letters(visible) >= MIN_OVERLAY_LETTERS else []
    if _letters(body) < min_letters:
        if overlays:
            return Verdict("overlay_only", "text only in a box drawn over the scanned page", [], overlays, scan)
        if not drafts and not page.get_images() and len(page.get_drawings()) >= PATHS:
            return Verdict("text_layer_unusable", "no text, but glyphs drawn as vector outlines")
        return Verdict("no_text_layer", "no text layer")
    unusable = why_unusable(body)
    if unusable:
        return Verdict("text_layer_unusable", unusable, [], overlays, scan)
    return Verdict(None, "", body, overlays, scan)


def _is_scan(page: pymupdf.Page, visible: list[Draft]) -> bool:
    """Whether images cover the page and visible text covers little of it (a scan, maybe with a box drawn on it)."""
    if not page.get_images():
        return False
    area = page.rect.width * page.rect.height or 1.0
    covered = sum(_area(info["bbox"], page.rect) for info in page.get_image_info())
    if covered < SCAN_COVER * area:
        return False
    text_area = sum(_area(d.line.bbox, page.rect) for d in visible if d.line.bbox)
    return text_area < OVERLAY_AREA * area


def _area(box: tuple[float, float, float, float] | None, clip: pymupdf.Rect) -> float:
    if box is None:
        return 0.0
    w = min(box[2], clip.x1) - max(box[0], clip.x0)
    h = min(box[3], clip.y1) - max(box[1], clip.y0)
    return max(w, 0.0) * max(h, 0.0)


def _letters(drafts: list[Draft]) -> int:
    return sum(len(w) for d in drafts for w in _WORD.findall(d.line.text))


def why_unusable(drafts: list[Draft]) -> str:
    """Why these lines are not the page's text ("" when they are)."""
    text = "\n".join(d.line.text for d in drafts)
    words = _WORD.findall(text)[:SAMPLE_WORDS]
    if len(words) < MIN_WORDS:
        return ""
    valid = sum(is_valid_syllable(w) for w in words) / len(words)
    if valid >= MIN_VALID or legacy_encoding(text):
        return ""
    letters = [c for c in text if c.isalpha() or c == "\ufffd"]
    invisible = sum(len(d.line.text) for d in drafts if not d.visible) / max(1, len(text))
    odd = sum(_odd(c) for c in letters) / max(1, len(letters))
    share = f"{valid:.0%} of its words are Vietnamese syllables"
    if invisible >= INVISIBLE:
        return f"an invisible OCR layer that is not Vietnamese ({share})"
    if odd >= ODD:
        return f"fonts without a usable Unicode map ({share}, {odd:.0%} of its letters are not Vietnamese)"
    return ""


def _odd(ch: str) -> bool:
    """A letter that neither Vietnamese nor Latin-1 text (where the legacy encodings live) has, or U+FFFD."""
    return ch == "\ufffd" or (ord(ch) > 0xFF and ch not in _vietnamese_letters())


@lru_cache(maxsize=1)
def _vietnamese_letters() -> frozenset[str]:
    tones = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
    vowels = {unicodedata.normalize("NFC", v + t) for v in "aăâeêioôơuưy" for t in tones}
    letters = vowels | set("bcdđghklmnpqrstvx")
    return frozenset(letters | {c.upper() for c in letters})


_CLOCK = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b")
_CLOCK_SECONDS = re.compile(r"\b\d{1,2}:\d{2}:\d{2}\b")
SMALL_TYPE = 0.75  # of the page's usual type size


def signature_boxes(page: pymupdf.Page, drafts: list[Draft]) -> tuple[list[Draft], list[Draft]]:
    """The page's lines without the e-signature boxes drawn on a born-digital page, and those boxes' lines.

    A box is the lines inside one signature field whose text has a time of signing ("10:21:11"), or a block of
    lines in small type with such a time (the Official Gazette's stamp, flattened). A field that holds only a
    stamped number has no time, so stays."""
    boxes: list[list[Draft]] = []
    for widget in page.widgets(types=[pymupdf.PDF_WIDGET_TYPE_SIGNATURE]):  # type: ignore[attr-defined]
        inside = [d for d in drafts if d.line.bbox and _centre_in(d.line.bbox, widget.rect)]
        if inside and _CLOCK.search(" ".join(d.line.text for d in inside)):
            boxes.append(inside)
    usual = _usual_size(drafts)
    by_block: dict[int, list[Draft]] = {}
    for d in drafts:
        by_block.setdefault(d.line.block, []).append(d)
    for block in by_block.values():
        small = all(d.line.size and d.line.size <= SMALL_TYPE * usual for d in block)
        if small and _CLOCK_SECONDS.search(" ".join(d.line.text for d in block)):
            boxes.append(block)
    out = {id(d) for box in boxes for d in box}
    return [d for d in drafts if id(d) not in out], [d for d in drafts if id(d) in out]


def _centre_in(box: tuple[float, float, float, float], rect: pymupdf.Rect) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return bool(rect.x0 <= cx <= rect.x1 and rect.y0 <= cy <= rect.y1)


def _usual_size(drafts: list[Draft]) -> float:
    """The type size most of the page's characters are set in."""
    weights: dict[float, int] = {}
    for d in drafts:
        weights[d.line.size] = weights.get(d.line.size, 0) + len(d.line.text)
    return max(weights, key=lambda s: weights[s]) if weights else 0.0

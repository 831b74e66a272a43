"""The blanks of a scanned header: the document's number and day, often written by hand into the typed form.

Decree 30 lays out the number line as "Số: … /SYMBOL" and the date line as "Place, ngày … tháng … năm YYYY"; the
office writes the number and the day (sometimes the month) into the blanks by hand when the document is issued.
Tesseract reads handwriting badly, and often as plausible digits (measured on 30 real scans: "44" for a written 11,
"22" for 23, "722" for 519, at word confidences up to 0.94). A wrong number that looks right is worse than none, so
what OCR read in a blank is kept only when two readings agree: the page's own, all digits and confident, and a
second reading of the blank alone, restricted to digits. Anything else in a blank is taken out of the line, which
leaves the blank empty: the header reader then finds no number or day there and says so, instead of guessing.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, replace

from PIL import Image

from pipeline.stages.ingest.layer import Draft
from pipeline.stages.ingest.ocr import read_digits

MIN_CONFIDENCE = 0.85  # of every word the page's reading found in the blank
MIN_SECOND = 0.6  # of the second, digits-only reading (it must also give the same digits)
_NUMBER_LINE = re.compile(r"^([Ss][ốôoó6]\S{0,2}?\s*[:;.]?)(.*?)(/\s*[A-ZĐ]\S*)")
_DATE_LINE = re.compile(r"^([^\d,.]{2,40}[,.]\s*ng[àa]y)(.*?)(th[áa]ng)(.*?)(n[ăa]m\W{0,2}\s*\d{4})")


@dataclass(frozen=True)
class Blank:
    """Where a blank lies in a line's text (characters start:end) and what may fill it."""

    draft: Draft
    start: int
    end: int
    kind: str  # number, day or month

    def plausible(self, digits: str) -> bool:
        if not digits.isdigit():
            return False
        if self.kind == "day":
            return 1 <= int(digits) <= 31 and len(digits) <= 2
        if self.kind == "month":
            return 1 <= int(digits) <= 12 and len(digits) <= 2
        return len(digits) <= 6


def find_blanks(drafts: list[Draft]) -> list[Blank]:
    """The number and date blanks of the header lines among the drafts (any page: bundles have several)."""
    blanks: list[Blank] = []
    for d in drafts:
        m = _NUMBER_LINE.match(d.line.text)
        if m:
            blanks.append(Blank(d, m.end(1), m.start(3), "number"))
        m = _DATE_LINE.match(d.line.text)
        if m:
            blanks += [Blank(d, m.end(1), m.start(3), "day"), Blank(d, m.end(3), m.start(5), "month")]
    return blanks


def settle_blanks(drafts: list[Draft], image: bytes, dpi: int, timeout: float) -> list[Draft]:
    """The drafts with each header blank either confirmed (two agreeing readings of confident digits) or emptied."""
    blanks = find_blanks(drafts)
    if not blanks:
        return drafts
    page = Image.open(io.BytesIO(image)).convert("L")
    scale = dpi / 72.0
    keep: dict[int, list[tuple[int, int]]] = {}
    for blank in blanks:
        if not _confident_digits(blank):
            again = ("", 0.0)
        else:  # only a reading that could be kept is worth a second one
            crop = _crop(page, blank, scale)
            again = _second_reading(blank, crop, timeout) if crop is not None else ("", 0.0)
        if not _agrees(blank, again):
            keep.setdefault(id(blank.draft), []).append((blank.start, blank.end))
    return [_emptied(d, keep[id(d)]) if id(d) in keep else d for d in drafts]


def _second_reading(blank: Blank, crop: Image.Image, timeout: float) -> tuple[str, float]:
    """The blank read again on its own as a line of digits, then as one word if that differs from the page's
    reading (Tesseract drops a lone small number in one layout or the other: measured on printed dates)."""
    first = blank.draft.line.text[blank.start : blank.end].replace(" ", "")
    again = read_digits(crop, timeout, psm=7)
    return again if again[0] == first else read_digits(crop, timeout, psm=8)


def _confident_digits(blank: Blank) -> bool:
    """Whether the page's reading of the blank is plausible digits, every word of it confident."""
    digits = blank.draft.line.text[blank.start : blank.end].replace(" ", "")
    confidences = _confidences(blank.draft, blank.start, blank.end)
    return blank.plausible(digits) and bool(confidences) and min(confidences) >= MIN_CONFIDENCE


def _agrees(blank: Blank, again: tuple[str, float]) -> bool:
    """Whether the blank is empty, or its confident digits are what the second reading gives too."""
    first = blank.draft.line.text[blank.start : blank.end].replace(" ", "")
    if not first:
        return True  # nothing was read there: nothing to keep or take out
    second, second_conf = again
    return _confident_digits(blank) and second == first and second_conf >= MIN_SECOND


def _confidences(draft: Draft, start: int, end: int) -> list[float]:
    """The confidences of the words of a line that overlap text[start:end]."""
    out, pos = [], 0
    for word, conf in zip(draft.line.text.split(" "), draft.line.word_confidences, strict=False):
        if pos < end and pos + len(word) > start:
            out.append(conf)
        pos += len(word) + 1
    return out


def _crop(page: Image.Image, blank: Blank, scale: float) -> Image.Image | None:
    """What OCR read in the blank, cut from the page image: from the first to the last character read there (never
    into the words either side), with room above and below for handwriting that leaves the line."""
    d = blank.draft
    box = d.line.bbox
    text = d.line.text[blank.start : blank.end]
    if box is None or not text.strip():
        return None
    first = blank.start + len(text) - len(text.lstrip())
    last = blank.start + len(text.rstrip())
    x0, x1 = _x_at(d, first), _x_at(d, last)
    height = box[3] - box[1]
    margin = 0.25 * height
    before = [p[2] for p in _pieces_ending_before(d, first)]
    after = [p[1] for p in _pieces_starting_after(d, last)]
    left = max([x0 - margin, *before[-1:]])
    right = min([x1 + margin, *after[:1]])
    if right - left < 2:
        return None
    top, bottom = box[1] - 0.5 * height, box[3] + 0.3 * height
    crop = (int(left * scale), max(int(top * scale), 0), int(right * scale), min(int(bottom * scale), page.height))
    return page.crop(crop)


def _pieces_ending_before(draft: Draft, index: int) -> list[tuple[str, float, float]]:
    """The inked pieces (words) of the line that end before character `index`."""
    out, pos = [], 0
    for piece in draft.pieces:
        if pos + len(piece[0]) <= index and piece[0].strip():
            out.append(piece)
        pos += len(piece[0])
    return out


def _pieces_starting_after(draft: Draft, index: int) -> list[tuple[str, float, float]]:
    """The inked pieces (words) of the line that start at or after character `index`."""
    out, pos = [], 0
    for piece in draft.pieces:
        if pos >= index and piece[0].strip():
            out.append(piece)
        pos += len(piece[0])
    return out


def _x_at(draft: Draft, index: int) -> float:
    """The x (points) of a character of the line's text, by its share of the word it is in."""
    pos = 0
    for text, x0, x1 in draft.pieces:
        if pos + len(text) > index:
            return x0 + (index - pos) / max(1, len(text)) * (x1 - x0)
        pos += len(text)
    return draft.pieces[-1][2] if draft.pieces else 0.0


def _emptied(draft: Draft, spans: list[tuple[int, int]]) -> Draft:
    """The draft without the characters in the given spans of its text (a space where each was), its pieces and
    its words' confidences kept in step (a word cut in two keeps its confidence in both halves)."""
    words = draft.line.text.split(" ")
    confidences = draft.line.word_confidences if len(draft.line.word_confidences) == len(words) else ()
    word_of: list[int] = []
    for i, word in enumerate(words):
        word_of += [i] * len(word) + [-1]
    chars: list[tuple[str, float, float, int]] = []
    pos = 0
    for text, x0, x1 in draft.pieces:
        width = (x1 - x0) / max(1, len(text))
        for k, ch in enumerate(text):
            at = pos + k
            if any(start <= at < end for start, end in spans):
                if chars and chars[-1][0] != " ":
                    chars.append((" ", x0 + k * width, x0 + (k + 1) * width, -1))
                continue
            owner = word_of[at] if at < len(word_of) else -1
            chars.append((ch, x0 + k * width, x0 + (k + 1) * width, owner))
        pos += len(text)
    pieces = [(ch, a, b) for ch, a, b, _ in chars]
    result = draft.with_text(pieces, draft.line.bbox or (0.0, 0.0, 0.0, 0.0))
    if confidences:
        owners: list[list[int]] = [[]]
        for ch, _, _, owner in chars:
            if ch == " ":
                owners.append([]) if owners[-1] else None
            elif owner >= 0:
                owners[-1].append(owner)
        owners = [o for o in owners if o]
        if len(owners) == len(result.line.text.split()):
            kept = tuple(min(confidences[i] for i in o) for o in owners)
            result.line = replace(result.line, word_confidences=kept)
        else:
            result.line = replace(result.line, word_confidences=())
    return result

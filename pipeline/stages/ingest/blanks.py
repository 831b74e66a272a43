"""The blanks of a scanned header: the document's number and day, often written by hand into the typed form.

Decree 30 lays out the number line as "Số: … /SYMBOL" and the date line as "Place, ngày … tháng … năm YYYY"; the
office writes the number and the day (sometimes the month) into the blanks by hand when the document is issued.
Tesseract reads handwriting badly, and often as plausible digits (measured on 30 real scans: "44" for a written 11,
"22" for 23, "722" for 519, at word confidences up to 0.94). So each blank is read from the page image by a digit
recogniser made for handwriting (handwriting.py, digits.py), and its reading is kept only when every digit is
confident and the whole plausible (a day 1-31, a month 1-12, a number of 1-5 digits, a date that is a date and not
after the e-signature drawn over the page). A digit it is only fairly sure of stands where a reader of its own
confirms it: OCR's same digit at the same place, or, for a day or month, the date of the e-signature drawn over
the page. When the recogniser is unsure, what OCR read in the blank is kept only when two readings agree: the
page's own, all digits and confident, and a second reading of the blank alone, restricted to digits. Anything
else is taken out of the line, which leaves the blank empty: the header reader then finds no number or day there
and says so, instead of guessing.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
from PIL import Image

from pipeline.stages.ingest.anchors import locate
from pipeline.stages.ingest.handwriting import Handwriting, em_of, ink_of, read_blank, text_width
from pipeline.stages.ingest.layer import Draft
from pipeline.stages.ingest.ocr import read_digits
from pipeline.vi.text import make_date, parse_date, plain_slashes

MIN_CONFIDENCE = 0.85  # of every word the page's reading found in the blank
MIN_SECOND = 0.6  # of the second, digits-only reading (it must also give the same digits)
# The recogniser's probability for each digit it reads in a blank (averaged over its networks and over the digit
# drawn bolder, finer and moved a pixel), chosen on held-out MNIST digits varied as for training: MNIST's test digits,
# whose writers wrote none of the training digits (scripts/digits_thresholds.py). Each threshold is the lowest of the
# table at which the networks are wrong no more often than the ones they replaced at their own threshold, on the same
# held-out set: those (trained on 10,000 digits) were wrong on 0.32% of the digits they read at 0.75, 0.84% at 0.6,
# 0.09% at 0.9; these (60,000) on 0.23% at 0.75 (0.33% at 0.7), 0.61% at 0.6 (1.09% at 0.5), 0.06% at 0.9 (0.13%
# at 0.85), so the thresholds stay, and 89% of the held-out digits are read at 0.75 (was 84%).
MIN_DIGIT = 0.75  # sure enough, where OCR read no other number in the blank
MIN_ALONE = 0.9  # sure enough to overrule the other number OCR read there (unless OCR was sure of it)
MIN_AGREED = 0.6  # sure enough where OCR read the very same digit
HEADER_ZONE = 0.4  # of the page's height: a number or date line lower down is a body line citing a document
_NUMBER_LINE = re.compile(r"^(S[ốôoó6]\S{0,2}?\s*[:;.]?)(.*?)(/\s*[A-ZĐ]\S*)(.{0,20})$")
_DATE_LINE = re.compile(r"^([^\d,.]{2,40}[,.]\s*ng[àa][yýỳ;:])(.*?)(th[áa]ng)(.*?)(n[ăa]m\W{0,2}\s*\d{4})")


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
        return 1 <= len(digits) <= 5 and int(digits) > 0


@dataclass(frozen=True)
class Edit:
    """What a blank is to hold: its digits (or nothing), where their ink lies (points) and how sure the reading is."""

    blank: Blank
    text: str
    x0: float
    x1: float
    confidence: float
    unsure: str = ""  # the recogniser's plausible digits, left out only for want of confidence (at least MIN_AGREED)


def find_blanks(drafts: list[Draft], page_height: float = float("inf")) -> list[Blank]:
    """The number and date blanks of the header lines among the drafts (any page: bundles have several), in the
    top of the page (`page_height` in points) where Decree 30 puts them."""
    blanks: list[Blank] = []
    for d in drafts:
        if d.line.bbox is not None and d.line.bbox[1] > HEADER_ZONE * page_height:
            continue
        m = _NUMBER_LINE.match(plain_slashes(d.line.text))
        if m:
            blanks.append(Blank(d, m.end(1), m.start(3), "number"))
        m = _DATE_LINE.match(d.line.text)
        if m:
            blanks += [Blank(d, m.end(1), m.start(3), "day"), Blank(d, m.end(3), m.start(5), "month")]
    return blanks


def settle_blanks(
    drafts: list[Draft], image: bytes, dpi: int, timeout: float, signed: tuple[str, ...] = ()
) -> list[Draft]:
    """The drafts with each header blank filled with the digits read there with confidence, or emptied. `signed`:
    the texts drawn over the page (e-signature boxes, copy lines), whose dates the document's date cannot follow."""
    grey = np.asarray(Image.open(io.BytesIO(image)).convert("L"))
    scale = dpi / 72.0
    blanks = find_blanks(drafts, grey.shape[0] / scale)
    if not blanks:
        return drafts
    page_em = _page_em(blanks)
    edits: dict[int, list[Edit]] = {}
    for blank in blanks:
        hand = _handwriting(blank, grey, scale, page_em)
        text = _settled(blank, hand, grey, scale, timeout)
        x0, x1 = (hand.x0 / scale, hand.x1 / scale) if hand is not None else _span(blank, page_em)
        unsure = hand.text if hand is not None and not text and _fairly_sure(blank, hand) else ""
        # digits the blank's rules accepted are as sure as the OCR words the header reader trusts (MIN_CONFIDENCE)
        mine = hand is not None and hand.text in (text, unsure)
        conf = max(hand.confidence, MIN_CONFIDENCE) if hand is not None and mine else MIN_CONFIDENCE
        edits.setdefault(id(blank.draft), []).append(Edit(blank, text, x0, x1, conf, unsure))
    dates = _signed_dates(signed)
    return [_rewritten(d, _dated(edits[id(d)], dates)) if id(d) in edits else d for d in drafts]


def _settled(blank: Blank, hand: Handwriting | None, grey: np.ndarray, scale: float, timeout: float) -> str:
    """What a blank holds: the recogniser's digits when each is sure and their count plausible, unless the page's OCR
    read other digits there (with confidence, or where the recogniser is only fairly sure), or each sure or fairly sure
    and confirmed by the same digit in OCR's reading (_confirmed); else what the page's OCR
    read, when a second, digits-only reading agrees (typed digits, which Tesseract reads well); else nothing."""
    page = blank.draft.line.text[blank.start : blank.end].replace(" ", "")
    # Tesseract's candidate, when it read the blank as a number that could fill it ("42" is no day: no rival)
    other = page.isascii() and page.isdigit() and blank.plausible(page)
    if hand is not None and None not in hand.digits and blank.plausible(hand.text) and hand.confidence >= MIN_DIGIT:
        if not other or int(page) == int(hand.text) or _missed(page, hand.text):
            return hand.text
        return hand.text if hand.confidence >= MIN_ALONE and not _confident_digits(blank) else ""
    if hand is not None and blank.plausible(hand.text) and _confirmed(page, hand):
        return hand.text  # the recogniser, fairly sure, and Tesseract read the same digits, each on its own
    if not _confident_digits(blank):
        return ""
    crop = _crop(Image.fromarray(grey), blank, scale)
    again = _second_reading(blank, crop, timeout) if crop is not None else ("", 0.0)
    return page if _agrees(blank, again) else ""


def _confirmed(page: str, hand: Handwriting) -> bool:
    """Whether OCR's reading of the blank confirms the recogniser's digits: as many characters as digits, none of
    them another digit, and each digit the recogniser is not sure of (MIN_DIGIT) read the same by OCR, where it
    is fairly sure (MIN_AGREED). OCR's other characters (`+`, `R` for a written 4) are ink it could not read: no
    evidence either way."""
    if len(page) != len(hand.digits) or None in hand.digits:
        return False
    for char, digit, confidence in zip(page, hand.digits, hand.confidences, strict=True):
        if char.isascii() and char.isdigit():
            if int(char) != digit or confidence < MIN_AGREED:
                return False
        elif confidence < MIN_DIGIT:
            return False
    return True


def _fairly_sure(blank: Blank, hand: Handwriting) -> bool:
    """Whether the recogniser read plausible digits, each at least as sure as a reading another source confirms."""
    return None not in hand.digits and blank.plausible(hand.text) and hand.confidence >= MIN_AGREED


def _missed(page: str, hand: str) -> bool:
    """Whether OCR's digits are the recogniser's with some left out, in order ("0" for "04", "29" for "239"): OCR
    drops handwritten digits it cannot read, which leaves a reading that does not contradict the recogniser's."""
    rest = iter(hand)
    return len(page) < len(hand) and all(c in rest for c in page)


def _handwriting(blank: Blank, grey: np.ndarray, scale: float, page_em: float | None) -> Handwriting | None:
    """The recogniser's reading of the blank's ink, between the printed words either side of it."""
    em = _line_em(blank.draft, blank) or page_em
    if em is None:
        return None
    left, right = _located(blank, grey, scale, em)
    if right - left < 0.3 * em:
        return None
    baseline = blank.draft.baseline
    box = (
        round(left * scale),
        round((baseline - 1.9 * em) * scale),
        round(right * scale),
        round((baseline + 0.8 * em) * scale),
    )
    return read_blank(grey, box, em * scale)


def _located(blank: Blank, grey: np.ndarray, scale: float, em: float) -> tuple[float, float]:
    """Where the blank lies (x, points): between the printed words either side, found on the page image by their
    shape where they can be (anchors.py), else by their widths from their far edges (_span)."""
    left, right = _span(blank, em)
    box = blank.draft.line.bbox
    if box is None:
        return left, right
    size = em * scale
    base = round(blank.draft.baseline * scale)
    top, x0 = max(base - round(1.25 * size), 0), max(round(box[0] * scale - size), 0)
    band = ink_of(grey[top : base + round(0.4 * size), x0 : round(box[2] * scale + size)])
    before, after = _anchor_words(blank)
    lo = round(_far_left(blank) * scale) - x0
    found = locate(band, before, size, base - top, lo - round(1.5 * size), lo + round(1.5 * size))
    if found is not None:
        left = (found[1] + x0) / scale
    lo = round(right * scale) - x0
    found = locate(band, after, size, base - top, lo - round(2 * size), lo + round(2 * size))
    if found is not None:
        right = (found[0] + x0) / scale
    return left, right


def _anchor_words(blank: Blank) -> tuple[str, str]:
    """The printed words either side of a blank, as Decree 30 prints them."""
    text = blank.draft.line.text
    if blank.kind == "number":
        return "Số:" if ":" in text[: blank.start] else "Số", text[blank.end : blank.end + 4].strip()
    return ("ngày", "tháng") if blank.kind == "day" else ("tháng", "năm")


def _far_left(blank: Blank) -> float:
    """The left edge of the OCR word that holds the printed word before the blank (its far edge from the blank)."""
    pos = 0
    for text, x0, _ in blank.draft.pieces:
        if text.strip() and pos < blank.start <= pos + len(text):
            anchor = _anchor_words(blank)[0]
            lead = text[: blank.start - pos]
            return x0 + (text_width(lead) - text_width(anchor)) * (_line_em(blank.draft, blank) or 0.0)
        pos += len(text)
    return 0.0


def _line_em(draft: Draft, blank: Blank | None = None) -> float | None:
    """The type size of a line (points), from its words outside the blank."""
    words, pos = [], 0
    for text, x0, x1 in draft.pieces:
        inside = blank is not None and pos < blank.end + 1 and pos + len(text) > blank.start - 1
        if text.strip() and not inside:
            words.append((text, x0, x1))
        pos += len(text)
    return em_of(words)


def _page_em(blanks: list[Blank]) -> float | None:
    """The type size of the page's header lines, for a line with no clean word of its own (all run together)."""
    sizes = [em for em in (_line_em(b.draft, b) for b in blanks) if em is not None]
    return float(np.median(sizes)) if sizes else None


def _span(blank: Blank, em: float | None) -> tuple[float, float]:
    """Where the blank lies (x, points): from the end of the printed text before it to the start of the printed
    text after it. Where OCR ran the handwriting into a printed word, that word's printed part is measured in
    Times New Roman at the line's size from the word's far edge."""
    d, pos = blank.draft, 0
    left, right = d.line.bbox[0] if d.line.bbox else 0.0, d.line.bbox[2] if d.line.bbox else 0.0
    for text, x0, x1 in d.pieces:
        end = pos + len(text)
        if text.strip() and pos < blank.start <= end:  # the word the printed text before the blank ends in
            left = x1 if end == blank.start or em is None else x0 + em * text_width(text[: blank.start - pos])
        if text.strip() and pos <= blank.end < end:  # the word the printed text after it starts in
            right = x0 if pos == blank.end or em is None else x1 - em * text_width(text[blank.end - pos :])
            break
        pos = end
    return left, right


def _dated(edits: list[Edit], signed: list[date]) -> list[Edit]:
    """A date line's day and month as read, emptied when together with the printed ones they make no date, or one
    after the e-signature over the page (a document is signed on or after its date). Where the recogniser was only
    fairly sure of the day or the month, its reading is kept when the date it makes is a date drawn over the page:
    the e-signature's time, read apart from the handwriting, confirms it (MIN_AGREED, as OCR's same digits do)."""
    confirmed = [replace(e, text=e.unsure) if e.unsure and e.blank.kind in ("day", "month") else e for e in edits]
    if confirmed != edits and _date_of(confirmed) in signed:
        return confirmed
    days = [e for e in edits if e.blank.kind == "day"]
    if not days or not days[0].text:
        return edits
    when = _date_of(edits)
    if when is not None and (not signed or when <= max(signed)):
        return edits
    return [replace(e, text="") if e.blank.kind in ("day", "month") else e for e in edits]


def _date_of(edits: list[Edit]) -> date | None:
    """The date a date line's day and month make with its printed month (when not a blank) and year."""
    day = next((e for e in edits if e.blank.kind == "day"), None)
    if day is None or not day.text:
        return None
    text = day.blank.draft.line.text
    month = next((e.text for e in edits if e.blank.kind == "month"), "")
    if not month:
        month = "".join(c for c in text[day.blank.end : _month_end(edits)] if c.isdigit())
    year = re.search(r"(\d{4})\W*$", text)  # the printed year ends the line, a full stop may follow
    return make_date(int(day.text), int(month), int(year.group(1))) if month and year else None


def _month_end(edits: list[Edit]) -> int:
    month = next((e for e in edits if e.blank.kind == "month"), None)
    return month.blank.end if month is not None else len(edits[0].blank.draft.line.text)


def _signed_dates(texts: tuple[str, ...]) -> list[date]:
    """The dates written in the texts drawn over a page (`25/07/2025 10:25:14`, `2025-10-02T16:24:01`)."""
    found = []
    for text in texts:
        iso = re.search(r"((?:19|20)\d{2})-(\d{2})-(\d{2})", text)
        when = make_date(int(iso.group(3)), int(iso.group(2)), int(iso.group(1))) if iso else None
        when = when or parse_date(text.replace(".", "/"))
        if when is not None:
            found.append(when)
    return found


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


def _rewritten(draft: Draft, edits: list[Edit]) -> Draft:
    """The draft with each blank's characters replaced by what the blank is to hold (a word of its own, with its
    confidence, or nothing), its pieces and its words' confidences kept in step (a word cut in two keeps its
    confidence in both halves)."""
    words = draft.line.text.split(" ")
    confidences = list(draft.line.word_confidences) if len(draft.line.word_confidences) == len(words) else []
    word_of: list[int] = []
    for i, word in enumerate(words):
        word_of += [i] * len(word) + [-1]
    old = [(ch, x0 + k * (x1 - x0) / max(1, len(t)), x0 + (k + 1) * (x1 - x0) / max(1, len(t)))
           for t, x0, x1 in draft.pieces for k, ch in enumerate(t)]  # fmt: skip
    chars: list[tuple[str, float, float, int]] = []
    for at in range(len(old) + 1):
        for edit in (e for e in edits if e.blank.end == at and e.text):  # the new word, before the text after it
            confidences.append(edit.confidence)
            step = (edit.x1 - edit.x0) / len(edit.text)
            chars.append((" ", edit.x0, edit.x0, -1))
            chars += [(c, edit.x0 + i * step, edit.x0 + (i + 1) * step, len(confidences) - 1)
                      for i, c in enumerate(edit.text)]  # fmt: skip
            chars.append((" ", edit.x1, edit.x1, -1))
        if at == len(old):
            break
        ch, x0, x1 = old[at]
        if any(e.blank.start <= at < e.blank.end for e in edits):
            ch = " "
        chars.append((ch, x0, x1, word_of[at] if ch != " " and at < len(word_of) else -1))
    pieces = [(ch, a, b) for ch, a, b, _ in chars]
    result = draft.with_text(pieces, draft.line.bbox or (0.0, 0.0, 0.0, 0.0))
    result.line = replace(result.line, word_confidences=_kept_confidences(chars, confidences, result))
    return result


def _kept_confidences(chars: list[tuple[str, float, float, int]], confidences: list[float], result: Draft
                      ) -> tuple[float, ...]:  # fmt: skip
    """The confidence of each word of the rewritten line: the lowest of the old words it is made of."""
    if not confidences:
        return ()
    owners: list[list[int]] = [[]]
    for ch, _, _, owner in chars:
        if ch == " ":
            if owners[-1]:
                owners.append([])
        elif owner >= 0:
            owners[-1].append(owner)
    owners = [o for o in owners if o]
    if len(owners) != len(result.line.text.split()):
        return ()
    return tuple(min(confidences[i] for i in o) for o in owners)

"""The digits handwritten into one blank of a scanned header, read from the page image.

The blank lies between two printed words whose places the page's OCR gives (the end of "Số:" and the start of the
symbol "/KH-…"; "ngày" and "tháng"; "tháng" and "năm"). OCR often runs the handwriting into those words
("ngày24tháng", "Só:đÓ6"), so where a printed word ends inside an OCR word, its end is measured from the line's own
type: Decree 30 sets the header in Times New Roman, whose letter widths are known, and the words of the same line
give the size. In the blank, the ink (blue or black pen; the red seal is already white in the page image) is cut
into connected strokes; specks, dotted leaders, rules and the lines above and below are dropped; strokes one above
the other are one digit (a 5's flag, a 7's bar); a group as wide as two digits is cut where the recogniser reads its
pieces best (segment.py). Each digit is read by the recogniser of digits.py.
"""

from __future__ import annotations

import itertools
import unicodedata
from dataclasses import dataclass

import numpy as np

from pipeline.stages.ingest import digits, segment

# Advance widths of Times New Roman (= Liberation Serif), in thousandths of the type size; a letter with diacritics
# is as wide as its base letter.
_WIDTHS = dict(
    zip(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:/-().,",
        [444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500, 500, 500, 333, 389, 278, 500,
         500, 722, 500, 500, 444, 722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556,
         722, 667, 556, 611, 722, 722, 944, 722, 722, 611, *[500] * 10, 278, 278, 333, 333, 333, 250, 250],
        strict=True,
    )
)  # fmt: skip
INK = segment.INK  # one threshold for the strokes cut here and the stretches segment.py reads
SURE = 0.9  # the recogniser's probability above which a wide group is taken as one digit, not split
PAIR = 0.8  # of its height: a group at least that wide may be two digits that touch (each over 0.4 of its height)
MIN_HEIGHT = 0.3  # of the line's height: a smaller piece of ink alone is a speck, a dot or an accent


@dataclass(frozen=True)
class Stroke:
    """A connected piece of ink: its pixels' rows and columns in the crop."""

    rows: np.ndarray
    cols: np.ndarray

    @property
    def x0(self) -> int:
        return int(self.cols.min())

    @property
    def x1(self) -> int:
        return int(self.cols.max()) + 1

    @property
    def y0(self) -> int:
        return int(self.rows.min())

    @property
    def y1(self) -> int:
        return int(self.rows.max()) + 1


@dataclass(frozen=True)
class Handwriting:
    """What was read in a blank: the digits (None where a piece of ink is no digit), each with its confidence, and
    the x-extent of their ink in the page image's pixels."""

    digits: tuple[int | None, ...]
    confidences: tuple[float, ...]
    x0: int
    x1: int

    @property
    def text(self) -> str:
        return "".join("?" if d is None else str(d) for d in self.digits)

    @property
    def confidence(self) -> float:
        return min(self.confidences, default=0.0)


def text_width(text: str) -> float:
    """The width of a printed text in Times New Roman, in type sizes (ems)."""
    total = 0.0
    for ch in text:
        base = unicodedata.normalize("NFD", ch)[0].replace("đ", "d").replace("Đ", "D")
        total += _WIDTHS.get(base, 500) / 1000.0
    return total


def em_of(words: list[tuple[str, float, float]]) -> float | None:
    """The type size (in the boxes' unit) that the line's clean words give: the median of each word's width over its
    printed width. Only words of letters and digits with punctuation count (what OCR reads well enough)."""
    sizes = []
    for text, x0, x1 in words:
        if len(text) >= 2 and all(c.isalnum() or c in ":,.-" for c in text):
            sizes.append((x1 - x0) / text_width(text))
    return float(np.median(sizes)) if sizes else None


def read_blank(grey: np.ndarray, box: tuple[int, int, int, int], line_height: float) -> Handwriting | None:
    """The digits written in a blank of a page image (grey, 0 black to 255 white): `box` is the blank (left, top,
    right, bottom in pixels, with room above and below the line for handwriting that leaves it), `line_height` the
    printed line's type size in pixels. None when the blank holds no handwriting.

    The ink is looked at half a line's height beyond each side, so that a digit written over the blank's edge is
    seen whole; a piece of ink belongs to the blank when its middle lies in it (the rest is the printed words)."""
    margin = round(0.5 * line_height)
    left, top, right, bottom = max(box[0] - margin, 0), max(box[1], 0), box[2] + margin, box[3]
    crop = grey[top:bottom, left:right].astype(np.float32)
    if crop.size == 0:
        return None
    lo, hi = box[0] - left, box[2] - left
    ink = ink_of(crop)
    pieces = components(_bridged(ink > INK))
    dot = _colon_dot(pieces, lo, box[3] - top - 0.8 * line_height, line_height)  # blanks.py: 0.8 below the baseline
    if dot is not None:
        pieces = components(_bridged(_without(ink > INK, dot)))
    strokes = [s for s in pieces if _kept(s, crop.shape, line_height)]
    # a stroke centred outside the blank is a printed word's, but one that reaches well into the blank may be a
    # digit written over its edge: it is kept, to be refused, since the digits without it would be another number
    strokes = [s for s in strokes if lo <= (s.x0 + s.x1) / 2 < hi or _inside(s, lo, hi) > 0.15 * line_height]
    groups = _digit_groups(strokes, line_height)
    if not groups:
        return None
    readings: list[digits.Reading] = []
    for group in groups:
        if any(not lo <= (s.x0 + s.x1) / 2 < hi or s.x0 == 0 or s.x1 == crop.shape[1] for s in group):
            readings.append(digits.Reading(None, 0.0))  # over the blank's edge, or off the crop: not read
        else:
            x0 = max(min(s.x0 for s in group) - 1, 0)  # where _image starts the group's image
            readings += _read_group(_image(group, ink), (lo - x0, hi - x0))
    x0 = min(s.x0 for g in groups for s in g) + left
    x1 = max(s.x1 for g in groups for s in g) + left
    return Handwriting(tuple(r.digit for r in readings), tuple(r.confidence for r in readings), x0, x1)


def _colon_dot(pieces: list[Stroke], lo: int, baseline: float, line_height: float) -> tuple[int, int, int, int] | None:
    """Where the lower dot of the colon of "Số:" lies (left, top, right, bottom in the crop), when the colon ends at
    the blank's left edge (`lo`): under its upper dot, a dot alone between the baseline and the x-height. A digit
    written close to the colon touches the lower dot, which sits on the baseline; read with the digit, it makes it
    as wide as two."""
    dots = [p for p in pieces if _is_dot(p, line_height)
            and lo - 0.4 * line_height <= (p.x0 + p.x1) / 2 <= lo + 0.3 * line_height
            and baseline - 0.6 * line_height <= p.y1 <= baseline - 0.15 * line_height]  # fmt: skip
    if not dots:
        return None
    upper = min(dots, key=lambda p: abs((p.x0 + p.x1) / 2 - lo))
    return upper.x0, round(upper.y1 + 0.1 * line_height), upper.x1, round(baseline + 0.12 * line_height)


def _is_dot(piece: Stroke, line_height: float) -> bool:
    """Whether a piece of ink is a printed dot: small, about as high as wide, and solid."""
    h, w = piece.y1 - piece.y0, piece.x1 - piece.x0
    small = 0.06 * line_height <= min(h, w) and max(h, w) <= 0.25 * line_height and max(h, w) <= 2 * min(h, w)
    return small and piece.rows.size >= 0.5 * h * w


def _without(mask: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """The mask with the box (left, top, right, bottom) cleared."""
    out = mask.copy()
    out[max(box[1], 0) : max(box[3], 0), max(box[0], 0) : max(box[2], 0)] = False
    return out


def _inside(stroke: Stroke, lo: int, hi: int) -> int:
    """How many of a stroke's columns lie between columns lo and hi."""
    return max(0, min(stroke.x1, hi) - max(stroke.x0, lo))


def _read_group(image: np.ndarray, blank: tuple[int, int]) -> list[digits.Reading]:
    """A group of strokes read as one digit, or as the digits that touch in it. A group that reads as one digit with
    confidence is one (a wide 0 or 4); a group as wide as two digits is cut where recognition reads it best
    (segment.py), its ink beyond the blank's edges (`blank`: columns in the image) being the printed word it runs
    into. Two digits written in one stroke ("23" in a running hand) can be as narrow as one: such a group is cut in
    two only when it does not read as one digit and both halves read as digits with confidence."""
    height, width = image.shape
    whole = digits.read([image])[0]
    if whole.digit is not None and whole.confidence >= SURE and width <= 1.3 * height:
        return [whole]
    if width - 2 >= PAIR * segment.ink_height(image):
        return segment.segmented(image, blank)
    if width < 0.6 * height:
        return [whole]
    halves = digits.read(_cut(image, 2))
    sure = len(halves) == 2 and all(h.digit is not None and h.confidence >= SURE for h in halves)
    return halves if sure else [whole]


def _bridged(mask: np.ndarray) -> np.ndarray:
    """The mask with gaps of a pixel or two closed (a thin stroke that the scan broke), by growing it a pixel."""
    out = mask.copy()
    out[1:] |= mask[:-1]
    out[:-1] |= mask[1:]
    out[:, 1:] |= mask[:, :-1]
    out[:, :-1] |= mask[:, 1:]
    return out


def ink_of(crop: np.ndarray) -> np.ndarray:
    """How inked each pixel is, 0 (paper) to 1 (the crop's darkest ink), so faint pen reads like dark pen."""
    paper = float(np.percentile(crop, 90))
    dark = float(crop.min())
    if paper - dark < 40:  # no ink darker than the paper's grain
        return np.zeros_like(crop)
    return np.clip((paper - crop) / (paper - dark), 0.0, 1.0)


def components(mask: np.ndarray) -> list[Stroke]:
    """The 8-connected pieces of a boolean image."""
    height, width = mask.shape
    seen = np.zeros_like(mask, dtype=bool)
    out = []
    for start in zip(*np.nonzero(mask), strict=True):
        if seen[start]:
            continue
        seen[start] = True
        stack, rows, cols = [start], [], []
        while stack:
            y, x = stack.pop()
            rows.append(y)
            cols.append(x)
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    ny, nx = y + dy, x + dx
                    if 0 <= ny < height and 0 <= nx < width and mask[ny, nx] and not seen[ny, nx]:
                        seen[ny, nx] = True
                        stack.append((ny, nx))
        out.append(Stroke(np.asarray(rows), np.asarray(cols)))
    return out


def _kept(stroke: Stroke, shape: tuple[int, ...], line_height: float) -> bool:
    """Whether a piece of ink may be (part of) a handwritten digit: not a speck, not a rule, not the type of the line
    above or below (which runs off the crop's top or bottom edge), not wider than the blank's printed neighbours
    allow (it would run off its left or right edge)."""
    height, width = stroke.y1 - stroke.y0, stroke.x1 - stroke.x0
    if max(height, width) < MIN_HEIGHT * line_height:
        return False
    if width > 3 * max(height, 1) and height < 0.25 * line_height:
        return False  # a dash, an underline, a rule
    if stroke.y0 == 0 and stroke.y1 < shape[0] * 0.45:
        return False  # hangs from the top edge: the line above
    if stroke.y1 == shape[0] and stroke.y0 > shape[0] * 0.55:
        return False  # stands on the bottom edge: the line below
    return not ((stroke.x0 == 0 or stroke.x1 == shape[1]) and width > 2.5 * line_height)


def _digit_groups(strokes: list[Stroke], line_height: float) -> list[list[Stroke]]:
    """Strokes gathered into digits, left to right: strokes that share most of their columns are one digit (a
    broken loop, a 5's flag, a 7's bar); small strokes join the digit they touch in columns."""
    groups: list[list[Stroke]] = []
    for stroke in sorted(strokes, key=lambda s: (s.x0 + s.x1) / 2):
        if groups and _overlap(groups[-1], stroke) >= 0.5:
            groups[-1].append(stroke)
        else:
            groups.append([stroke])
    heights = [max(s.y1 for s in g) - min(s.y0 for s in g) for g in groups]
    tallest = max(heights, default=0)
    # digits written together are of a height; a mark far smaller beside them is a tick or a dot, not a digit
    return [g for g, h in zip(groups, heights, strict=True) if h >= max(0.45 * line_height, 0.55 * tallest)]


def _overlap(group: list[Stroke], stroke: Stroke) -> float:
    """How much of the narrower of a group and a stroke lies in the columns of the other."""
    g0, g1 = min(s.x0 for s in group), max(s.x1 for s in group)
    shared = min(g1, stroke.x1) - max(g0, stroke.x0)
    return shared / max(1, min(g1 - g0, stroke.x1 - stroke.x0))


def _cut(image: np.ndarray, pieces: int) -> list[np.ndarray]:
    """An image of digits that touch cut into `pieces`, each cut at the column of least ink near where an even cut
    would fall."""
    width = image.shape[1]
    profile = (image > INK).sum(axis=0)
    cuts = [0]
    for k in range(1, pieces):
        centre = round(width * k / pieces)
        lo, hi = max(cuts[-1] + 1, centre - width // (3 * pieces)), min(width - 1, centre + width // (3 * pieces))
        cuts.append(lo + int(np.argmin(profile[lo:hi])) if hi > lo else centre)
    cuts.append(width)
    return [image[:, a:b] for a, b in itertools.pairwise(cuts) if b > a]


def _image(group: list[Stroke], ink: np.ndarray) -> np.ndarray:
    """The ink of a group's own pixels and their soft edges (a neighbour's ink in its box left out), cropped."""
    rows = np.concatenate([s.rows for s in group])
    cols = np.concatenate([s.cols for s in group])
    y0, x0 = max(int(rows.min()) - 1, 0), max(int(cols.min()) - 1, 0)
    y1, x1 = min(int(rows.max()) + 2, ink.shape[0]), min(int(cols.max()) + 2, ink.shape[1])
    mask = np.zeros((y1 - y0, x1 - x0), dtype=bool)
    mask[rows - y0, cols - x0] = True
    grown = mask.copy()  # one pixel around the strokes: the antialiased edge that MNIST's digits have too
    grown[1:] |= mask[:-1]
    grown[:-1] |= mask[1:]
    grown[:, 1:] |= mask[:, :-1]
    grown[:, :-1] |= mask[:, 1:]
    return np.where(grown, ink[y0:y1, x0:x1], 0.0).astype(np.float32)

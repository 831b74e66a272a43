"""Text that Tesseract's page layout dropped, found as ink no word covers and read again on its own.

Laying out a whole page, Tesseract takes some stretches of print for pictures or noise and leaves them out: on a
faded grey scan, the rest of a line after its first words, or an italic quotation in its middle; on a warped page,
whole paragraphs. The page image shows them plainly. Each word the page's reading kept is whitened (its own box,
padded: a line's box spans the words it dropped); so are the rows of the header down to its number and date lines
(handwriting in the blanks, received stamps: their own readers settle them) and the signature block (seal and
signature). What ink is left and looks like print (at least a line high, longer than high, inside the text's
column, no rule) is cut out, enlarged to at least RECOVER_DPI, and read again: all such pieces of a page stacked
in one Tesseract call, each read as a block of text (`--psm 6`), the words already read left white. A line read
again is kept only when Tesseract is sure of it and most of its words spell Vietnamese syllables (a seal's ring,
a pen stroke or a picture read as letters seldom do); its words join the page's line on their row, in place by
their x, or it stands as a line of its own after the line above it.

Measured on the 43 real PDFs (176 scanned pages): pieces on 28 pages, one Tesseract call each, 11.0 s of
Tesseract's CPU in all (4.5% of the 243 s it spends reading those pages) and 2.5 s of vnplan's; responsible bodies
found 200 -> 208 of 224 (a warped Thông báo whose first paragraph and two of its items Tesseract dropped: 2 -> 9 of
9), no header field changed. Reading the low-resolution scans (100 dpi) whole at 200 dpi instead of 150 found fewer
bodies (14 -> 12 of 18 on those six documents) and lost a number and a title: the pieces alone are read sharper.
On a page whose reading missed nothing, what is left once the words are whitened is specks, rules and marks: no
piece, and no Tesseract call (14 ms of array work a page).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from statistics import median

import numpy as np
from PIL import Image

from pipeline.stages.ingest.layer import Draft
from pipeline.stages.ingest.ocr import Word, draft_of, drop_specks, parse_tsv, run_tesseract
from pipeline.stages.ingest.regions import header_marks_bottom
from pipeline.stages.ingest.signblock import block_region
from pipeline.vi.syllable import is_valid_syllable

SEARCH_DPI = 100  # the resolution uncovered ink is searched at (a line of body type is 20 pixels high there)
RECOVER_DPI = 300  # a dropped piece is read at least this sharp: Tesseract reads 100-dpi type whole from about here
PAD = 0.25  # of a line's height: a line's box whitened this much wider all round (its ink runs past the box a little)
MIN_HEIGHT = 0.6  # a piece's height in lines' heights: a line of type at least (or a paragraph, read as a block)
MIN_WIDTH = 1.5  # a piece's width in its heights: print runs along rows; a seal is round, a picture squarish
MIN_LENGTH = 1.5  # a piece's length in lines' heights: a word of a few letters at least, never a mark or a dot
GAP = 1.2  # of a line's height: ink this close along a row is one piece (a word space is about a third of it)
MIN_CONF = 60.0  # mean confidence of a recovered line's words
MIN_CONF_ALONE = 90.0  # mean confidence of a recovered single word: one word has no neighbours to vouch for it
MIN_SYLLABLES = 0.6  # share of a recovered line's words that spell a Vietnamese syllable
RULE = 4.0  # of a line's height: an ink run this long down a column is a rule or a border, never type
# added to the block of a recovered line that does not run on from the line above it: a paragraph of its own
RECOVERED_BLOCK = 2_000_000


@dataclass(frozen=True)
class Piece:
    """A stretch of uncovered ink, in page-image pixels: x0, y0, x1, y1."""

    x0: int
    y0: int
    x1: int
    y1: int


def recover_dropped(drafts: list[Draft], image: bytes, dpi: int, lang: str, timeout: float) -> list[Draft]:
    """The page's drafts with the text its reading dropped read again and put in place (see the module's doc)."""
    grey = np.asarray(Image.open(io.BytesIO(image)).convert("L"))
    found = dropped_pieces(drafts, grey, dpi)
    if not found.pieces:
        return drafts
    lines = _read_pieces(found, grey, dpi, lang, timeout)
    return _merged(drafts, lines, dpi)


def line_height(drafts: list[Draft]) -> float:
    """The page's typical line height in points (the median of its OCR lines' box heights)."""
    heights = [d.line.bbox[3] - d.line.bbox[1] for d in drafts if d.line.bbox]
    return median(heights) if heights else 0.0


@dataclass
class Found:
    """The pieces of uncovered ink found on a page (page pixels), and what is covered on the grid they were looked
    for on (`step` page pixels a cell): the words read, padded, and the parts left to other readers."""

    pieces: list[Piece]
    covered: np.ndarray
    step: int
    line: float = 0.0  # the page's line height in page pixels

    def crop(self, grey: np.ndarray, box: Piece) -> Image.Image:
        """The page image in the box with what was read whitened (so that nothing is read twice)."""
        k = self.step
        cells = self.covered[box.y0 // k : -(-box.y1 // k), box.x0 // k : -(-box.x1 // k)]
        mask = np.repeat(np.repeat(cells, k, axis=0), k, axis=1)
        dy, dx = box.y0 - box.y0 // k * k, box.x0 - box.x0 // k * k
        part = grey[box.y0 : box.y1, box.x0 : box.x1]
        mask = mask[dy : dy + part.shape[0], dx : dx + part.shape[1]]
        # the grid leaves out the last few rows and columns of a page whose size is not a multiple of the step
        mask = np.pad(mask, ((0, part.shape[0] - mask.shape[0]), (0, part.shape[1] - mask.shape[1])))
        return Image.fromarray(np.where(mask, np.uint8(255), part))


def dropped_pieces(drafts: list[Draft], grey: np.ndarray, dpi: int) -> Found:
    """Stretches of ink no line covers that look like a line of type, in the text's column. They are looked for on
    a grid of about SEARCH_DPI, each cell as dark as its darkest pixel (a ninth of the work at 300 dpi)."""
    k = max(1, dpi // SEARCH_DPI)
    height, width = grey.shape[0] // k, grey.shape[1] // k
    covered = np.zeros((height, width), dtype=bool)
    boxed = [d for d in drafts if d.line.bbox]
    if len(boxed) < 3:
        return Found([], covered, k)  # a page with next to no reading is a picture or blank: no line to measure
    small = _darkest(grey[: height * k, : width * k], k)
    scale = dpi / 72.0 / k  # points to cells
    lh = line_height(boxed) * scale
    pad = PAD * lh
    for x0, y0, x1, y1 in _word_boxes(boxed):  # word by word: a line's box spans the words it dropped
        covered[max(0, int(y0 * scale - pad)) : int(y1 * scale + pad) + 1,
                max(0, int(x0 * scale - pad)) : int(x1 * scale + pad) + 1] = True  # fmt: skip
    for zone in _left_out(boxed, width / scale, height / scale):
        covered[int(zone[1] * scale) : int(zone[3] * scale) + 1, int(zone[0] * scale) : int(zone[2] * scale) + 1] = True
    left = int(min(d.line.bbox[0] for d in boxed if d.line.bbox) * scale - lh)
    right = int(max(d.line.bbox[2] for d in boxed if d.line.bbox) * scale + lh)
    covered[:, : max(0, left)] = True
    covered[:, max(0, right) :] = True
    ink = _ink(small) & ~covered
    ink &= ~_long_runs(ink, round(RULE * lh))
    pieces = [p for p in _stretches(ink, lh) if _line_like(p, ink, lh)]
    return Found([Piece(p.x0 * k, p.y0 * k, p.x1 * k, p.y1 * k) for p in pieces], covered, k, lh * k)


def _darkest(grey: np.ndarray, k: int) -> np.ndarray:
    """The image shrunk k times, each cell its darkest pixel (a stroke thinner than a cell still shows)."""
    if k == 1:
        return grey
    rows = grey[0::k].copy()
    for i in range(1, k):
        np.minimum(rows, grey[i::k], out=rows)
    out = rows[:, 0::k].copy()
    for i in range(1, k):
        np.minimum(out, rows[:, i::k], out=out)
    return out


def _word_boxes(drafts: list[Draft]) -> list[tuple[float, float, float, float]]:
    """Each word's box in points (its own top and bottom where the reading kept them, else its line's)."""
    boxes: list[tuple[float, float, float, float]] = []
    for d in drafts:
        box = d.line.bbox or (0.0, 0.0, 0.0, 0.0)
        words = [(a, b) for text, a, b in d.pieces if text.strip()]
        rows = d.word_rows if len(d.word_rows) == len(words) else [(box[1], box[3])] * len(words)
        boxes += [(a, top, b, bottom) for (a, b), (top, bottom) in zip(words, rows, strict=True)]
    return boxes


def _ink(grey: np.ndarray) -> np.ndarray:
    """Pixels darker than halfway between the paper (the page's commonest light) and its darkest print: a faded
    grey scan's print is ink too."""
    counts = np.cumsum(np.bincount(grey[::3, ::3].ravel(), minlength=256))  # every ninth pixel tells as much
    paper = float(np.searchsorted(counts, 0.75 * counts[-1]))
    dark = float(np.searchsorted(counts, 0.005 * counts[-1]))
    if paper - dark < 40:
        return np.zeros(grey.shape, dtype=bool)  # a blank or flat page: no print to find
    ink: np.ndarray = grey < paper - 0.3 * (paper - dark)
    return ink


def _left_out(drafts: list[Draft], width: float, height: float) -> list[tuple[float, float, float, float]]:
    """The parts of the page that other readers read again (the header block, the signature block) and so are not
    looked at here: their ink is handwriting, seals and signatures as often as print."""
    zones: list[tuple[float, float, float, float]] = []
    marks = header_marks_bottom(drafts, height)
    if marks is not None:  # down to the number and the date: their blanks hold handwriting, and stamps lie there
        zones.append((0.0, 0.0, width, marks + 0.5 * line_height(drafts)))
    block = block_region(drafts, width, height)
    if block is not None:
        zones.append((block[0], block[1], width, height))  # the seal and the signature, and anything under them
    return zones


def _long_runs(ink: np.ndarray, length: int) -> np.ndarray:
    """The pixels in a vertical run of ink at least `length` long (rules, borders, a scan's dark edge)."""
    runs = np.zeros(ink.shape, dtype=bool)
    if length < 2 or ink.shape[0] < length:
        return runs
    cols = np.flatnonzero(ink.sum(axis=0) >= length)  # only a column with that much ink can hold such a run
    if not len(cols):
        return runs
    part = ink[:, cols].astype(np.int32)
    top = np.zeros((1, len(cols)), dtype=np.int32)
    sums = np.cumsum(np.vstack([top, part]), axis=0)
    starts = ((sums[length:] - sums[:-length]) == length).astype(np.int32)  # a full run starts at each such row
    # a pixel is in a run when a run starts within `length` rows above it (or at it)
    began = np.cumsum(np.vstack([top, starts]), axis=0)
    y = np.arange(ink.shape[0])
    runs[:, cols] = (began[np.minimum(y + 1, starts.shape[0])] - began[np.maximum(0, y - length + 1)]) > 0
    return runs


def _stretches(ink: np.ndarray, lh: float) -> list[Piece]:
    """Bands of rows holding ink, each cut where its ink leaves a gap along the row wider than GAP lines."""
    rows = np.asarray(ink.any(axis=1))
    pieces: list[Piece] = []
    for top, bottom in _runs(rows, max(1, round(0.15 * lh))):
        cols = np.asarray(ink[top:bottom].any(axis=0))
        for x0, x1 in _runs(cols, max(1, round(GAP * lh))):
            band = ink[top:bottom, x0:x1].any(axis=1)
            ys = np.flatnonzero(band)
            pieces.append(Piece(x0, top + int(ys[0]), x1, top + int(ys[-1]) + 1))
    return pieces


def _runs(mask: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """Runs of True in a 1-d mask, joined across gaps of fewer than `gap` False: (start, end) pairs."""
    idx = np.flatnonzero(mask)
    if not len(idx):
        return []
    breaks = np.flatnonzero(np.diff(idx) > gap)
    starts = np.concatenate([[idx[0]], idx[breaks + 1]])
    ends = np.concatenate([idx[breaks], [idx[-1]]]) + 1
    return [(int(a), int(b)) for a, b in zip(starts, ends, strict=True)]


def _line_like(p: Piece, ink: np.ndarray, lh: float) -> bool:
    """Whether a stretch of ink has a line of type's shape: as high as a line (up to three set close), longer than
    high, and as dense as print (a seal's ring or a rule is sparser or solid)."""
    h, w = p.y1 - p.y0, p.x1 - p.x0
    if h < MIN_HEIGHT * lh or w < MIN_LENGTH * lh or w < MIN_WIDTH * h:
        return False
    density = float(ink[p.y0 : p.y1, p.x0 : p.x1].mean())
    return 0.03 <= density <= 0.6


def _read_pieces(found: Found, grey: np.ndarray, dpi: int, lang: str, timeout: float) -> list[list[Word]]:
    """The pieces read in one Tesseract call, stacked on one white sheet enlarged to RECOVER_DPI: each line read,
    as words in page pixels, with the words from each piece apart from any other's."""
    factor = max(1.0, RECOVER_DPI / dpi)
    pieces = found.pieces
    pad = max(4, round(0.3 * found.line))
    boxes = [Piece(max(0, p.x0 - pad), max(0, p.y0 - pad), p.x1 + pad, p.y1 + pad) for p in pieces]
    crops = [found.crop(grey, b) for b in boxes]
    big = [c.resize((round(c.width * factor), round(c.height * factor)), Image.Resampling.LANCZOS) for c in crops]
    gap = round(2 * pad * factor)
    sheet = Image.new("L", (max(c.width for c in big) + 2 * gap, sum(c.height + gap for c in big) + gap), 255)
    tops, y = [], gap
    for crop in big:
        sheet.paste(crop, (gap, y))
        tops.append(y)
        y += crop.height + gap
    buf = io.BytesIO()
    sheet.save(buf, format="PPM")
    words = drop_specks(parse_tsv(run_tesseract(buf.getvalue(), lang, timeout, round(dpi * factor), psm=6)))
    lines: dict[tuple[int, tuple[int, int, int]], list[Word]] = {}
    for w in words:
        middle = w.top + w.height / 2
        slot = next((i for i, (t, c) in enumerate(zip(tops, big, strict=True)) if t <= middle < t + c.height), None)
        if slot is None:
            continue
        ox, oy = boxes[slot].x0, boxes[slot].y0
        moved = replace(w, left=round((w.left - gap) / factor) + ox, top=round((w.top - tops[slot]) / factor) + oy,
                        width=round(w.width / factor), height=round(w.height / factor))  # fmt: skip
        lines.setdefault((slot, w.key), []).append(moved)
    kept = ([w for w in ws if _worded(w)] for ws in lines.values())
    return [ws for ws in kept if ws and _readable(ws)]


def _worded(word: Word) -> bool:
    """A word with a letter or a digit, or a dash between words (`chính trị - xã hội`); not a stray mark (`¡`)."""
    return any(c.isalnum() for c in word.text) or word.text in ("-", "–", "—")


def _readable(words: list[Word]) -> bool:
    """Whether a recovered line reads as Vietnamese print: Tesseract sure of it on the whole, and most of its words
    syllables (a seal's ring, a signature or a picture read as text gives odd letters at low confidence)."""
    texts = [w.text.strip(".,;:!?()\"'“”-/") for w in words]
    worded = [t for t in texts if any(c.isalpha() for c in t)]
    conf = sum(w.conf for w in words) / len(words)
    if not worded or conf < (MIN_CONF if len(worded) > 1 else MIN_CONF_ALONE):
        return False
    return sum(is_valid_syllable(t) for t in worded) >= MIN_SYLLABLES * len(worded)


def _merged(drafts: list[Draft], lines: list[list[Word]], dpi: int) -> list[Draft]:
    """The page's drafts with each recovered line joined to the line on its row, or put after the line above it."""
    scale = 72.0 / dpi
    out = list(drafts)
    for words in sorted(lines, key=lambda ws: min(w.top for w in ws)):
        words = sorted(words, key=lambda w: w.left)
        host = _host(out, words, scale)
        if host is not None:
            i = next(i for i, d in enumerate(out) if d is host)
            joined = sorted(_words_of(host, scale) + words, key=lambda w: w.left)
            out[i] = draft_of(joined, host.line.page, scale, host.line.block)
            continue
        fresh = draft_of(words, drafts[0].line.page, scale, RECOVERED_BLOCK + words[0].top)
        at = _place(out, fresh)
        if at > 0 and _runs_on(out[at - 1], fresh):
            fresh = draft_of(words, drafts[0].line.page, scale, out[at - 1].line.block)
        out.insert(at, fresh)
    return out


def _runs_on(above: Draft, line: Draft) -> bool:
    """Whether a recovered line stands right under a line of its column (less than half a line between them) and
    starts no further right (a paragraph's first line is indented, Decree 30): it is the next line of that line's
    paragraph, and takes its block (see normalize/paragraphs.py)."""
    a, b = above.line.bbox, line.line.bbox
    if a is None or b is None:
        return False
    height = a[3] - a[1]
    return b[1] - a[3] < 0.5 * height and b[0] < a[0] + height and min(a[2], b[2]) > max(a[0], b[0])


def _host(drafts: list[Draft], words: list[Word], scale: float) -> Draft | None:
    """The line on the recovered words' row (sharing most of their height) nearest them along it, within a few
    lines' heights: the rest of that line."""
    y0, y1 = min(w.top for w in words) * scale, max(w.top + w.height for w in words) * scale
    x0, x1 = words[0].left * scale, (words[-1].left + words[-1].width) * scale
    best, best_gap = None, 4.0 * (y1 - y0)
    for d in drafts:
        box = d.line.bbox
        if box is None or min(box[3], y1) - max(box[1], y0) < 0.5 * min(box[3] - box[1], y1 - y0):
            continue
        gap = max(box[0] - x1, x0 - box[2], 0.0)
        if gap < best_gap and not _crosses(d, words, scale):
            best, best_gap = d, gap
    return best


def _crosses(draft: Draft, words: list[Word], scale: float) -> bool:
    """Whether any of the words stands where one of the line's own words stands along the row (then they are not
    the rest of that line, but a line above or below it that a skewed page brings level)."""
    spans = [(a, b) for text, a, b in draft.pieces if text.strip()]
    for w in words:
        a, b = w.left * scale, (w.left + w.width) * scale
        if any(min(b, y) - max(a, x) > 0.3 * (b - a) for x, y in spans):
            return True
    return False


def _words_of(draft: Draft, scale: float) -> list[Word]:
    """A line's words back as Tesseract words in page pixels (each word's own confidence)."""
    confs = list(draft.line.word_confidences)
    boxes = _word_boxes([draft])
    if len(confs) != len(boxes):
        confs = [draft.line.confidence or 0.0] * len(boxes)
    texts = [text for text, _, _ in draft.pieces if text.strip()]
    return [
        Word(
            text,
            round(x0 / scale),
            round(y0 / scale),
            round((x1 - x0) / scale),
            round((y1 - y0) / scale),
            c * 100,
            (0, 0, 0),
        )
        for text, (x0, y0, x1, y1), c in zip(texts, boxes, confs, strict=True)
    ]


def _place(drafts: list[Draft], fresh: Draft) -> int:
    """Where a recovered line stands in reading order: after the lowest line above it that shares its column (by
    their middles: on a skewed or warped page the boxes of neighbouring lines overlap)."""
    box = fresh.line.bbox or (0.0, 0.0, 0.0, 0.0)
    middle = (box[1] + box[3]) / 2
    above = [
        i for i, d in enumerate(drafts)
        if d.line.bbox and (d.line.bbox[1] + d.line.bbox[3]) / 2 < middle
        and min(d.line.bbox[2], box[2]) > max(d.line.bbox[0], box[0])
    ]  # fmt: skip
    if not above:
        below = [i for i, d in enumerate(drafts) if d.line.bbox and d.line.bbox[1] >= box[1]]
        return min(below, default=len(drafts))
    return max(above, key=lambda i: _middle(drafts[i])) + 1


def _middle(d: Draft) -> float:
    box = d.line.bbox or (0.0, 0.0, 0.0, 0.0)
    return (box[1] + box[3]) / 2

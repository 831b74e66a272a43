"""The signature block of a scanned page, read again on its own when the page's reading found no name in it.

Decree 30/2020/NĐ-CP (Phụ lục I §II.7) puts the signer's name in the right column, under the authority and post
lines (`KT. CHỦ TỊCH` / `PHÓ CHỦ TỊCH`), below the signature and the seal, beside `Nơi nhận`. Laying out a whole
page, Tesseract often takes the seal and the pen strokes across it for a picture and drops the printed name with
them (on the real scans: 4 of 10 names missing were not read at all, though clean to the eye). Cut out and read as
one block of text (`--psm 6`), the block gives the name back. Only a line that reads as a person's name, in the
block and under its first line, is added to the page's lines; the rest of the page's reading stays as it was.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from statistics import median

import numpy as np
from PIL import Image, ImageFilter

from pipeline.stages.ingest.layer import Draft
from pipeline.stages.ingest.ocr import drop_specks, parse_tsv, run_tesseract, words_to_drafts
from pipeline.vi.persons import office_of, person_name
from pipeline.vi.text import key

_RECIPIENTS = re.compile(r"^\W*\w?\W*n?[oơ]i nh[aâ]n\b")  # `Nơi nhận`, and OCR's `ơi nhận`, `jơi nhận`
_AUTHORITY = re.compile(r"^\W{0,3}(?:(?:TM|KT|TL|TUQ|Q)\s*[.:]|T/M|K/T)\s*\w")
LINES_BELOW = 16  # the block's height in lines of type: authority, post, signature and seal, name


def reread_signature(drafts: list[Draft], image: bytes, dpi: int, lang: str, timeout: float) -> list[Draft]:
    """The page's drafts, with the signer's name added when the block read again on its own gives one that the
    page's reading did not. Tesseract misreads a name under a seal with high confidence too (`Nghiện` for
    `Nghiệp`, 0.91), so the name is kept only when two readings of the block agree on it: the block flattened
    (see `flattened`), the same at two thirds of the resolution, and as rendered. Two readings of the same pixels
    agree on their errors; readings at two scales, or with and without the paper taken out, seldom do."""
    if not drafts:
        return drafts
    page = Image.open(io.BytesIO(image))
    scale = 72.0 / dpi
    region = block_region(drafts, page.width * scale, page.height * scale)
    if region is None or any(_is_name(d) for d in drafts if _inside(d, region)):
        return drafts
    x0, y0, x1, y1 = region
    plain = _trimmed(page.crop((int(x0 / scale), int(y0 / scale), int(x1 / scale), int(y1 / scale))))
    flat = flattened(plain, dpi)
    small = flat.resize((max(1, flat.width * 2 // 3), max(1, flat.height * 2 // 3)), Image.Resampling.LANCZOS)
    readings: list[Draft] = []
    for crop, crop_dpi in ((flat, dpi), (small, dpi * 2 // 3), (plain, dpi)):
        if crop is plain and not readings:
            break  # neither of the first two readings found a name: the third alone cannot be trusted
        found = _name_line(crop, crop_dpi, lang, timeout, drafts[0].line.page)
        if found is None:
            continue
        agreed = next((r for r in readings if _name(r) == _name(found)), None)
        if agreed is not None:
            name = _shifted(agreed, x0, y0)
            kept = [d for d in drafts if not _overlaps(d, name)]
            return sorted([*kept, name], key=lambda d: d.line.bbox[1] if d.line.bbox else 0.0)
        readings.append(found)
    return drafts


def _name_line(crop: Image.Image, dpi: int, lang: str, timeout: float, page: int) -> Draft | None:
    """The lowest line of the block read as one block of text that reads as a person's name (under its first
    line: the block's top holds the authority and the post), in the crop's coordinates."""
    buf = io.BytesIO()
    crop.save(buf, format="PPM")
    words = drop_specks(parse_tsv(run_tesseract(buf.getvalue(), lang, timeout, dpi, psm=6)))
    scale = 72.0 / dpi
    found = [d for d in words_to_drafts(words, page, scale) if _is_name(d)]
    top = 0.05 * crop.height * scale
    names = [d for d in found if d.line.bbox and d.line.bbox[1] > top]
    return max(names, key=lambda d: d.line.bbox[1] if d.line.bbox else 0.0, default=None)


def _name(d: Draft) -> str | None:
    return person_name(d.line.text, strict=True)


def flattened(crop: Image.Image, dpi: int) -> Image.Image:
    """The crop divided by its paper: each pixel over the brightest one near it (a twentieth of an inch, wider than
    any stroke of print), so that the uneven grey of a photographed page or a faded seal's tint goes white and the
    print stays dark. Tesseract's one threshold for the whole crop then holds everywhere."""
    size = max(5, round(dpi / 20) | 1)
    grey = crop.convert("L")
    paper = Image.fromarray(max_filter(np.asarray(grey), size)).filter(ImageFilter.BoxBlur(size))
    ink = np.asarray(grey, dtype=np.float32) / np.maximum(np.asarray(paper, dtype=np.float32), 1.0)
    return Image.fromarray(np.clip(ink * 255.0, 0, 255).astype(np.uint8))


def max_filter(grey: np.ndarray, size: int) -> np.ndarray:
    """Each pixel's brightest neighbour in a size x size square, edges repeated: Pillow's MaxFilter, as a row pass
    then a column pass (the same pixels; Pillow's looks at every pixel of the square, a second a crop at 300 dpi)."""
    r = size // 2
    padded = np.pad(grey, r, mode="edge")
    height, width = grey.shape
    rows = padded[:, :width].copy()
    for k in range(1, size):
        np.maximum(rows, padded[:, k : k + width], out=rows)
    out = rows[:height].copy()
    for k in range(1, size):
        np.maximum(out, rows[k : k + height], out=out)
    return out


def _trimmed(crop: Image.Image) -> Image.Image:
    """The crop without the blank white rows and columns at its bottom and right: a photographed or small scan
    placed on a larger page leaves pure white around it, and that white throws Tesseract's threshold off the grey
    paper of the photograph (which then reads as no text at all)."""
    ink = np.asarray(crop.convert("L")) < 250
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if not len(rows) or not len(cols):
        return crop
    return crop.crop((0, 0, int(cols[-1]) + 1, int(rows[-1]) + 1))


def block_region(drafts: list[Draft], width: float, height: float) -> tuple[float, float, float, float] | None:
    """Where the signature block lies on the page: the right column from its first authority or post line (or
    from beside `Nơi nhận`) down some lines; None on a page without one."""
    boxed = [d for d in drafts if d.line.bbox]
    if not boxed:
        return None
    lh = median(d.line.bbox[3] - d.line.bbox[1] for d in boxed if d.line.bbox)
    heads = [d for d in boxed if _heads_block(d, width)]
    recipients = [d for d in boxed if _RECIPIENTS.match(key(d.line.text))]
    if heads:
        top = min(d.line.bbox[1] for d in heads if d.line.bbox) - 0.5 * lh
    elif recipients:
        top = min(d.line.bbox[1] for d in recipients if d.line.bbox) - 1.5 * lh
    else:
        return None
    return 0.42 * width, max(0.0, top), width, min(height, top + LINES_BELOW * lh)


def _heads_block(d: Draft, width: float) -> bool:
    """An authority line (`KT. CHỦ TỊCH`) or a post in capitals (`GIÁM ĐỐC`) standing in the right column."""
    box = d.line.bbox
    text = d.line.text.strip(" .,:;_-`'\"")
    if box is None or (box[0] + box[2]) / 2 < 0.5 * width or box[2] - box[0] > 0.5 * width:
        return False
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 4 or sum(c.isupper() for c in letters) < 0.8 * len(letters):
        return False
    return bool(_AUTHORITY.match(text) or office_of(text))


def _is_name(d: Draft) -> bool:
    return _name(d) is not None


def _inside(d: Draft, region: tuple[float, float, float, float]) -> bool:
    box = d.line.bbox
    if box is None:
        return False
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return region[0] <= cx <= region[2] and region[1] <= cy <= region[3]


def _overlaps(d: Draft, other: Draft) -> bool:
    a, b = d.line.bbox, other.line.bbox
    if a is None or b is None:
        return False
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def _shifted(d: Draft, dx: float, dy: float) -> Draft:
    """A draft read from a crop, moved to the page's coordinates."""
    box = d.line.bbox or (0.0, 0.0, 0.0, 0.0)
    moved = (round(box[0] + dx, 1), round(box[1] + dy, 1), round(box[2] + dx, 1), round(box[3] + dy, 1))
    pieces = [(text, a + dx, b + dx) for text, a, b in d.pieces]
    return Draft(replace(d.line, bbox=moved), pieces, d.baseline + dy, d.visible)

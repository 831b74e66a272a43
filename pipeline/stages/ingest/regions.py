"""A scanned page is read at its own resolution; its header block is read again, enlarged, in place of that reading.

Reading a whole scan enlarged by half again (a 100-dpi scan at 150, a 200-dpi one at 300) cost vnplan a third more
of Tesseract's time, for about the same body text: measured on the 43 real PDFs, targets 16/31 either way, bodies
176/224 either way, events 26/52 against 24/52. The header block is where it counts: its lines are short and set in
small capitals (the issuer), hold handwritten blanks (number, day), and a stamp often lies across the title; read at
the scan's own resolution, two real titles were lost. Decree 30 puts the whole header at the top of a document's
first page: the issuer column and the motto, the `Số:` line and the place-and-date line, then the type and the
title, centred, down to where the body begins (`Kính gửi`, `Căn cứ`, a numbered heading). That block, and only it,
is cut from the page image, enlarged, and read again; its lines take the place of the page reading's lines there.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, replace

from PIL import Image

from pipeline.records import Line
from pipeline.stages.ingest.blanks import find_blanks
from pipeline.stages.ingest.layer import Draft
from pipeline.stages.ingest.ocr import drop_specks, parse_tsv, run_tesseract, words_to_drafts
from pipeline.vi.text import key

# the motto, or a Party body's line in its place (Decree 30, Phụ lục I §II.1)
_MOTTO = re.compile(r"cong hoa xa\b|hoi chu nghia|doc lap\W*tu do|tu do\W*hanh phuc|dang cong san viet nam")
# what begins a document's body below its title
_BODY = re.compile(r"^\W*(?:kinh gui|can cu|thuc hien|tren co so|theo de nghi|xet de nghi|dieu \d|(?:i|1)\s*[.)]\s)")
MAX_HEADER_SHARE = 0.45  # of the page's height: a header block never runs lower (an A4 header takes about a third)
# added to a region's Tesseract block numbers, so its lines never join a paragraph of the page's reading (a line's
# block is Tesseract's block * 1000 + paragraph, negative for a column cut off a line: see ocr.words_to_drafts)
REGION_BLOCKS = 1_000_000


def from_second_reading(line: Line) -> bool:
    """Whether an OCR line comes from a region's second reading."""
    return abs(line.block) >= REGION_BLOCKS * 1000


@dataclass(frozen=True)
class Region:
    """A part of the page in points: x0, y0, x1, y1."""

    x0: float
    y0: float
    x1: float
    y1: float

    def holds(self, draft: Draft) -> bool:
        """Whether a line's centre lies inside the region."""
        box = draft.line.bbox
        if box is None:
            return False
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        return self.x0 <= cx <= self.x1 and self.y0 <= cy <= self.y1


def header_marks_bottom(drafts: list[Draft], height: float) -> float | None:
    """The bottom of the lowest motto, number or place-and-date line in the page's top part (the rows of the
    header that hold the issuer, the motto and the blanks), or None on a page where no document starts."""
    top = [d for d in drafts if d.line.bbox and d.line.bbox[1] < MAX_HEADER_SHARE * height]
    marks = [d for d in top if _MOTTO.search(key(d.line.text))] + [b.draft for b in find_blanks(top)]
    if not marks:
        return None
    return max(d.line.bbox[3] for d in marks if d.line.bbox)


def header_region(drafts: list[Draft], width: float, height: float) -> Region | None:
    """The header block of a document that starts on this page: from the page's top to the line above the body, when
    the motto or a number or date line stands in the page's top part; None on any other page."""
    below = header_marks_bottom(drafts, height)
    if below is None:
        return None
    top = [d for d in drafts if d.line.bbox and d.line.bbox[1] < MAX_HEADER_SHARE * height]
    bottom = MAX_HEADER_SHARE * height
    for d in sorted(top, key=lambda d: d.line.bbox[1] if d.line.bbox else 0.0):
        box = d.line.bbox
        if box and box[1] > below and _BODY.match(key(d.line.text)):
            bottom = box[1] - 1.0
            break
    return Region(0.0, 0.0, width, bottom)


@dataclass
class Reread:
    """What a region's second reading gives: its lines (in page points), and its enlarged image with the resolution
    and the page point at its top-left corner (the blanks' second readings are cut from it)."""

    drafts: list[Draft]
    image: bytes
    dpi: int
    origin: tuple[float, float]

    def on_page(self, width: float, height: float) -> bytes:
        """The enlarged image set on a white page of the given size (points) at its resolution: the blanks' readers
        take a whole page, in page coordinates."""
        scale = self.dpi / 72.0
        page = Image.new("L", (round(width * scale), round(height * scale)), 255)
        page.paste(Image.open(io.BytesIO(self.image)), (round(self.origin[0] * scale), round(self.origin[1] * scale)))
        buf = io.BytesIO()
        page.save(buf, format="PPM")
        return buf.getvalue()


def reread_region(image: bytes, region: Region, pno: int, dpi: int, read_dpi: int, lang: str, timeout: float) -> Reread:
    """The region of the page image (at `dpi`) enlarged to `read_dpi` and read by Tesseract as a page of its own."""
    page = Image.open(io.BytesIO(image)).convert("L")
    scale = dpi / 72.0
    box = (int(region.x0 * scale), int(region.y0 * scale), min(round(region.x1 * scale), page.width),
           min(round(region.y1 * scale), page.height))  # fmt: skip
    crop = page.crop(box)
    factor = read_dpi / dpi
    big = crop.resize((round(crop.width * factor), round(crop.height * factor)), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    big.save(buf, format="PPM")  # greyscale: PGM
    words = drop_specks(parse_tsv(run_tesseract(buf.getvalue(), lang, timeout, read_dpi)))
    dx, dy = round(box[0] * factor), round(box[1] * factor)  # the crop's corner on the page enlarged as much
    moved = [replace(w, left=w.left + dx, top=w.top + dy, key=(w.key[0] + REGION_BLOCKS, *w.key[1:])) for w in words]
    # top to bottom, as the header's rows stand: Tesseract may give the crop's left column whole before its right one
    drafts = sorted(words_to_drafts(moved, pno, 72.0 / read_dpi), key=lambda d: d.line.bbox[1] if d.line.bbox else 0.0)
    return Reread(drafts, buf.getvalue(), read_dpi, (box[0] / scale, box[1] / scale))


def put_in_place(drafts: list[Draft], region: Region, fresh: list[Draft]) -> list[Draft]:
    """The page's drafts with those inside the region replaced by the region's own, where the first of them stood in
    reading order."""
    first = next((i for i, d in enumerate(drafts) if region.holds(d)), 0)
    before = [d for d in drafts[:first] if not region.holds(d)]
    after = [d for d in drafts[first:] if not region.holds(d)]
    return before + fresh + after

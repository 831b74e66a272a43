"""A scanned page read by OCR: rendered at the scan's own resolution, its colour dropped, its lines read by Tesseract,
its header block and signature block read again, its blanks settled, its ruled table read cell by cell.

Imported by pdf.py only when a page needs OCR: numpy, Pillow and the digit recogniser are not loaded for a PDF with
a text layer (a third of a second of start-up, measured on the real text-layer documents).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import pymupdf
from PIL import Image

from pipeline.errors import TooLarge
from pipeline.records import Line, Table
from pipeline.stages.ingest.blanks import find_blanks, settle_blanks
from pipeline.stages.ingest.ink import grey_pgm
from pipeline.stages.ingest.layer import Draft
from pipeline.stages.ingest.ocr import ocr_drafts
from pipeline.stages.ingest.options import IngestOptions, seconds_left
from pipeline.stages.ingest.pdf import native_dpi
from pipeline.stages.ingest.recover import recover_dropped
from pipeline.stages.ingest.regions import Reread, header_region, put_in_place, reread_region
from pipeline.stages.ingest.scan_tables import might_hold_a_table, read_scan_table
from pipeline.stages.ingest.signblock import reread_signature
from pipeline.stages.ingest.stamps import merge_stamps


def ocr_resolution(page: pymupdf.Page, options: IngestOptions) -> int:
    """The resolution to render a page at for OCR. A page drawn in vectors: --ocr-dpi (300). A scan: its own
    resolution, never above --ocr-dpi (a 600-dpi scan is read at 300); its header block is read again enlarged (see
    header_dpi). Never above --max-pixels."""
    native = native_dpi(page)
    dpi = min(options.ocr_dpi, own_resolution(native, options)) if native else options.ocr_dpi
    w, h = page.rect.width / 72.0, page.rect.height / 72.0
    if w * h * dpi * dpi > options.max_pixels:
        dpi = int((options.max_pixels / (w * h)) ** 0.5)
        if dpi < 72:
            raise TooLarge(f"page {page.number + 1} is too large to OCR within --max-pixels {options.max_pixels}")
    return dpi


LOW_DPI = 240  # below this a scan's type is too few pixels high for Tesseract: the scan is read enlarged


def own_resolution(native: int, options: IngestOptions) -> int:
    """The resolution a scan is read at: its own, from LOW_DPI up; below, enlarged by --ocr-upscale (1.5), a 100-dpi
    scan read at 150 and a 200-dpi one at 300. A line of 13-point body type is some 8 pixels high in its small letters
    at 100 dpi and 16 at 200, where Tesseract reads best from about 20. Measured on the real scans read at their own
    resolution (header block enlarged): at 100 dpi (5 documents, 44 pages) a responsible body was lost in two
    documents and a target in a third; at 200 dpi (6 documents, 49 pages) two events and two bodies, and on the
    samples' 200-dpi scans a recipient and a target ("Quý TII" for "Quý III"), all of which the enlarged page reads.
    It costs a sixth more of Tesseract's time on a 100-dpi page, a third more on a 200-dpi one."""
    return round(native * options.ocr_upscale) if native < LOW_DPI else native


def header_dpi(native: int | None, dpi: int, options: IngestOptions) -> int:
    """The resolution a scan's header block is read again at: the scan's own raised by at most --ocr-upscale (1.5),
    never above --ocr-dpi; a 200-dpi scan's header at 300, a 300-dpi one's not again, nor a page already read
    enlarged (a 100-dpi scan, read at 150 whole). Measured on the samples' 200-dpi scans, 300 dpi reads the small
    type that 200 loses; on the real scans, two titles under stamps are lost at the scan's own resolution (see
    regions.py), and a 100-dpi scan's header enlarged twice over (225 dpi) loses three titles that 150 reads."""
    if native is None or dpi > native:
        return dpi
    return max(dpi, min(options.ocr_dpi, round(native * options.ocr_upscale)))


@dataclass(frozen=True)
class ScanImage:
    """A page rendered for OCR: the image (PGM), its resolution, its header block's (header_dpi), and whether it
    may hold a ruled table (might_hold_a_table, looked at once)."""

    image: bytes
    dpi: int
    header: int
    table: bool


def page_image(page: pymupdf.Page, options: IngestOptions) -> ScanImage:
    """The page image for OCR. A page that may hold a ruled table is rendered at its header's resolution: finding a
    scanned table's rules and reading its small figures need those pixels (at 200 dpi the samples' quota table is
    not found)."""
    image, dpi = render_page(page, options)
    raised = header_dpi(native_dpi(page), dpi, options)
    table = might_hold_a_table(Image.open(io.BytesIO(image)).convert("L"))
    if raised > dpi and table:
        return ScanImage(render_page(page, options, raised)[0], raised, raised, table)
    return ScanImage(image, dpi, raised, table)


def render_page(page: pymupdf.Page, options: IngestOptions, dpi: int | None = None) -> tuple[bytes, int]:
    """The page as a greyscale image for OCR (PGM: no compression to pay for on the way to Tesseract, which took
    0.64 s a page as PNG against 0.01 s). Annotations are left out: the e-signature boxes and seals that signing
    software draws over a scan are not the document's text (their text is kept apart as overlays). A colour page
    is made grey by --ocr-colour (see ink.py). At `dpi` when given, else at ocr_resolution."""
    dpi = dpi or ocr_resolution(page, options)
    if options.ocr_colour == "grey" or not has_colour(page):
        return page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, annots=False).tobytes("pnm"), dpi
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csRGB, annots=False, alpha=False)
    rgb = np.frombuffer(pix.samples_mv, dtype=np.uint8).reshape(pix.height, pix.stride)[:, : pix.width * 3]
    return grey_pgm(rgb.reshape(pix.height, pix.width, 3), options.ocr_colour), dpi


def has_colour(page: pymupdf.Page) -> bool:
    """Whether any image on the page is in colour (a bilevel or grey scan has no seal to drop)."""
    return any(image[5] not in ("DeviceGray", "CalGray", "") and image[4] > 1 for image in page.get_images(full=True))


def ocr_scanned_page(
    scan: ScanImage, pno: int, overlays: list[Draft], options: IngestOptions
) -> tuple[list[Line], Table | None, list[Line]]:
    """A scanned page: its lines by OCR, its ruled table read cell by cell (see scan_tables.py), and the text drawn
    over it that is not part of it. Text over the scan that sits in a blank of an OCR line (a stamped number) joins
    that line; the rest is kept apart as overlays."""
    dpi = scan.dpi
    table, rest = None, scan.image
    if scan.table:
        table, rest = read_scan_table(rest, pno, dpi, options.ocr_lang, seconds_left(options, options.ocr_timeout))
    drafts = ocr_drafts(rest, pno, dpi, options.ocr_lang, seconds_left(options, options.ocr_timeout))
    drafts, again = _with_header_reread(drafts, rest, pno, dpi, scan.header, options)
    drafts = recover_dropped(drafts, rest, dpi, options.ocr_lang, seconds_left(options, options.ocr_timeout))
    drafts = [d for d in drafts if not _under_any(d, overlays)]
    signed = tuple(o.line.text for o in overlays)  # e-signature and copy lines: dated on or after the document
    drafts = _settled(drafts, again, rest, dpi, signed, options)
    drafts = reread_signature(drafts, rest, dpi, options.ocr_lang, seconds_left(options, options.ocr_timeout))
    merged = merge_stamps(drafts, overlays)
    leftover = [d.line for d in overlays if any(m is d for m in merged)]
    return [d.line for d in merged if not any(d is o for o in overlays)], table, leftover


def _with_header_reread(
    drafts: list[Draft], image: bytes, pno: int, dpi: int, read_dpi: int, options: IngestOptions
) -> tuple[list[Draft], Reread | None]:
    """The page's lines, its header block's read again enlarged (when a document starts on the page and its scan is
    below --ocr-dpi); and that second reading."""
    width, height = Image.open(io.BytesIO(image)).size
    region = header_region(drafts, width * 72.0 / dpi, height * 72.0 / dpi) if read_dpi > dpi else None
    if region is None:
        return drafts, None
    again = reread_region(
        image, region, pno, dpi, read_dpi, options.ocr_lang, seconds_left(options, options.ocr_timeout)
    )
    return put_in_place(drafts, region, again.drafts), again


def _settled(
    drafts: list[Draft], again: Reread | None, image: bytes, dpi: int, signed: tuple[str, ...], options: IngestOptions
) -> list[Draft]:
    """The drafts with their header blanks settled, each from the image it was read from."""
    timeout = seconds_left(options, options.ocr_timeout)
    if again is None:
        if not find_blanks(drafts, Image.open(io.BytesIO(image)).height * 72.0 / dpi):
            return drafts  # most pages: no blank to settle, and the page image is not decoded for it (30 ms a page)
        return settle_blanks(drafts, image, dpi, timeout, signed)
    fresh = {id(d) for d in again.drafts}
    mine = [d for d in drafts if id(d) in fresh]
    if find_blanks(mine):
        width, height = Image.open(io.BytesIO(image)).size
        page = again.on_page(width * 72.0 / dpi, height * 72.0 / dpi)
        mine = settle_blanks(mine, page, again.dpi, timeout, signed)
    settled = iter(mine)
    rest = iter(settle_blanks([d for d in drafts if id(d) not in fresh], image, dpi, timeout, signed))
    return [next(settled) if id(d) in fresh else next(rest) for d in drafts]


def _under_any(draft: Draft, overlays: list[Draft]) -> bool:
    """Whether an OCR line is the rendering of a box drawn over the scan (its centre inside one overlay line)."""
    box = draft.line.bbox
    if box is None:
        return False
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    for o in overlays:
        ob = o.line.bbox
        if ob and ob[0] - 2 <= cx <= ob[2] + 2 and ob[1] - 2 <= cy <= ob[3] + 2:
            return True
    return False

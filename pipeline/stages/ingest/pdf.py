"""PDF input: the text layer through PyMuPDF where it is the page's text, OCR through Tesseract elsewhere, ruled
tables from the page's drawings (tables.py) or its scanned grid (scan_tables.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

import pymupdf

from pipeline.errors import CorruptPdf, EncryptedPdf, NoText, TooLarge
from pipeline.records import Line, Table, WarningRecord
from pipeline.stages.ingest.layer import Draft, LayerText
from pipeline.stages.ingest.options import IngestOptions, check_deadline
from pipeline.stages.ingest.stamps import merge_stamps, might_hold_stamps
from pipeline.stages.ingest.tables import find_grids, inside_any, merge_continued, read_tables
from pipeline.stages.ingest.triage import Verdict, signature_boxes, triage

pymupdf.TOOLS.mupdf_display_errors(False)  # we report problems ourselves, per document
pymupdf.TOOLS.mupdf_display_warnings(False)
# What MuPDF raises on damaged input: PyMuPDF's own errors are RuntimeError/ValueError, its low-level ones FzErrorBase.
MUPDF_ERRORS = (RuntimeError, ValueError, pymupdf.mupdf.FzErrorBase)


def open_pdf(data: bytes, options: IngestOptions) -> pymupdf.Document:
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
        if doc.needs_pass:
            raise EncryptedPdf("is password-protected; decrypt it first (e.g. qpdf --decrypt --password=… in out)")
        pages = doc.page_count
    except MUPDF_ERRORS as e:
        raise CorruptPdf(f"cannot be opened as a PDF ({_reason(e)})") from e
    if pages == 0:
        raise CorruptPdf("has no pages")
    if pages > options.max_pages:
        raise TooLarge(f"has {pages} pages, more than --max-pages {options.max_pages}")
    return doc


def _reason(e: Exception) -> str:
    """MuPDF's message without its `code=7:` prefix."""
    return str(e).split(": ", 1)[-1] if str(e).startswith("code=") else str(e) or type(e).__name__


def native_dpi(page: pymupdf.Page) -> int | None:
    """The resolution of the image that covers the page (a scan), in dots per inch; None when none covers it.
    Measured by area, so a scan placed rotated reads the same."""
    best = 0.0
    for info in page.get_image_info():
        x0, y0, x1, y1 = info["bbox"]
        if (x1 - x0) < page.rect.width * 0.8 or (y1 - y0) < page.rect.height * 0.8:
            continue
        inches = (x1 - x0) * (y1 - y0) / 72.0**2
        best = max(best, (int(info["width"]) * int(info["height"]) / inches) ** 0.5)
    return round(best) if best else None


def iter_pages(doc: pymupdf.Document) -> Iterator[tuple[int, pymupdf.Page]]:
    for index in range(doc.page_count):
        try:
            page = doc.load_page(index)
        except MUPDF_ERRORS as e:
            raise CorruptPdf(f"page {index + 1} cannot be read ({_reason(e)})") from e
        yield index + 1, page


@dataclass
class PdfReading:
    """What read_pdf returns: the lines and tables, and how each page was read."""

    lines: list[Line]
    tables: list[Table]
    sizes: list[tuple[float, float]]
    warnings: list[WarningRecord]
    ocr_reasons: list[tuple[int, str]] = field(default_factory=list)
    overlays: list[Line] = field(default_factory=list)

    @property
    def ocr_pages(self) -> list[int]:
        return [pno for pno, _ in self.ocr_reasons]


@dataclass
class _OcrJob:
    future: Future[tuple[list[Line], Table | None, list[Line]]]


@dataclass
class _Page:
    """What one page gave: its lines, the tables of its text layer, the text drawn over it."""

    lines: list[Line] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    overlays: list[Line] = field(default_factory=list)


def read_pdf(data: bytes, options: IngestOptions) -> PdfReading:
    """Read every page: the text layer where it is the page's text, OCR elsewhere (per --ocr, see triage.py);
    tables from the text layer and from scanned pages."""
    doc = open_pdf(data, options)
    pages: dict[int, _Page] = {}
    reading = PdfReading([], [], [], [])
    jobs: dict[int, _OcrJob] = {}
    with doc, ThreadPoolExecutor(max_workers=options.ocr_jobs) as pool:
        for pno, page in iter_pages(doc):
            _before_page(page, pno, doc.page_count, options)
            check_deadline(options)
            reading.sizes.append((round(page.rect.width, 1), round(page.rect.height, 1)))
            try:
                layer = LayerText(page, pno)
                drafts = layer.drafts()
                verdict = _verdict(page, drafts, options)
                if verdict.reason is None:
                    pages[pno] = _layer_page(page, layer, verdict)
                elif drafts or page.get_images() or page.get_drawings():  # else a blank page: nothing to read
                    from pipeline.stages.ingest import scanned  # here: a text-layer PDF never loads OCR's modules
                    from pipeline.stages.ingest.ocr import check_language

                    if not jobs:
                        check_language(options.ocr_lang)
                    check_images(page, pno, options)
                    scan = scanned.page_image(page, options)
                    # Tesseract runs as a process, so threads give real parallelism; rendering stays on this thread
                    future = pool.submit(scanned.ocr_scanned_page, scan, pno, verdict.overlays, options)
                    jobs[pno] = _OcrJob(future)
                    reading.ocr_reasons.append((pno, verdict.reason))
                    reading.warnings += _ocr_warning(pno, verdict)
                    _wait_if_busy(jobs, options.ocr_jobs * 2)
            except MUPDF_ERRORS as e:
                raise CorruptPdf(f"page {pno} cannot be read ({_reason(e)})") from e
        for pno, job in jobs.items():
            page_lines, table, leftover = job.future.result()
            pages[pno] = _Page(page_lines, [table] if table else [], leftover)
        reading.warnings += active_content(doc)
    _gather(reading, [pages[pno] for pno in sorted(pages)], options)
    return reading


def _layer_page(page: pymupdf.Page, layer: LayerText, verdict: Verdict) -> _Page:
    """A page read from its text layer: stamps put back in their lines, e-signature boxes kept apart, tables."""
    grids = find_grids(page)
    body = verdict.lines
    if grids or might_hold_stamps(body):  # read again, with each character's place
        body = verdict.body(layer.drafts(chars=True))
    kept, boxes = signature_boxes(page, merge_stamps(body))
    return _Page([d.line for d in kept], read_tables(layer.pno, grids, kept), [d.line for d in boxes])


def _gather(reading: PdfReading, pages: list[_Page], options: IngestOptions) -> None:
    """The pages' lines, tables (a table's text is not also lines; a table that runs on is one) and overlays."""
    lines = [line for page in pages for line in page.lines]
    tables = sorted((t for page in pages for t in page.tables), key=lambda t: t.page)
    if tables:
        lines = [ln for ln in lines if not inside_any(ln, tables)]
        tables = merge_continued(tables)  # a table that runs on to the next page is one table, scanned or not
    if not any(ln.text.strip() for ln in lines) and not tables:
        raise NoText(_no_text(options))
    reading.lines, reading.tables = lines, tables
    reading.overlays = [o for page in pages for o in page.overlays]


def _verdict(page: pymupdf.Page, drafts: list[Draft], options: IngestOptions) -> Verdict:
    if options.ocr == "never":
        return Verdict(None, "", drafts)
    verdict = triage(page, drafts, options.min_text_chars)
    if options.ocr == "always":
        return Verdict("ocr_always", "--ocr always", [], verdict.overlays)
    return verdict


def _ocr_warning(pno: int, verdict: Verdict) -> list[WarningRecord]:
    if verdict.reason == "text_layer_unusable":
        message = f"page {pno}: the text layer is {verdict.detail}; read by OCR"
        return [WarningRecord("text_layer_unusable", message, pno)]
    if verdict.reason == "overlay_only":
        return [
            WarningRecord(
                "text_layer_overlay_only",
                f"page {pno}: its only text is a box drawn over the scanned page (an e-signature or copy line), "
                "kept apart; the page was read by OCR",
                pno,
            )
        ]
    return []


def _no_text(options: IngestOptions) -> str:
    if options.ocr == "never":
        return "has no readable text layer, and --ocr never turned OCR off (try --ocr auto)"
    return "has no readable text: no text layer, and OCR found none"


def _before_page(page: pymupdf.Page, pno: int, pages: int, options: IngestOptions) -> None:
    """Before a page is read: report it to whoever follows progress, and refuse an inline-image bomb."""
    if options.progress is not None:
        options.progress(pno, pages)
    try:
        check_inline_images(page, pno, options)
    except MUPDF_ERRORS as e:
        raise CorruptPdf(f"page {pno} cannot be read ({_reason(e)})") from e


def check_images(page: pymupdf.Page, pno: int, options: IngestOptions) -> None:
    """Refuse a page holding an image larger than --max-pixels before anything decodes it: a few kilobytes of
    compressed stream can unpack to gigabytes (a decompression bomb). The sizes come from the image dictionaries;
    inline images (`BI … ID … EI`) were checked before the page was read (check_inline_images)."""
    for image in page.get_images(full=True):
        _check_size(int(image[2]), int(image[3]), pno, options)


def check_inline_images(page: pymupdf.Page, pno: int, options: IngestOptions) -> None:
    """Refuse a page whose drawn streams (contents, forms, tiling patterns, Type3 glyphs) hold an inline image
    (`BI … ID … EI`) larger than --max-pixels. MuPDF decodes an inline image whenever it runs its stream, even to
    read the text, so this runs before anything reads a page; images of the page's resources are decoded only
    when the page is rendered (check_images)."""
    from pipeline.stages.ingest.images import page_inline_sizes  # here: keeps this module's imports as they were

    for width, height in page_inline_sizes(page):
        _check_size(width, height, pno, options)


def _check_size(width: int, height: int, pno: int, options: IngestOptions) -> None:
    if width * height > options.max_pixels:
        raise TooLarge(
            f"page {pno} holds an image of {width:,} x {height:,} pixels, more than --max-pixels {options.max_pixels:,}"
        )


MAX_XREFS_SCANNED = 200_000
_JAVASCRIPT = re.compile(r"/S\s*/JavaScript\b|/JS\s*[(<\d]")


def active_content(doc: pymupdf.Document) -> list[WarningRecord]:
    """Warnings for JavaScript and embedded files: vnplan never runs or opens them, but a reviewer should know."""
    warnings = []
    files = doc.embfile_count()
    if files:
        warnings.append(
            WarningRecord("embedded_files_ignored", f"the PDF carries {files} embedded file(s); not opened")
        )
    for xref in range(1, min(doc.xref_length(), MAX_XREFS_SCANNED)):
        try:
            source = doc.xref_object(xref, compressed=True)
        except MUPDF_ERRORS:
            continue  # a broken object: nothing can run from it either
        if _JAVASCRIPT.search(source):  # an action dict, nested or not
            warnings.append(WarningRecord("javascript_ignored", "the PDF contains JavaScript; it was not run"))
            break
    return warnings


def _wait_if_busy(jobs: dict[int, _OcrJob], limit: int) -> None:
    """Keep at most `limit` rendered pages waiting for OCR, so memory stays flat on long scans."""
    pending = [j.future for j in jobs.values() if not j.future.done()]
    if len(pending) >= limit:
        wait(pending, return_when=FIRST_COMPLETED)

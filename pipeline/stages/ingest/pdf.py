"""PDF input: the text layer through PyMuPDF, pages without one through Tesseract, ruled tables through pdfplumber."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

import pymupdf

from pipeline.errors import CorruptPdf, EncryptedPdf, NoText, TooLarge
from pipeline.records import Line, Table, WarningRecord
from pipeline.stages.ingest.ocr import check_language, ocr_page
from pipeline.stages.ingest.options import IngestOptions, check_deadline, seconds_left
from pipeline.stages.ingest.scan_tables import read_scan_table
from pipeline.stages.ingest.tables import find_tables, inside_any, merge_continued

# PyMuPDF span flags
_ITALIC = 2
_BOLD = 16

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


def _span_text(line: dict[str, Any]) -> str:
    return "".join(span["text"] for span in line["spans"])


def text_layer_lines(page: pymupdf.Page, pno: int) -> list[Line]:
    """Lines of a page's text layer, NFC, with box, font size and weight."""
    out: list[Line] = []
    data = page.get_text("dict", sort=True, flags=pymupdf.TEXTFLAGS_TEXT & ~pymupdf.TEXT_PRESERVE_IMAGES)
    for block in data["blocks"]:
        for line in block.get("lines", []):
            text = unicodedata.normalize("NFC", _span_text(line)).strip()
            if not text:
                continue
            spans = [s for s in line["spans"] if s["text"].strip()]
            weight = sum(len(s["text"]) for s in spans) or 1
            bold = sum(len(s["text"]) for s in spans if s["flags"] & _BOLD or "Bold" in s["font"]) / weight > 0.6
            italic = sum(len(s["text"]) for s in spans if s["flags"] & _ITALIC or "Italic" in s["font"]) / weight > 0.6
            size = max((s["size"] for s in spans), default=0.0)
            x0, y0, x1, y1 = line["bbox"]
            out.append(
                Line(
                    page=pno,
                    text=text,
                    bbox=(round(x0, 1), round(y0, 1), round(x1, 1), round(y1, 1)),
                    size=round(size, 1),
                    bold=bold,
                    italic=italic,
                    block=block["number"],
                )
            )
    return out


def has_usable_text(lines: list[Line], options: IngestOptions) -> bool:
    letters = sum(ch.isalpha() for line in lines for ch in line.text)
    bad = sum(ch == "\ufffd" for line in lines for ch in line.text)
    return letters >= options.min_text_chars and bad < letters * 0.05


def native_dpi(page: pymupdf.Page) -> int | None:
    """The resolution of a scanned page's image, when one image covers the page (a scan)."""
    infos = page.get_image_info()
    if len(infos) != 1:
        return None
    x0, y0, x1, y1 = infos[0]["bbox"]
    if (x1 - x0) < page.rect.width * 0.8 or (y1 - y0) < page.rect.height * 0.8:
        return None
    width, span = int(infos[0]["width"]), float(x1 - x0)
    return round(width / (span / 72.0))


def render_page(page: pymupdf.Page, options: IngestOptions) -> tuple[bytes, int]:
    """The page as a greyscale image for OCR (PGM: no compression to pay for on the way to Tesseract, which took
    0.64 s a page as PNG against 0.01 s), at --ocr-dpi or the scan's own resolution if higher (up to 400 dpi),
    never above --max-pixels. Tesseract reads best from about 300 dpi: a 200-dpi scan rendered at 300 lost fewer
    words on the samples (WER 4.0% against 4.3%)."""
    native = native_dpi(page)
    dpi = max(options.ocr_dpi, min(native, 400)) if native else options.ocr_dpi
    w, h = page.rect.width / 72.0, page.rect.height / 72.0
    if w * h * dpi * dpi > options.max_pixels:
        dpi = int((options.max_pixels / (w * h)) ** 0.5)
        if dpi < 72:
            raise TooLarge(f"page {page.number + 1} is too large to OCR within --max-pixels {options.max_pixels}")
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
    return pix.tobytes("pnm"), dpi


def iter_pages(doc: pymupdf.Document) -> Iterator[tuple[int, pymupdf.Page]]:
    for index in range(doc.page_count):
        try:
            page = doc.load_page(index)
        except MUPDF_ERRORS as e:
            raise CorruptPdf(f"page {index + 1} cannot be read ({_reason(e)})") from e
        yield index + 1, page


def read_pdf(
    data: bytes, options: IngestOptions
) -> tuple[list[Line], list[Table], list[int], list[tuple[float, float]], list[WarningRecord], int]:
    """Read every page: text layer where usable, OCR elsewhere (per --ocr); tables from the text layer."""
    doc = open_pdf(data, options)
    by_page: dict[int, list[Line]] = {}
    sizes: list[tuple[float, float]] = []
    layer_pages: list[int] = []
    ocr_jobs: dict[int, Future[tuple[list[Line], Table | None]]] = {}
    with doc, ThreadPoolExecutor(max_workers=options.ocr_jobs) as pool:
        for pno, page in iter_pages(doc):
            _before_page(page, pno, doc.page_count, options)
            check_deadline(options)
            sizes.append((round(page.rect.width, 1), round(page.rect.height, 1)))
            try:
                page_lines = text_layer_lines(page, pno) if options.ocr != "always" else []
                if options.ocr == "always" or (options.ocr == "auto" and not has_usable_text(page_lines, options)):
                    if not page.get_images() and not page.get_drawings() and not page_lines:
                        continue  # a blank page: nothing to read, nothing to OCR
                    if not ocr_jobs:
                        check_language(options.ocr_lang)
                    check_images(page, pno, options)
                    image, dpi = render_page(page, options)
                    # Tesseract runs as a process, so threads give real parallelism; rendering stays on this thread.
                    ocr_jobs[pno] = pool.submit(ocr_scanned_page, image, pno, dpi, options)
                    _wait_if_busy(ocr_jobs, options.ocr_jobs * 2)
                else:
                    if is_ruled(page):
                        layer_pages.append(pno)
                    by_page[pno] = page_lines
            except MUPDF_ERRORS as e:
                raise CorruptPdf(f"page {pno} cannot be read ({_reason(e)})") from e
        scan_tables: list[Table] = []
        for pno, job in ocr_jobs.items():
            by_page[pno], table = job.result()
            scan_tables += [table] if table else []
        warnings = active_content(doc)
    lines = [line for pno in sorted(by_page) for line in by_page[pno]]
    layer_tables, trouble = find_tables(data, layer_pages) if layer_pages else ([], None)
    warnings += [trouble] if trouble else []
    tables = sorted(layer_tables + scan_tables, key=lambda t: t.page)
    if tables:
        lines = [ln for ln in lines if not inside_any(ln, tables)]
        tables = merge_continued(tables)  # a table that runs on to the next page is one table, scanned or not
    if not any(ln.text.strip() for ln in lines) and not tables:
        raise NoText(_no_text(options))
    return lines, tables, sorted(ocr_jobs), sizes, warnings, len(sizes)


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


def is_ruled(page: pymupdf.Page) -> bool:
    """Whether a page has enough drawn lines to hold a ruled table. PyMuPDF answers in microseconds; pdfplumber's
    own check parses the whole page (about 70 ms), so only ruled pages are handed to it."""
    rules = 0
    for drawing in page.get_drawings():
        rules += sum(1 for item in drawing["items"] if item[0] in ("l", "re"))
        if rules >= 6:
            return True
    return False


def ocr_scanned_page(image: bytes, pno: int, dpi: int, options: IngestOptions) -> tuple[list[Line], Table | None]:
    """A scanned page: its lines by OCR, and its ruled table read cell by cell (see scan_tables.py)."""
    table, rest = read_scan_table(image, pno, dpi, options.ocr_lang, seconds_left(options, options.ocr_timeout))
    return ocr_page(rest, pno, dpi, options.ocr_lang, seconds_left(options, options.ocr_timeout)), table


def _wait_if_busy(jobs: dict[int, Future[tuple[list[Line], Table | None]]], limit: int) -> None:
    """Keep at most `limit` rendered pages waiting for OCR, so memory stays flat on long scans."""
    pending = [j for j in jobs.values() if not j.done()]
    if len(pending) >= limit:
        wait(pending, return_when=FIRST_COMPLETED)

"""The pages of a PDF as inline JPEG images for the review page, within a pixel budget.

Rendering costs memory in proportion to pixels: a page 150 inches square at 110 dpi is 272 million pixels (2.5 GB
on the way to a JPEG). So every page is drawn within PAGE_PIXELS, and the document within DOCUMENT_PIXELS (long
documents at a lower resolution, which also keeps the HTML file near a fixed size). Images are checked against
--max-pixels before MuPDF decodes any (see `ingest/images.py`).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

import pymupdf

from pipeline.errors import CorruptPdf, NotFound, TooLarge
from pipeline.stages.ingest.images import check_images
from pipeline.stages.ingest.pdf import MUPDF_ERRORS

PAGE_DPI = 110  # readable at a glance, small: six A4 pages come to well under 1 MB
PAGE_PIXELS = 4_000_000  # one page: A3 at 110 dpi is 2.3 million
DOCUMENT_PIXELS = 40_000_000  # all pages: 34 A4 pages at 110 dpi; a 100-page scan comes out near 64 dpi
MAX_PIXELS = 40_000_000  # an embedded image, as `vnplan extract --max-pixels`
JPEG_QUALITY = 60


@dataclass(frozen=True)
class PageImage:
    width: float  # PDF points
    height: float
    data_uri: str


def zooms(sizes: list[tuple[float, float]], dpi: float = PAGE_DPI) -> list[float]:
    """The scale (pixels per point) of each page: `dpi`, lowered for a page above PAGE_PIXELS, then for all pages
    alike while the document is above DOCUMENT_PIXELS."""
    wanted = [min(dpi / 72, (PAGE_PIXELS / max(w * h, 1.0)) ** 0.5) for w, h in sizes]
    total = sum(w * h * z * z for (w, h), z in zip(sizes, wanted, strict=True))
    factor = min(1.0, (DOCUMENT_PIXELS / total) ** 0.5) if total else 1.0
    return [z * factor for z in wanted]


def page_images(path: Path, dpi: float = PAGE_DPI, max_pixels: int = MAX_PIXELS) -> list[PageImage]:
    """Every page of a PDF as an inline JPEG, within the pixel budget; TooLarge for an image above `max_pixels`."""
    if not path.is_file():
        raise NotFound("the source document is not there; give it with --source", path=str(path))
    try:
        with pymupdf.open(path) as doc:
            check_images(doc, max_pixels)
            pages = list(doc.pages())
            sizes = [(p.rect.width, p.rect.height) for p in pages]
            return [_image(p, z) for p, z in zip(pages, zooms(sizes, dpi), strict=True)]
    except TooLarge as e:
        raise TooLarge(e.message, path=str(path)) from e
    except MUPDF_ERRORS as e:
        raise CorruptPdf(f"cannot be drawn ({e})", path=str(path)) from e


def _image(page: pymupdf.Page, zoom: float) -> PageImage:
    pixmap = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom))
    jpeg = pixmap.tobytes("jpeg", jpg_quality=JPEG_QUALITY)
    uri = "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")
    return PageImage(page.rect.width, page.rect.height, uri)

"""Options of the ingest stage, validated where they are made."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from pipeline.errors import Timeout

COLOUR_MODES = ("grey", "red", "max")
"""How a colour page turns grey for OCR (ink.py): luminance, the red channel (drops red seals), the brightest one."""

OcrMode = Literal["auto", "always", "never"]


@dataclass(frozen=True)
class IngestOptions:
    """How to read a document, and the limits that keep one bad file from taking the machine."""

    ocr: OcrMode = "auto"  # auto: OCR only pages without a usable text layer
    ocr_lang: str = "vie"
    # pages drawn in vectors are rendered at ocr_dpi for OCR; a scan at its own resolution, never above ocr_dpi, and
    # its header block read again at that resolution raised by at most ocr_upscale (see pdf.header_dpi, regions.py)
    ocr_dpi: int = 300
    ocr_upscale: float = 1.5
    ocr_colour: str = "red"  # how a colour page turns grey for OCR: grey, red or max (see ink.py)
    min_text_chars: int = 40  # fewer letters than this on a page means "no usable text layer"
    max_pages: int = 1000
    max_bytes: int = 200 * 1024 * 1024
    max_pixels: int = 40_000_000  # per rendered page, for OCR
    ocr_timeout: float = 120.0  # seconds per page
    ocr_jobs: int = field(default_factory=lambda: os.cpu_count() or 1)  # Tesseract processes at once
    # time.monotonic() by which the document must be done (set by `vnplan batch --timeout`); checked between pages
    # and stages, and it caps every Tesseract call, so it holds in threads where no signal can be used.
    deadline: float | None = None
    # Called with (page number, page count) as each page of a PDF starts to be read; set by the tool that runs the
    # stages (the command line's and the batch's progress), so a stage reports progress without knowing to whom.
    progress: Callable[[int, int], None] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.ocr not in ("auto", "always", "never"):
            raise ValueError(f"ocr must be auto, always or never, not {self.ocr!r}")
        for name in ("ocr_dpi", "ocr_upscale", "max_pages", "max_bytes", "max_pixels", "ocr_jobs"):
            if getattr(self, name) <= 0:
                raise ValueError(f"ingest option {name!r} must be positive")
        if not 72 <= self.ocr_dpi <= 600:
            raise ValueError(f"ocr_dpi must be between 72 and 600, not {self.ocr_dpi}")
        if self.ocr_colour not in COLOUR_MODES:
            raise ValueError(f"ocr_colour must be one of {', '.join(COLOUR_MODES)}, not {self.ocr_colour!r}")
        if not 1 <= self.ocr_upscale <= 4:
            raise ValueError(f"ocr_upscale must be between 1 and 4, not {self.ocr_upscale}")


def seconds_left(options: IngestOptions, cap: float) -> float:
    """The time one step may take: `cap`, or less when the document's deadline is nearer. Raises Timeout if past."""
    if options.deadline is None:
        return cap
    left = options.deadline - time.monotonic()
    if left <= 0:
        raise Timeout("took longer than --timeout")
    return min(cap, left)


def check_deadline(options: IngestOptions) -> None:
    """Raise Timeout once the document's deadline has passed."""
    seconds_left(options, 0.0)

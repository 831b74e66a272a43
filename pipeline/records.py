"""Plain records passed between the stages: what ingest reads, what normalize repairs, what structure finds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BBox = tuple[float, float, float, float]
"""x0, y0, x1, y1 in PDF points, origin top-left (as PyMuPDF reports them)."""

InputKind = Literal["pdf", "text", "docx", "doc"]


@dataclass(frozen=True)
class Line:
    """One visual line of the source: raw text as read, with where it stands on its page."""

    page: int  # 1-based
    text: str  # NFC, otherwise as read
    bbox: BBox | None = None  # None for plain-text input
    size: float = 0.0  # font size in points (0 when unknown, e.g. OCR or text)
    bold: bool = False
    italic: bool = False
    ocr: bool = False
    confidence: float | None = None  # mean Tesseract word confidence in [0, 1]
    block: int = 0  # layout block id on its page; lines of one paragraph share it
    # OCR only: each whitespace-separated word's confidence in [0, 1], in order (a header reader can refuse a number
    # whose digits were read with low confidence); empty for a text layer, whose words are what the PDF says
    word_confidences: tuple[float, ...] = ()


@dataclass(frozen=True)
class Cell:
    text: str  # corrected once normalize has run; as read before
    bbox: BBox | None = None
    raw: str | None = None  # as read, when normalize changed it
    fixes: tuple[Fix, ...] = ()


@dataclass(frozen=True)
class Table:
    """A ruled table: rows of cells, as the PDF or the text lays them out."""

    page: int
    rows: tuple[tuple[Cell, ...], ...]
    bbox: BBox | None = None
    pages: tuple[int, ...] = ()  # every page the table covers, when it continues across pages


@dataclass(frozen=True)
class RawDocument:
    """What ingest returns: every page's lines (tables' lines excluded) and the tables."""

    path: str
    sha256: str
    input_kind: InputKind
    pages: int
    lines: tuple[Line, ...]
    tables: tuple[Table, ...] = ()
    ocr_pages: tuple[int, ...] = ()
    page_sizes: tuple[tuple[float, float], ...] = ()
    warnings: tuple[WarningRecord, ...] = ()
    # why each OCR'd page was OCR'd: (page, reason), reason one of OCR_REASONS
    ocr_reasons: tuple[tuple[int, str], ...] = ()
    # text drawn over the document, not part of it: e-signature boxes ("Ký bởi: … Thời gian ký: …"), "SAO Y" copy
    # lines, the Official Gazette's stamp. Metadata of the copy; never among `lines`, so never read as the header.
    overlays: tuple[Line, ...] = ()


OCR_REASONS = ("no_text_layer", "overlay_only", "text_layer_unusable", "ocr_always")
"""Why a page was OCR'd: no text at all; text only in a small box over a scanned image (an e-signature); a text
layer that is not the page's text (an invisible OCR layer of mangled letters, fonts without a Unicode map, glyphs
drawn as outlines); or `--ocr always`."""


@dataclass(frozen=True)
class WarningRecord:
    """A non-fatal problem worth telling the user (`code` is stable, `message` is for people)."""

    code: str
    message: str
    page: int | None = None  # the page it concerns, when it concerns one


@dataclass(frozen=True)
class Fix:
    """One change made to the raw text, in the raw text's coordinates of its paragraph."""

    start: int
    end: int
    original: str
    corrected: str
    rule: str


@dataclass
class Paragraph:
    """Lines that read as one unit (a heading, a list item, a sentence run), raw and corrected."""

    lines: list[Line]
    raw: str
    text: str = ""
    fixes: list[Fix] = field(default_factory=list)
    # offsets[i] = index in `raw` of text[i]; len(offsets) == len(text) + 1
    offsets: list[int] = field(default_factory=list)

    @property
    def page(self) -> int:
        return self.lines[0].page if self.lines else 0

    @property
    def bold(self) -> bool:
        return bool(self.lines) and all(line.bold for line in self.lines)

    @property
    def italic(self) -> bool:
        return bool(self.lines) and all(line.italic for line in self.lines)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the corrected text back to the raw text."""
        if not self.offsets:
            return start, end
        start = max(0, min(start, len(self.offsets) - 1))
        end = max(start, min(end, len(self.offsets) - 1))
        raw_end = self.offsets[end - 1] + 1 if end > start else self.offsets[start]
        return self.offsets[start], max(raw_end, self.offsets[start])

    def bbox_of(self, start: int = 0, end: int | None = None) -> BBox | None:
        """The union of the boxes of the lines that a span of the raw text touches."""
        end = len(self.raw) if end is None else end
        boxes: list[BBox] = []
        pos = 0
        for line in self.lines:
            line_end = pos + len(line.text)
            if line.bbox is not None and line_end >= start and pos <= end and line.page == self.page:
                boxes.append(line.bbox)
            pos = line_end + 1  # lines are joined by one space
        if not boxes:
            return None
        return (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )


@dataclass(frozen=True)
class Document:
    """What normalize returns: the paragraphs in reading order, corrected, with their fixes."""

    raw: RawDocument
    paragraphs: tuple[Paragraph, ...]
    tables: tuple[Table, ...] = ()

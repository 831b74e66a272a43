"""Ruled tables of text-layer pages, through pdfplumber (exact on ruled grids, about 3 ms a page)."""

from __future__ import annotations

import io
import logging
import unicodedata

import pdfplumber

from pipeline.records import BBox, Cell, Line, Table, WarningRecord

# pdfminer logs a warning for every oddity of a damaged file (`Could not get FontBBox…`, `Invalid MediaBox…`), and
# with no logging set up Python prints them on the console. vnplan reports damage itself, once per document.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines", "snap_tolerance": 3}


def _clean(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def find_tables(data: bytes, pages: list[int]) -> tuple[list[Table], WarningRecord | None]:
    """Tables with at least two rows and two columns on the given (ruled) pages, one per page region.

    pdfminer, under pdfplumber, is stricter than MuPDF: a damaged file that MuPDF repairs can make it fail in many
    ways (or see fewer pages). The text is already read by then, so its tables are left as lines, with a warning.
    """
    found: list[Table] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for pno in pages:
                if pno > len(pdf.pages):
                    raise IndexError(f"pdfminer sees {len(pdf.pages)} pages, not {pno}")
                page = pdf.pages[pno - 1]
                for t in page.find_tables(_SETTINGS):
                    texts = t.extract()  # one pass over the page's characters, not one crop per cell
                    rows = [
                        tuple(Cell(_clean(text), _bbox(box)) for text, box in zip(row_texts, row.cells, strict=False))
                        for row_texts, row in zip(texts, t.rows, strict=False)
                    ]
                    if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
                        found.append(Table(page=pno, rows=tuple(rows), bbox=_bbox(t.bbox), pages=(pno,)))
    except Exception as e:  # PdfminerException and whatever else a parser of untrusted input throws
        reason = f"{type(e).__name__}: {e}"[:200]
        return [], WarningRecord("tables_unreadable", f"ruled tables could not be read ({reason}); kept as text")
    return found, None


def _bbox(box: tuple[float, float, float, float] | None) -> BBox | None:
    if box is None:
        return None
    return (round(box[0], 1), round(box[1], 1), round(box[2], 1), round(box[3], 1))


def merge_continued(tables: list[Table]) -> list[Table]:
    """Join a table to the previous one when it starts the next page with the same number of columns."""
    out: list[Table] = []
    for t in tables:
        prev = out[-1] if out else None
        if prev and t.page == prev.pages[-1] + 1 and len(t.rows[0]) == len(prev.rows[0]):
            rows = t.rows[1:] if _cells(t.rows[0]) == _cells(prev.rows[0]) else t.rows  # repeated heading
            out[-1] = Table(prev.page, prev.rows + rows, prev.bbox, (*prev.pages, t.page))
        else:
            out.append(t)
    return out


def _cells(row: tuple[Cell, ...]) -> list[str]:
    return [c.text for c in row]


def inside_any(line: Line, tables: list[Table]) -> bool:
    """Whether a line's centre lies inside a table on its page (such lines belong to the table, not the text)."""
    if line.bbox is None:
        return False
    cx = (line.bbox[0] + line.bbox[2]) / 2
    cy = (line.bbox[1] + line.bbox[3]) / 2
    for t in tables:
        if t.bbox and t.page == line.page:
            x0, y0, x1, y1 = t.bbox
            if x0 <= cx <= x1 and y0 <= cy <= y1:
                return True
    return False

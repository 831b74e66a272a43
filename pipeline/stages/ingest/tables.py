"""Ruled tables of text-layer pages: the grid from PyMuPDF's drawings, the cells' text from the page's characters.

The method is pdfplumber's `lines` strategy (edges snapped and joined within 3 pt, cells between connected
intersections, tables of cells that share corners, rows and columns by the cells' left and top edges), on what
PyMuPDF has already read: the page's drawings (about 1 ms) and the characters of its text layer. pdfplumber itself
parses every page again with pdfminer (70 ms to 3 s a page), and real pages have rules almost everywhere (header
underlines, footnote rules, borders); this finds the same tables at a small share of the cost, reading each once.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass
from typing import Any

import pymupdf

from pipeline.records import BBox, Cell, Line, Table
from pipeline.stages.ingest.layer import Draft

TOLERANCE = 3.0  # points: edges this close are one; an edge this near a crossing reaches it
MIN_EDGE = 3.0  # shorter strokes are not rules


@dataclass
class _Edge:
    at: float  # y of a horizontal edge, x of a vertical one
    start: float
    end: float


Point = tuple[float, float]


def find_grids(page: pymupdf.Page) -> list[list[BBox]]:
    """The cells of each ruled grid on the page (a table of at least two cells), top to bottom."""
    horizontal, vertical = _edges(page.get_cdrawings())
    if len(horizontal) < 2 or len(vertical) < 2:
        return []
    grids = _cells_to_tables(_intersections_to_cells(_intersections(horizontal, vertical)))
    # two rows and two columns at least: boxes stacked in one column (shaded paragraphs, frames) are not tables
    return [g for g in grids if len({c[0] for c in g}) >= 2 and len({c[1] for c in g}) >= 2]


def read_tables(pno: int, grids: list[list[BBox]], drafts: list[Draft]) -> list[Table]:
    """The grids as tables with at least two rows and two columns, each cell's text from the drafts' characters."""
    tables = []
    for cells in grids:
        rows = _rows(cells)
        table_rows = tuple(
            tuple(Cell(_cell_text(box, drafts) if box else "", _round(box) if box else None) for box in row)
            for row in rows
        )
        if len(table_rows) >= 2 and max(len(r) for r in table_rows) >= 2:
            bbox = (
                min(c[0] for c in cells),
                min(c[1] for c in cells),
                max(c[2] for c in cells),
                max(c[3] for c in cells),
            )
            tables.append(Table(page=pno, rows=table_rows, bbox=_round(bbox), pages=(pno,)))
    return tables


def _edges(drawings: list[dict[str, Any]]) -> tuple[list[_Edge], list[_Edge]]:
    """Horizontal and vertical edges of every line and rectangle drawn, snapped and joined."""
    horizontal: list[_Edge] = []
    vertical: list[_Edge] = []
    for path in drawings:
        for item in path["items"]:
            for (x0, y0), (x1, y1) in _segments(item):
                if abs(y0 - y1) < 1:
                    horizontal.append(_Edge((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
                elif abs(x0 - x1) < 1:
                    vertical.append(_Edge((x0 + x1) / 2, min(y0, y1), max(y0, y1)))
    return _tidy(horizontal), _tidy(vertical)


def _segments(item: tuple[Any, ...]) -> Iterable[tuple[Point, Point]]:
    """The straight segments of one drawing item (PyMuPDF's `get_cdrawings` form: plain tuples)."""
    kind = item[0]
    if kind == "l":
        yield tuple(item[1]), tuple(item[2])
    elif kind == "re":
        x0, y0, x1, y1 = item[1]
        yield from (((x0, y0), (x1, y0)), ((x0, y1), (x1, y1)), ((x0, y0), (x0, y1)), ((x1, y0), (x1, y1)))
    elif kind == "qu":
        ul, ur, ll, lr = (tuple(p) for p in item[1])  # a quad's corners in PyMuPDF's order
        yield from itertools.pairwise([ul, ur, lr, ll, ul])


def _tidy(edges: list[_Edge]) -> list[_Edge]:
    """Snap edges within TOLERANCE of each other to their mean position, join collinear ones whose gap is within
    TOLERANCE, and drop those shorter than MIN_EDGE."""
    edges = sorted(edges, key=lambda e: e.at)
    clusters: list[list[_Edge]] = []
    for edge in edges:
        if clusters and edge.at - clusters[-1][-1].at <= TOLERANCE:
            clusters[-1].append(edge)
        else:
            clusters.append([edge])
    out: list[_Edge] = []
    for cluster in clusters:
        at = sum(e.at for e in cluster) / len(cluster)
        joined: list[_Edge] = []
        for edge in sorted(cluster, key=lambda e: e.start):
            if joined and edge.start <= joined[-1].end + TOLERANCE:
                joined[-1].end = max(joined[-1].end, edge.end)
            else:
                joined.append(_Edge(at, edge.start, edge.end))
        out += [e for e in joined if e.end - e.start >= MIN_EDGE]
    return out


def _intersections(horizontal: list[_Edge], vertical: list[_Edge]) -> dict[Point, tuple[set[int], set[int]]]:
    """Each crossing point, with the horizontal and vertical edges (by index) that meet there."""
    points: dict[Point, tuple[set[int], set[int]]] = {}
    for vi, v in enumerate(vertical):
        for hi, h in enumerate(horizontal):
            if v.start - TOLERANCE <= h.at <= v.end + TOLERANCE and h.start - TOLERANCE <= v.at <= h.end + TOLERANCE:
                hs, vs = points.setdefault((v.at, h.at), (set(), set()))
                hs.add(hi)
                vs.add(vi)
    return points


def _intersections_to_cells(points: dict[Point, tuple[set[int], set[int]]]) -> list[BBox]:
    """The smallest rectangle each crossing is the top-left corner of, all four sides drawn."""

    def connects(p: Point, q: Point) -> bool:
        if p[0] == q[0] and points[p][1] & points[q][1]:
            return True
        return p[1] == q[1] and bool(points[p][0] & points[q][0])

    ordered = sorted(points)
    by_x: dict[float, list[Point]] = {}
    by_y: dict[float, list[Point]] = {}
    for p in ordered:
        by_x.setdefault(p[0], []).append(p)
        by_y.setdefault(p[1], []).append(p)
    cells: list[BBox] = []
    for p in ordered:
        below = [q for q in by_x[p[0]] if q > p]
        right = [q for q in by_y[p[1]] if q > p]
        cell = _smallest(p, below, right, points, connects)
        if cell:
            cells.append(cell)
    return cells


def _smallest(
    p: Point, below: list[Point], right: list[Point], points: Container[Point], join: Callable[[Point, Point], bool]
) -> BBox | None:
    for b in below:
        if not join(p, b):
            continue
        for r in right:
            if not join(p, r):
                continue
            corner = (r[0], b[1])
            if corner in points and join(corner, r) and join(corner, b):
                return (p[0], p[1], corner[0], corner[1])
    return None


def _cells_to_tables(cells: list[BBox]) -> list[list[BBox]]:
    """Cells grouped into tables: cells that share a corner with the group join it; groups of one cell are not
    tables. Top to bottom, then left to right."""
    remaining = list(cells)
    tables: list[list[BBox]] = []
    while remaining:
        group = [remaining.pop(0)]
        corners = set(_corners(group[0]))
        grew = True
        while grew:
            grew = False
            for cell in list(remaining):
                if any(c in corners for c in _corners(cell)):
                    group.append(cell)
                    corners |= set(_corners(cell))
                    remaining.remove(cell)
                    grew = True
        tables.append(group)
    tables.sort(key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]


def _corners(box: BBox) -> tuple[Point, Point, Point, Point]:
    x0, y0, x1, y1 = box
    return (x0, y0), (x0, y1), (x1, y0), (x1, y1)


def _rows(cells: list[BBox]) -> list[list[BBox | None]]:
    """Rows of cells by their top edge, one slot per distinct left edge of the table (None where a cell spans)."""
    xs = sorted({c[0] for c in cells})
    rows = []
    for _, group in itertools.groupby(sorted(cells, key=lambda c: (c[1], c[0])), key=lambda c: c[1]):
        by_x = {c[0]: c for c in group}
        rows.append([by_x.get(x) for x in xs])
    return rows


def _cell_text(box: BBox, drafts: list[Draft]) -> str:
    """The characters whose centre lies in the cell, line by line, in one line of text."""
    x0, y0, x1, y1 = box
    parts: list[tuple[float, float, str]] = []
    for draft in drafts:
        lb = draft.line.bbox
        if lb is None or not y0 <= (lb[1] + lb[3]) / 2 < y1 or lb[2] < x0 or lb[0] > x1:
            continue
        text = "".join(ch for ch, cx0, cx1 in draft.pieces if x0 <= (cx0 + cx1) / 2 < x1)
        if text.strip():
            first = next(cx0 for ch, cx0, cx1 in draft.pieces if x0 <= (cx0 + cx1) / 2 < x1)
            parts.append((round(draft.baseline), first, text))
    parts.sort()
    return " ".join(unicodedata.normalize("NFC", " ".join(p[2] for p in parts)).split())


def _round(box: BBox) -> BBox:
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

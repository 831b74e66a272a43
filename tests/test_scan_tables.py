"""The quick look for a ruled table on a scanned page, and which table cells are read again as digits."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pymupdf
from PIL import Image

from pipeline.stages.ingest.scan_tables import _needs_reread, darkest_of_blocks, find_grid, might_hold_a_table

REAL = Path(__file__).parent / "data" / "realdocs"


def _page(rule_width: int, rows: int = 5) -> Image.Image:
    """An A4 page at 300 dpi with a table of `rows` rules of `rule_width` pixels and four columns."""
    a = np.full((3505, 2480), 255, dtype=np.uint8)
    ys = [2300 + 125 * i for i in range(rows)]
    for y in ys:
        a[y : y + rule_width, 350:2150] = 60
    for x in (350, 470, 1350, 1640, 2150):
        a[ys[0] : ys[-1] + rule_width, x : x + rule_width] = 60
    return Image.fromarray(a)


def test_a_table_ruled_with_one_pixel_lines_is_looked_at() -> None:
    """A one-pixel rule averaged over 4x4 blocks is too pale to be ink: the quick look missed such tables."""
    page = _page(rule_width=1)
    assert might_hold_a_table(page)
    grid, _ = find_grid(np.asarray(page) < 150)
    assert grid is not None and len(grid.rows) == 5 and len(grid.cols) == 5


def test_a_page_of_text_lines_is_not_looked_at() -> None:
    a = np.full((3505, 2480), 255, dtype=np.uint8)
    for y in range(300, 3200, 70):  # lines of words: 30-pixel words with 14-pixel spaces
        for x in range(300, 2200, 44):
            a[y : y + 25, x : x + 30] = 40
    assert not might_hold_a_table(Image.fromarray(a))


def test_a_cell_of_dates_is_not_read_again_as_digits() -> None:
    """The digit reading knows no `/`: `10/7/2026 - 13/7/2026` came back as `1072026 1372026`."""
    assert not _needs_reread("10/7/2026- 13/7/2026", list_column=False)
    assert not _needs_reread("7/2026", list_column=True)
    assert _needs_reread("1, 5, 11", list_column=True)
    assert _needs_reread("15,11", list_column=False)


def test_darkest_of_blocks_is_each_blocks_minimum_on_a_real_scan() -> None:
    """On a real 200-dpi scan rendered at 300 dpi (3508 x 2481: neither side a multiple of 4 or 3), each value is the
    darkest pixel of its block, the edge rows and columns that make no whole block left out."""
    with pymupdf.open(REAL / "s04.pdf") as doc:
        pix = doc[0].get_pixmap(dpi=300, colorspace=pymupdf.csGRAY)
    a = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width)
    for n in (4, 3):
        h, w = a.shape[0] // n, a.shape[1] // n
        got = darkest_of_blocks(a, n)
        assert got.shape == (h, w)
        assert np.array_equal(got, a[: h * n, : w * n].reshape(h, n, w, n).min(axis=(1, 3)))
    assert darkest_of_blocks(a, 4)[100, 100] == a[400:404, 400:404].min()

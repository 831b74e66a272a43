"""The paper of a signature block's crop, found by a separable max filter (stages/ingest/signblock.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

from pipeline.stages.ingest.signblock import max_filter

BLANKS = Path(__file__).parent / "data" / "blanks"


def test_max_filter_gives_pillows_max_filter_pixel_for_pixel_on_real_scan_crops() -> None:
    for name in ("s05_number.png", "s16_day.png", "s43_number.png"):
        grey = Image.open(BLANKS / name).convert("L")
        for size in (5, 15):
            expected = np.asarray(grey.filter(ImageFilter.MaxFilter(size)))
            assert np.array_equal(max_filter(np.asarray(grey), size), expected), (name, size)


def test_max_filter_keeps_a_dark_stroke_dark_only_where_no_paper_is_near() -> None:
    grey = np.full((9, 9), 200, dtype=np.uint8)
    grey[:, 4] = 0  # a one-pixel stroke
    assert max_filter(grey, 3).min() == 200
    grey[:, 3:6] = 0  # a stroke as wide as the window
    out = max_filter(grey, 3)
    assert out[:, 4].tolist() == [0] * 9
    assert out[:, 3].tolist() == [200] * 9

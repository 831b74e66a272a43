"""Segmentation by recognition of digits that touch (ingest/segment.py): its cuts, and what it keeps of a group."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from pipeline.stages.ingest import segment


def ring(width: int, height: int, pen: int = 4) -> np.ndarray:
    """An ink image of an oval drawn with a pen `pen` pixels wide (a wide 0)."""
    img = Image.new("L", (width + 4, height + 4), 0)
    ImageDraw.Draw(img).ellipse((2, 2, width + 1, height + 1), outline=255, width=pen)
    return np.asarray(img, dtype=np.float32) / 255.0


def test_a_cut_between_two_strokes_joined_by_a_bridge_runs_through_the_bridge() -> None:
    image = np.zeros((40, 40), dtype=np.float32)
    image[2:38, 8:13] = 1.0  # a stroke
    image[2:38, 26:31] = 1.0  # another
    image[18:21, 13:26] = 1.0  # the joint between them
    paths = segment.cut_paths(image, 36)
    assert paths, "no cut offered"
    middle = [p for p in paths if p.min() >= 13 and p.max() <= 26]
    assert middle and all(segment._crossings(image, p) == 1 for p in middle)


def test_a_wide_zero_is_never_cut_into_pieces() -> None:
    # every cut through an oval crosses two strokes (its top and bottom): no cut is a candidate, the oval is one
    found = segment.segmented(ring(52, 44), (0, 60))
    assert len(found) == 1


def test_a_stretch_beyond_the_blank_is_print() -> None:
    image = np.zeros((30, 40), dtype=np.float32)
    image[:, 30:34] = 1.0
    assert segment._beyond(image, (0, 25), before=False)
    assert not segment._beyond(image, (0, 35), before=False)
    assert not segment._beyond(image, (10, 35), before=True)

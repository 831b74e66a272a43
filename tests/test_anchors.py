"""The printed words either side of a header blank found on the page image by their shape (ingest/anchors.py)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from pipeline.stages.ingest.anchors import locate

FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Italic.ttf"
SIZE = 40


def band(baseline: int) -> tuple[np.ndarray, int, int]:
    """A strip of ink (0..1) with "Hà Nội, ngày" printed on it and a "31" beside it, and where "ngày" lies."""
    img = Image.new("L", (600, 70), 0)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, SIZE)
    draw.text((10, baseline), "Hà Nội, ngày", fill=255, font=font, anchor="ls")
    end = 10 + round(font.getlength("Hà Nội, ngày"))
    start = end - round(font.getlength("ngày"))
    draw.text((end + 8, baseline + 6), "31", fill=255, font=ImageFont.truetype(FONT, 48), anchor="ls")
    return np.asarray(img, dtype=np.float32) / 255.0, start, end


def test_a_printed_word_is_found_where_the_line_says_its_baseline_is() -> None:
    ink, start, end = band(52)
    found = locate(ink, "ngày", SIZE, 52, start - 60, start + 60)
    assert found is not None and abs(found[0] - start) <= 3 and abs(found[1] - end) <= 4


def test_a_printed_word_is_found_above_a_baseline_that_handwriting_pulled_down() -> None:
    # the OCR line's box takes in the digits hanging below the line: its baseline is lower than the type's
    ink, start, end = band(48)
    found = locate(ink, "ngày", SIZE, 48 + SIZE // 4, start - 60, start + 60)
    assert found is not None and abs(found[0] - start) <= 3 and abs(found[1] - end) <= 4

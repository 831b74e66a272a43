"""The reader of handwritten digits in header blanks (ingest/handwriting.py, digits.py): real crops of blanks cut from
scanned headers, and drawn cases (a blank with no ink, with a speck, a rule, a printed word)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.stages.ingest import digits
from pipeline.stages.ingest.handwriting import read_blank

CROPS = Path(__file__).parent / "data" / "blanks"
FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
LINE = 40.0  # the printed line's type size in the drawn cases (pixels)


def crop(name: str) -> tuple[np.ndarray, tuple[int, int, int, int], float]:
    """A real blank: its grey image, where the blank lies in it, and the line's type size (pixels)."""
    meta = json.loads((CROPS / "blanks.json").read_text("utf-8"))[name]
    grey = np.asarray(Image.open(CROPS / name).convert("L"))
    return grey, tuple(meta["box"]), float(meta["line_height"])


def gold(name: str) -> str:
    return str(json.loads((CROPS / "blanks.json").read_text("utf-8"))[name]["gold"])


def page(draw_text: str = "", at: tuple[int, int] = (60, 20), size: int = 40) -> np.ndarray:
    """A white strip of paper 240 × 110 pixels with a text drawn on it in black."""
    img = Image.new("L", (240, 110), 255)
    if draw_text:
        ImageDraw.Draw(img).text(at, draw_text, fill=0, font=ImageFont.truetype(FONT, size))
    return np.asarray(img)


BLANK = (40, 0, 200, 110)


def test_a_blank_with_no_ink_holds_no_handwriting() -> None:
    assert read_blank(page(), BLANK, LINE) is None


def test_scan_grain_and_a_speck_are_no_handwriting() -> None:
    grey = page().copy()
    rng = np.random.default_rng(3)
    grey = np.clip(grey.astype(int) - rng.integers(0, 25, grey.shape), 0, 255).astype(np.uint8)
    grey[60:63, 100:103] = 30  # a speck of dust, smaller than any digit
    assert read_blank(grey, BLANK, LINE) is None


def test_a_dotted_leader_and_a_rule_are_no_handwriting() -> None:
    grey = page(". . . . . . . .", at=(45, 40)).copy()
    grey[95:98, 40:200] = 0  # the rule under the line
    assert read_blank(grey, BLANK, LINE) is None


def test_a_printed_word_in_the_blank_is_not_read_as_digits() -> None:
    found = read_blank(page("năm", at=(70, 25)), BLANK, LINE)
    assert found is not None and None in found.digits


def test_typed_digits_are_read() -> None:
    found = read_blank(page("24", at=(80, 25), size=44), BLANK, LINE)
    assert found is not None and found.text == "24" and found.confidence >= 0.9


def test_ink_over_the_blanks_edge_is_not_read() -> None:
    # a digit written half over the printed word before the blank: the digits after it alone would be another number
    found = read_blank(page("03", at=(26, 25), size=44), BLANK, LINE)
    assert found is not None and None in found.digits


def test_the_recogniser_says_no_digit_for_an_empty_image() -> None:
    assert digits.read([]) == []
    assert not digits.normalise(np.zeros((30, 20))).any()


REAL = sorted(json.loads((CROPS / "blanks.json").read_text("utf-8")))


@pytest.mark.parametrize("name", REAL)
def test_a_real_blank_is_read_right_or_not_at_all(name: str) -> None:
    grey, box, height = crop(name)
    found = read_blank(grey, box, height)
    sure = found is not None and None not in found.digits and found.confidence >= 0.9
    assert not sure or found is None or int(found.text) == int(gold(name)), (found, gold(name))


def test_real_handwritten_numbers_and_days_are_read() -> None:
    read = []
    for name in REAL:
        grey, box, height = crop(name)
        found = read_blank(grey, box, height)
        if found is not None and None not in found.digits and found.confidence >= 0.9:
            read.append(name)
    assert set(read) >= {n for n in REAL if json.loads((CROPS / "blanks.json").read_text())[n].get("readable")}

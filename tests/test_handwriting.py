"""The reader of handwritten digits in header blanks (ingest/handwriting.py, digits.py): real crops of blanks cut from
scanned headers, and drawn cases (a blank with no ink, with a speck, a rule, a printed word)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.records import Line
from pipeline.stages.ingest import digits
from pipeline.stages.ingest.blanks import MIN_DIGIT, Blank, Edit, _dated, _missed, _settled, _signed_dates, find_blanks
from pipeline.stages.ingest.handwriting import Handwriting, read_blank
from pipeline.stages.ingest.layer import Draft

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


def accepted(name: str) -> str | None:
    """What the blank's reader keeps from a real crop where OCR read no number: every digit at MIN_DIGIT or more."""
    grey, box, height = crop(name)
    found = read_blank(grey, box, height)
    if found is None or None in found.digits or found.confidence < MIN_DIGIT:
        return None
    return found.text


@pytest.mark.parametrize("name", REAL)
def test_a_real_blank_is_read_right_or_not_at_all(name: str) -> None:
    got = accepted(name)
    assert got is None or got == gold(name), (name, got, gold(name))


def test_real_handwritten_numbers_and_days_are_read() -> None:
    read = {name: accepted(name) for name in REAL}
    assert read["s05_number.png"] == "91" and read["s13_number.png"] == "51" and read["s33_number.png"] == "23"
    assert read["s09_number.png"] == "11" and read["s10_number.png"] == "16"  # 1s with long flags
    assert read["s02_day.png"] == "24" and read["s08_day.png"] == "15"


def test_real_numbers_of_three_digits_are_read() -> None:
    # a 9 and 8s and 0s of clerks' hands: under MIN_DIGIT for the networks trained on 10,000 MNIST digits (0.52-0.72),
    # read since they learnt from the 60,000
    read = {name: accepted(name) for name in ("s12_number.png", "s16_number.png", "s21_number.png")}
    assert read == {"s12_number.png": "660", "s16_number.png": "280", "s21_number.png": "493"}


def test_digits_that_touch_or_share_columns_are_cut_where_they_read_best() -> None:
    # a slanted "02" whose 2 starts over the 0's columns (twice), a "17" whose 7 runs into the "t" of the printed
    # "tháng", a "519" whose 1 and 9 lean into each other: cut evenly, a piece held part of its neighbour
    touching = {"s03_day.png": "02", "s06_month.png": "02", "s13_day.png": "17", "s43_number.png": "519"}
    assert {name: accepted(name) for name in touching} == touching


def test_a_digit_written_over_the_blanks_edge_leaves_the_blank_unread() -> None:
    # "04" written small against "ngày": the 0 lies over the word's end; the 4 alone would be another day
    grey, box, height = crop("s07_day.png")
    found = read_blank(grey, box, height)
    assert found is not None and found.digits[0] is None


@pytest.mark.parametrize(
    ("page", "hand", "missed"),
    [("0", "04", True), ("29", "239", True), ("4", "14", True), ("04", "04", False), ("40", "04", False),
     ("42", "13", False), ("5", "04", False), ("123", "12", False)],
)  # fmt: skip
def test_ocr_that_dropped_handwritten_digits_does_not_contradict_the_recogniser(
    page: str, hand: str, missed: bool
) -> None:
    # Tesseract leaves out the handwritten digits it cannot read: "0" for a written 04 is no other number
    assert _missed(page, hand) is missed


def date_blank(ocr_month: str, confidence: float) -> Blank:
    """The month blank of an OCR'd date line whose words OCR read with the given confidence."""
    text = f"Hà Nội, ngày 05 tháng {ocr_month} năm 2025"
    words = text.split()
    line = Line(page=1, text=text, bbox=(300.0, 100.0, 520.0, 114.0), ocr=True,
                word_confidences=tuple(confidence for _ in words))  # fmt: skip
    draft = Draft(line, [(text, 300.0, 520.0)], 112.0)
    return next(b for b in find_blanks([draft]) if b.kind == "month")


@pytest.mark.parametrize(
    ("ocr_month", "hand", "kept"),
    [("02", (0.65, 0.97), "02"), ("02", (0.55, 0.97), ""), ("03", (0.65, 0.97), ""), ("02", (0.75, 0.97), "02")],
)
def test_a_fairly_sure_reading_stands_where_ocr_read_the_same_digits(
    ocr_month: str, hand: tuple[float, float], kept: str
) -> None:
    # OCR unsure of its words (0.4): alone, neither reader is trusted below MIN_DIGIT; together they are
    blank = date_blank(ocr_month, 0.4)
    reading = Handwriting((0, 2), hand, 10, 40)
    assert _settled(blank, reading, np.full((10, 10), 255, np.uint8), 1.0, 5.0) == kept


def number_blank(ocr_number: str) -> Blank:
    """The number blank of an OCR'd number line whose words OCR read with confidence 0.4 (unsure)."""
    text = f"Số: {ocr_number}/BCA-C04"
    line = Line(page=1, text=text, bbox=(60.0, 100.0, 200.0, 114.0), ocr=True,
                word_confidences=tuple(0.4 for _ in text.split()))  # fmt: skip
    return next(b for b in find_blanks([Draft(line, [(text, 60.0, 200.0)], 112.0)]) if b.kind == "number")


@pytest.mark.parametrize(
    ("ocr_number", "confidences", "kept"),
    [
        ("+214", (0.97, 0.69, 0.95, 0.96), "4214"),  # OCR's 2, 1, 4 confirm the recogniser's; its + is no digit
        ("R214", (0.97, 0.69, 0.95, 0.96), "4214"),
        ("+814", (0.97, 0.69, 0.95, 0.96), ""),  # OCR read another digit where the recogniser was unsure
        ("+2l4", (0.97, 0.95, 0.69, 0.96), ""),  # the unsure digit is the one OCR could not read
        ("+214", (0.70, 0.69, 0.95, 0.96), ""),  # the 4 is confirmed by nothing, and not sure on its own
        ("214", (0.97, 0.69, 0.95, 0.96), ""),  # three characters for four digits: which is which is not known
        ("+214", (0.97, 0.55, 0.95, 0.96), ""),  # confirmed, but under MIN_AGREED
    ],
)
def test_ocr_confirms_the_digits_it_read_the_same_at_the_same_place(
    ocr_number: str, confidences: tuple[float, ...], kept: str
) -> None:
    reading = Handwriting((4, 2, 1, 4), confidences, 10, 40)
    assert _settled(number_blank(ocr_number), reading, np.full((10, 10), 255, np.uint8), 1.0, 5.0) == kept


def day_blank(ocr_day: str, confidence: float) -> Blank:
    """The day blank of an OCR'd date line whose words OCR read with the given confidence."""
    text = f"Lâm Đồng, ngày {ocr_day} tháng 11 năm 2025"
    line = Line(page=1, text=text, bbox=(300.0, 100.0, 520.0, 114.0), ocr=True,
                word_confidences=tuple(confidence for _ in text.split()))  # fmt: skip
    return next(b for b in find_blanks([Draft(line, [(text, 300.0, 520.0)], 112.0)]) if b.kind == "day")


@pytest.mark.parametrize(("ocr_day", "kept"), [("42", "13"), ("46", "13"), ("12", ""), ("31", "")])
def test_ocr_digits_that_cannot_fill_the_blank_do_not_overrule_the_recogniser(ocr_day: str, kept: str) -> None:
    # OCR sure of its "42" (0.95): no day is 42, so it is no rival to the recogniser's 13 read at 0.83 (between
    # MIN_DIGIT and MIN_ALONE); a 12 or a 31 could be the day, and the recogniser is not sure enough to overrule it
    reading = Handwriting((1, 3), (0.83, 0.97), 10, 40)
    assert _settled(day_blank(ocr_day, 0.95), reading, np.full((10, 10), 255, np.uint8), 1.0, 5.0) == kept


def date_edits(day: str, month: str, unsure_day: str = "", unsure_month: str = "") -> list[Edit]:
    """The day and month edits of a line "Hà Nội, ngày … tháng … năm 2024" as the blanks' readers left them."""
    text = "Hà Nội, ngày tháng năm 2024"
    line = Line(page=1, text=text, bbox=(300.0, 100.0, 520.0, 114.0), ocr=True)
    found = find_blanks([Draft(line, [(text, 300.0, 520.0)], 112.0)])
    (d,) = (b for b in found if b.kind == "day")
    (m,) = (b for b in found if b.kind == "month")
    return [Edit(d, day, 0.0, 1.0, 0.85, unsure_day), Edit(m, month, 0.0, 1.0, 0.85, unsure_month)]


@pytest.mark.parametrize(
    ("edits", "signed", "read"),
    [
        (date_edits("", "9", unsure_day="11"), ["Thời gian ký: 11/09/2024 19:14:21"], ("11", "9")),
        (date_edits("16", "", unsure_month="9"), ["SAO Y", "Thời gian ký: 2024-09-16T14:37:50+07:00"], ("16", "9")),
        (date_edits("", "9", unsure_day="11"), ["12.09.2024 07:49:43 +07:00"], ("", "9")),
        (date_edits("", "9", unsure_day="11"), [], ("", "9")),
        (date_edits("", "8", unsure_day="11"), ["Thời gian ký: 11/09/2024 19:14:21"], ("", "8")),
    ],
)
def test_a_fairly_sure_day_or_month_stands_where_the_e_signature_has_the_same_date(
    edits: list[Edit], signed: list[str], read: tuple[str, str]
) -> None:
    # the e-signature's time is read apart from the handwriting: a date it shows confirms a reading the recogniser
    # was only fairly sure of; another date (a copy's, a day later), or none, leaves the blank empty
    assert tuple(e.text for e in _dated(edits, _signed_dates(tuple(signed)))) == read


def test_a_date_after_the_e_signature_is_emptied() -> None:
    # a document is signed on or after its date: a day read as 21 on a page signed on the 11th is misread
    edits = _dated(date_edits("21", "9"), _signed_dates(("Thời gian ký: 11/09/2024 19:14:21",)))
    assert [e.text for e in edits] == ["", ""]
    assert date(2024, 9, 11) in _signed_dates(("Thời gian ký: 11/09/2024",))


def test_a_crossed_7_whose_bar_runs_on_is_one_digit_not_a_7_and_a_dash() -> None:
    # "27" in a thick pen, the 7's bar drawn far to the right: cut as wide as two digits, its right piece is a bar
    grey, box, height = crop("s10_day.png")
    found = read_blank(grey, box, height)
    assert found is not None and len(found.digits) == 2 and found.digits[0] == 2


def test_the_colons_lower_dot_touching_the_first_digit_is_left_out() -> None:
    # "Số:493" written close to the colon: its lower dot touches the 4's foot, and with it the 4 was as wide as two
    # digits and cut into two ("4493"); without the dot the blank holds three digits, 9 and 3 read as such
    grey, box, height = crop("s21_number.png")
    found = read_blank(grey, box, height)
    assert found is not None and len(found.digits) == 3 and found.digits[1:] == (9, 3)


def test_a_date_line_whose_ngay_ocr_read_with_a_semicolon_still_has_its_blanks() -> None:
    # the handwriting over the blank turns the "y" of "ngày" into ";" in OCR: the day's blank is still found
    text = "Lâm Đồng, ngà; tháng 11 năm 2025"
    line = Line(page=1, text=text, bbox=(300.0, 100.0, 520.0, 114.0), ocr=True)
    blanks = find_blanks([Draft(line, [(text, 300.0, 520.0)], 112.0)])
    assert [(b.kind, text[b.start : b.end].strip()) for b in blanks] == [("day", ""), ("month", "11")]


SANS = "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf"


def touching(first: str, second: str, font: str, overlap: int, slant: float = 0.0) -> tuple[np.ndarray, int]:
    """A strip of paper with `first` drawn and `second` drawn `overlap` pixels into it (the strokes touch), slanted
    by `slant` (as a hand leans); and the column where `second` starts."""
    img = Image.new("L", (240, 110), 255)
    draw, face = ImageDraw.Draw(img), ImageFont.truetype(font, 44)
    draw.text((70, 25), first, fill=0, font=face)
    left, _, right, _ = draw.textbbox((70, 25), first, font=face)
    start = right - overlap
    draw.text((start - (left - 70), 25), second, fill=0, font=face)
    if slant:
        img = img.transform(img.size, Image.Transform.AFFINE, (1, slant, -slant * 55, 0, 1, 0), fillcolor=255)
    return np.asarray(img), start


@pytest.mark.parametrize(("pair", "font"), [("02", SANS), ("20", SANS), ("26", FONT), ("90", FONT), ("38", FONT)])
def test_two_slanted_digits_that_touch_are_read_as_both(pair: str, font: str) -> None:
    # leaning digits whose strokes touch: no straight cut parts them, a cut that leans with them does
    grey, _ = touching(pair[0], pair[1], font, overlap=3, slant=0.25)
    found = read_blank(grey, BLANK, LINE)
    assert found is not None and found.text == pair and found.confidence >= MIN_DIGIT


@pytest.mark.parametrize("pair", ["02", "20", "26", "23", "45", "38", "90", "98"])
@pytest.mark.parametrize(("font", "overlap", "slant"), [(FONT, 6, 0.0), (SANS, 6, 0.0), (FONT, 7, 0.25)])
def test_digits_written_into_each_other_are_read_right_or_not_at_all(
    pair: str, font: str, overlap: int, slant: float
) -> None:
    # a cut between digits written into each other crosses two strokes: each piece holds a part of the other
    # ("93" for a 98 whose 8 overlaps the 9, with cuts through two strokes allowed)
    grey, _ = touching(pair[0], pair[1], font, overlap, slant)
    found = read_blank(grey, BLANK, LINE)
    sure = found is not None and None not in found.digits and found.confidence >= MIN_DIGIT
    assert not sure or (found is not None and found.text == pair)


@pytest.mark.parametrize(("digits_", "word", "read"), [("19", "t", "19"), ("17", "t", "17"), ("2", "/", "2")])
def test_handwriting_run_into_the_printed_word_after_the_blank_is_read_without_it(
    digits_: str, word: str, read: str
) -> None:
    # the blank ends where the printed word starts (a "t" of "tháng", the slash of "/KH"): the ink beyond is print
    grey, start = touching(digits_, word, FONT, overlap=4)
    found = read_blank(grey, (40, 0, start + 1, 110), LINE)
    assert found is not None and found.text == read and found.confidence >= MIN_DIGIT


def test_a_slash_run_into_the_digits_is_never_read_as_a_1() -> None:
    # "25/": read with the 5, the slash reads as a 1 ("251"); beyond the blank, it is the symbol's
    grey, start = touching("25", "/", FONT, overlap=2)
    found = read_blank(grey, (40, 0, start + 1, 110), LINE)
    assert found is not None and found.text == "25"

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.vi.text import (
    DOC_NUMBER_RE,
    clean_doc_number,
    key,
    parse_date,
    parse_number,
    sentence_case,
    toneless,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [("6.000", 6000), ("24.500", 24500), ("97,5", 97.5), ("02", 2), ("1.150", 1150), ("100", 100), ("0,5", 0.5)],
)
def test_vietnamese_numbers(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "abc", "6.00", "1,2,3", "12/11"])
def test_not_numbers(text: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("ngày 12/11/2020", date(2020, 11, 12)),
        ("Lào Cai, ngày 29 tháng 01 năm 2021", date(2021, 1, 29)),
        ("Ngày: 27 tháng 01 năm 2021", date(2021, 1, 27)),
        ("ngay 7 thang 4 nam 2021", date(2021, 4, 7)),  # marks lost by OCR
        ("07/4/2000", date(2000, 4, 7)),
    ],
)
def test_dates(text: str, when: date) -> None:
    assert parse_date(text) == when


def test_impossible_date_is_none() -> None:
    assert parse_date("ngày 31/02/2021") is None


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Số: 33 /KH-BCĐ", "33/KH-BCĐ"),
        ("Quyết định số 43/2000/QĐ-TTg ngày", "43/2000/QĐ-TTg"),
        ("Thông tư số 17/2020/TT-BYT", "17/2020/TT-BYT"),
        ("Kế hoạch số 194-KH/TU ngày 16/5/2023", "194-KH/TU"),
        ("Công văn 12/UBND-VX", "12/UBND-VX"),
        ("Số: 91/TTR-CAT-PC04", "91/TTr-CAT-PC04"),  # Decree 30 writes Tờ trình's symbol in mixed case
        ("Quyết định số 43/2000/QĐ-TTG ngày", "43/2000/QĐ-TTg"),
        ("Số: 22/TTr-UBND", "22/TTr-UBND"),
        ("Quyết định số 15/QYĐ-UBND", "15/QyĐ-UBND"),  # and a Quy định's
    ],
)
def test_document_numbers(text: str, number: str) -> None:
    m = DOC_NUMBER_RE.search(text)
    assert m is not None
    assert clean_doc_number(m.group()) == number


def test_dates_are_not_document_numbers() -> None:
    assert DOC_NUMBER_RE.search("ngày 12/11/2020") is None


def test_toneless_keeps_length_and_strips_marks() -> None:
    text = "Hiến máu tình nguyện Đặng Xuân Trường"
    assert toneless(text) == "Hien mau tinh nguyen Dang Xuan Truong"
    assert key("  HIẾN  máu ") == "hien mau"


@given(st.text())
def test_toneless_is_one_char_per_char(text: str) -> None:
    assert len(toneless(text)) == len(text)


def test_sentence_case_keeps_acronyms() -> None:
    assert sentence_case("PHÓ CHỦ TỊCH UBND TỈNH") == "Phó Chủ tịch UBND tỉnh"
    assert sentence_case("Already mixed") == "Already mixed"


@given(st.integers(min_value=0, max_value=10**12) | st.decimals(min_value=0, max_value=10**9, places=2).map(float))
def test_format_number_is_the_inverse_of_parse_number(value: float) -> None:
    from pipeline.vi.text import format_number

    assert parse_number(format_number(value)) == value


def test_sentence_case_keeps_any_acronym() -> None:
    from pipeline.vi.text import sentence_case

    # not in any list: capitals that cannot be one Vietnamese syllable are an acronym
    assert sentence_case("GIÁM ĐỐC BQL DỰ ÁN ĐHQG") == "Giám đốc BQL dự án ĐHQG"


@pytest.mark.parametrize("slash", ["\u2044", "\u2215", "\uff0f"])
def test_fraction_division_and_full_width_slashes_are_a_numbers_slash(slash: str) -> None:
    from pipeline.vi.text import plain_slashes

    text = f"Số: 239{slash}TTr-CAT-PC06"
    assert plain_slashes(text) == "Số: 239/TTr-CAT-PC06"
    assert len(plain_slashes(text)) == len(text)  # offsets into the line hold

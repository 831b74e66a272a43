"""Names of issuing bodies and of signers, as Decree 30 headers and signature blocks print them."""

from __future__ import annotations

import pytest

from pipeline.vi.orgs import body_case, deglue, issuer_name, split_bodies
from pipeline.vi.persons import person_name, strip_rank


@pytest.mark.parametrize(
    ("lines", "bodies"),
    [
        (["ỦY BAN NHÂN DÂN", "TỈNH YÊN BÁI"], ["ỦY BAN NHÂN DÂN TỈNH YÊN BÁI"]),
        (["UBND TỈNH YÊN BÁI", "SỞ Y TẾ"], ["UBND TỈNH YÊN BÁI", "SỞ Y TẾ"]),
        (["BỘ TÀI CHÍNH", "TỔNG CỤC THUẾ"], ["BỘ TÀI CHÍNH", "TỔNG CỤC THUẾ"]),
        (
            ["BỘ QUỐC PHÒNG", "CỤC TÁC CHIẾN ĐIỆN", "TỬ VÀ KHÔNG GIAN MẠNG"],
            ["BỘ QUỐC PHÒNG", "CỤC TÁC CHIẾN ĐIỆN TỬ VÀ KHÔNG GIAN MẠNG"],
        ),
        (["THỦ TƯỚNG", "CHÍNH PHỦ"], ["THỦ TƯỚNG CHÍNH PHỦ"]),
        (["TRƯỜNG ĐẠI HỌC Y", "THÀNH PHỐ HẢI PHÒNG"], ["TRƯỜNG ĐẠI HỌC Y THÀNH PHỐ HẢI PHÒNG"]),
        (
            ["UBND HUYỆN MÙ CANG CHẢI", "BAN CHỈ ĐẠO PHÒNG, CHỐNG", "THIÊN TAI"],
            ["UBND HUYỆN MÙ CANG CHẢI", "BAN CHỈ ĐẠO PHÒNG, CHỐNG THIÊN TAI"],
        ),
    ],
)
def test_header_lines_into_bodies(lines: list[str], bodies: list[str]) -> None:
    assert split_bodies(lines) == bodies


@pytest.mark.parametrize(
    ("issuer", "parent", "name"),
    [
        ("SỞ Y TẾ", "UBND TỈNH YÊN BÁI", "Sở Y tế tỉnh Yên Bái"),
        ("ỦY BAN NHÂN DÂN TỈNH YÊN BÁI", None, "UBND tỉnh Yên Bái"),
        ("ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH", None, "UBND Thành phố Hồ Chí Minh"),
        ("VĂN PHÒNG", "UBND TỈNH YÊN BÁI", "Văn phòng UBND tỉnh Yên Bái"),
        ("TỔNG CỤC THUẾ", "BỘ TÀI CHÍNH", "Tổng cục Thuế"),
        ("SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH", "UBND TỈNH YÊN BÁI", "Sở Văn hóa, Thể thao và Du lịch tỉnh Yên Bái"),
        ("CỤC QUẢN LÝ THỊ TRƯỜNG", "BỘ CÔNG THƯƠNG", "Cục Quản lý thị trường"),  # QUẢN is no quận
        ("SỞ CÔNG THƯƠNG", "UBND TỈNH LÀO CAI", "Sở Công Thương tỉnh Lào Cai"),  # both words of its field
        ("BỘ CÔNG THƯƠNG", None, "Bộ Công Thương"),
        (
            "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",  # XÃ HỘI is no commune
            "UBND TỈNH YÊN BÁI",
            "Sở Lao động - Thương binh và Xã hội tỉnh Yên Bái",
        ),
    ],
)
def test_issuer_names(issuer: str, parent: str | None, name: str) -> None:
    assert issuer_name(issuer, parent) == name


@pytest.mark.parametrize(
    ("read", "name"),
    [
        ("BỌ CÔNG AN", "Bộ Công an"),
        ("BÔ CÔNG THƯƠNG", "Bộ Công Thương"),
        ("BAN CHÍ ĐẠO 138 TỈNH QUẢNG NGÃI", "Ban Chỉ đạo 138 tỉnh Quảng Ngãi"),
        ("ĐẠI SỨ QUÁN VIỆT NAM", "Đại Sứ quán Việt Nam"),  # `đài` and `Đại` share a toneless form: left as read
    ],
)
def test_a_bodys_kind_misread_by_ocr_is_spelt_as_the_kind_is(read: str, name: str) -> None:
    assert body_case(read) == name


def test_a_province_misread_is_spelled_as_the_gazetteer_spells_it() -> None:
    assert body_case("CÔNG AN TỈNH YÊN BẢI") == "Công an tỉnh Yên Bái"
    assert body_case("Sở Y tế tỉnh Yên Bái") == "Sở Y tế tỉnh Yên Bái"  # not in capitals: kept as written


def test_words_ocr_ran_together_are_split_into_syllables() -> None:
    assert deglue("BỘCÔNGAN") == "BỘ CÔNG AN"
    assert deglue("ỦY BANNHÂN DÂN") == "ỦY BAN NHÂN DÂN"
    assert deglue("UBND BCĐ389") == "UBND BCĐ389"  # acronyms and codes are no glued syllables


@pytest.mark.parametrize(
    ("line", "name", "rank"),
    [
        ("Đại tá Hà Văn Bốn", "Hà Văn Bốn", "Đại tá"),
        ("Thiếu tướng Lê Quang Năm", "Lê Quang Năm", "Thiếu tướng"),
        ("PGS.TS. Đỗ Thị Sáu", "Đỗ Thị Sáu", "PGS.TS."),
        ("Vũ Thị Bảy", "Vũ Thị Bảy", None),
    ],
)
def test_a_signers_name_without_rank(line: str, name: str, rank: str | None) -> None:
    assert person_name(line) == name
    assert strip_rank(line)[1] == rank


def test_lines_that_are_no_name() -> None:
    assert person_name("PHÓ CHỦ TỊCH") is None
    assert person_name("Allái đoãm “0ñanÁ") is None  # OCR debris under a seal
    assert person_name("rần Hoàng Tuân") is None  # the seal took the first letter
    assert person_name("Xuân Văn Tám", strict=True) is None  # an OCR'd name must open with a known family name
    assert person_name("Xuân Văn Tám") == "Xuân Văn Tám"


def test_every_kind_spelling_is_of_a_known_kind() -> None:
    from pipeline.vi.orgs import _KIND_SPELLING, BODY_KINDS
    from pipeline.vi.text import key

    assert all(key(spelt) == kind and kind in BODY_KINDS for kind, spelt in _KIND_SPELLING.items())

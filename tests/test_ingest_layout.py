"""Ingest on PDFs built here: stamped text put back by position, layer triage by the letters, render settings."""

from __future__ import annotations

import numpy as np
import pymupdf
import pytest

from pipeline.records import Line
from pipeline.stages.ingest import IngestOptions, ingest_bytes
from pipeline.stages.ingest.ink import grey_pgm
from pipeline.stages.ingest.layer import Draft
from pipeline.stages.ingest.pdf import native_dpi
from pipeline.stages.ingest.scanned import header_dpi, ocr_resolution
from pipeline.stages.ingest.triage import why_unusable

FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"


def stamped_pdf() -> bytes:
    """A header typed with blanks, then the number, day and month drawn into the blanks as separate text objects at
    the end of the page's content (as e-office software does), and a footnote mark raised beside a word."""
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_font(fontname="serif", fontfile=FONT)

    def put(x: float, y: float, text: str, size: float = 13) -> None:
        page.insert_text((x, y), text, fontname="serif", fontsize=size)

    put(100, 100, "Số:            /UBND-KT")
    put(300, 100, "Lào Cai, ngày        tháng      năm 2026")
    put(72, 160, "Thực hiện Văn bản số 12/BCT ngày 02/4/2026 của Bộ Công Thương về an toàn")
    put(72, 180, "hóa chất; Ủy ban nhân dân tỉnh đề nghị các sở khẩn trương triển khai")
    put(255, 154, "1", size=8)  # a footnote mark: smaller, raised, not a stamp
    put(128, 101.5, "2496")  # drawn last, like the stamps, a little off the line
    put(387, 100, "06")
    put(439, 100.5, "4")
    return bytes(doc.tobytes())


def test_stamps_join_the_blanks_they_were_printed_into() -> None:
    raw = ingest_bytes(stamped_pdf(), "stamped.pdf")
    texts = [line.text for line in raw.lines]
    assert "Số: 2496/UBND-KT" in texts
    assert "Lào Cai, ngày 06 tháng 4 năm 2026" in texts
    assert not {"2496", "06", "4"} & set(texts)
    assert "1" in texts  # the footnote mark stays apart


def draft(text: str, visible: bool = True) -> Draft:
    return Draft(Line(page=1, text=text), [(text, 0.0, 1.0)], 0.0, visible)


VIETNAMESE = "Ủy ban nhân dân tỉnh đề nghị các sở, ban, ngành khẩn trương triển khai thực hiện kế hoạch này"


def test_layer_triage_by_its_letters() -> None:
    assert why_unusable([draft(VIETNAMESE)]) == ""
    ascii_fied = "uv sA.N NUANoAN riNu r,AwtoONc ceNG no.r xA Her cHU Ncni.l vrET NAM Dqc l6p Tg do H4nh phric"
    assert why_unusable([draft(ascii_fied, visible=False)]).startswith("an invisible OCR layer that is not Vietnamese")
    mojibake = "UBND 7ӌ1+ LÀO CAI &Ӝ1* HÒA XÃ +Ӝ, &+Ӫ 1*+Ƭ$ 9,ӊ7 NAM 6Ӣ CÔNG 7+ѬѪ1* ĈӝF OұS 7ӵ GR +ҥQK SK~F"
    assert why_unusable([draft(mojibake)]).startswith("fonts without a usable Unicode map")
    english = "The Provincial People's Committee requests all departments to carry out this plan without delay"
    assert why_unusable([draft(english)]) == ""  # what the page says, in another language: kept
    tcvn3 = "Uû ban nh©n d©n tØnh ®Ò nghÞ c¸c së, ban, ngµnh khÈn tr­¬ng triÓn khai thùc hiÖn kÕ ho¹ch nµy"
    assert why_unusable([draft(tcvn3)]) == ""  # a legacy encoding: normalize decodes it


def scan_pdf(width_px: int, height_px: int) -> pymupdf.Page:
    """A page half an inch by three quarters covered by one image of the given size."""
    doc = pymupdf.open()
    page = doc.new_page(width=36, height=54)
    pix = pymupdf.Pixmap(pymupdf.csGRAY, pymupdf.IRect(0, 0, width_px, height_px), False)
    pix.set_rect(pix.irect, (255,))
    page.insert_image(page.rect, pixmap=pix)
    return page


@pytest.mark.parametrize(
    ("pixels", "native", "page_dpi", "header"),
    [((50, 75), 100, 150, 150), ((100, 150), 200, 300, 300), ((125, 187), 250, 250, 300), ((300, 450), 600, 300, 300)],
)
def test_scans_are_read_at_their_own_resolution_and_their_header_raised_at_most_half_again(
    pixels: tuple[int, int], native: int, page_dpi: int, header: int
) -> None:
    """A scan below 240 dpi is read enlarged half again (up to 300), whole, and its header not again; from 240 dpi up
    the page is read at its own resolution (never above 300) and its header enlarged, up to 300."""
    page = scan_pdf(*pixels)
    assert native_dpi(page) == native
    assert ocr_resolution(page, IngestOptions()) == page_dpi
    assert header_dpi(native, page_dpi, IngestOptions()) == header
    plain = IngestOptions(ocr_upscale=1.0)
    assert ocr_resolution(page, plain) == min(native, 300)
    assert header_dpi(native, min(native, 300), plain) == min(native, 300)  # no second reading


def test_colour_modes_keep_black_and_choose_among_red_and_blue() -> None:
    black, red, blue, white = (20, 20, 20), (210, 40, 40), (40, 60, 200), (250, 250, 250)
    rgb = np.array([[black, red, blue, white]], dtype=np.uint8)

    def grey(mode: str) -> list[int]:
        return list(grey_pgm(rgb, mode)[-4:])

    assert grey("red")[0] < 50 and grey("red")[1] > 200 and grey("red")[2] < 50  # seal out, pen kept
    assert grey("max")[0] < 50 and grey("max")[1] > 200 and grey("max")[2] > 190  # every colour out
    assert all(v < 120 for v in grey("grey")[:3])  # plain luminance: the seal darkens what it covers
    with pytest.raises(ValueError, match="ocr_colour must be one of grey, red, max"):
        IngestOptions(ocr_colour="blue")

"""The header block of a scanned page, read again enlarged (stages/ingest/regions.py)."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.records import Line
from pipeline.stages.ingest import IngestOptions, ingest
from pipeline.stages.ingest.layer import Draft
from pipeline.stages.ingest.regions import Region, from_second_reading, header_region, put_in_place

from .conftest import extracted

REAL = Path(__file__).parent / "data" / "realdocs"
A4 = (595.0, 842.0)


def draft(text: str, x0: float, y0: float, x1: float, y1: float) -> Draft:
    return Draft(Line(page=1, text=text, bbox=(x0, y0, x1, y1), ocr=True), [(text, x0, x1)], y1)


HEADER = [
    draft("ỦY BAN NHÂN DÂN", 60, 40, 220, 54),
    draft("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 260, 40, 560, 54),
    draft("TỈNH LÀO CAI", 90, 56, 190, 70),
    draft("Độc lập - Tự do - Hạnh phúc", 320, 56, 500, 70),
    draft("Số: /KH-UBND", 80, 90, 200, 104),
    draft("Lào Cai, ngày tháng 3 năm 2025", 300, 90, 540, 104),
    draft("KẾ HOẠCH", 250, 130, 340, 146),
    draft("Triển khai công tác phòng, chống ma túy năm 2025", 130, 150, 460, 166),
    draft("Căn cứ Luật Phòng, chống ma túy ngày 30 tháng 3 năm 2021;", 80, 190, 540, 204),
    draft("Thực hiện Kế hoạch số 12/KH-BCĐ ngày 5 tháng 1 năm 2025;", 80, 208, 540, 222),
]


def test_the_header_block_runs_from_the_page_top_to_the_line_above_the_body() -> None:
    region = header_region(HEADER, *A4)
    assert region == Region(0.0, 0.0, 595.0, 189.0)
    assert [d.line.text for d in HEADER if region.holds(d)] == [d.line.text for d in HEADER[:8]]


def test_a_page_without_motto_number_or_date_line_has_no_header_block() -> None:
    body = [draft(f"{n}. Nhiệm vụ thứ {n} của các sở, ngành", 80, 60 + 20 * n, 540, 74 + 20 * n) for n in range(1, 9)]
    assert header_region(body, *A4) is None
    low = [draft("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 260, 500, 560, 514)]  # below the top part: not a header
    assert header_region(low, *A4) is None


def test_without_a_body_line_the_block_stops_short_of_half_the_page() -> None:
    region = header_region(HEADER[:8], *A4)
    assert region is not None and region.y1 == 0.45 * A4[1]


def test_the_second_reading_takes_the_place_of_the_first_in_reading_order() -> None:
    region = Region(0.0, 0.0, 595.0, 189.0)
    stray = draft("Lào Cai", 300, 800, 360, 812)  # a page footer read before the header by Tesseract
    fresh = [draft("UBND TỈNH LÀO CAI", 60, 40, 220, 54), draft("KẾ HOẠCH", 250, 130, 340, 146)]
    out = put_in_place([stray, *HEADER], region, fresh)
    assert [d.line.text for d in out] == [
        "Lào Cai",
        "UBND TỈNH LÀO CAI",
        "KẾ HOẠCH",
        *(d.line.text for d in HEADER[8:]),
    ]


def test_a_low_resolution_scan_is_read_enlarged_and_its_title_whole() -> None:
    """A 100-dpi scan whose title a received stamp crosses: read at its own resolution, the title was unreadable;
    the page read at 150 dpi gives it whole, and its header is not read a second time."""
    raw = ingest(REAL / "s29.pdf")
    assert any(ln.text.startswith("TỜ TRÌNH") for ln in raw.lines)
    assert not any(from_second_reading(ln) for ln in raw.lines)
    gold = json.loads((REAL / "s29.json").read_text("utf-8"))["document"]
    assert extracted(REAL / "s29.pdf")["document"]["title"] == gold["title"]
    plain = ingest(REAL / "s29.pdf", IngestOptions(ocr_upscale=1.0))
    assert not any(from_second_reading(ln) for ln in plain.lines)

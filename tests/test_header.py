"""The header read as Decree 30/2020/NĐ-CP lays it out, on texts and on PDFs drawn with the layout of real ones.

The names, numbers and places here are made up; the layouts (two-level issuers, V/v summaries, authority lines,
three-level signature blocks, blank e-office numbers, receiving stamps, e-signature boxes, bundles) are the ones
Decree 30 prescribes and real documents show.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pymupdf
import pytest

from pipeline.runner import run
from pipeline.stages.extract.metadata import read_document
from pipeline.stages.ingest import ingest_bytes
from pipeline.stages.normalize import normalize
from pipeline.stages.structure import layout

FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")


def read(text: str) -> dict[str, Any]:
    """The document fields of a text, as the result's JSON has them, with the header's warnings."""
    doc = normalize(ingest_bytes(text.encode(), "plan.txt"))
    document, warnings = read_document(doc, layout(doc))
    return document.model_dump(mode="json") | {"warnings": [w.model_dump(mode="json") for w in warnings]}


def codes(meta: dict[str, Any]) -> set[str]:
    return {w["code"] for w in meta["warnings"]}


SO_KH = """ỦY BAN NHÂN DÂN TỈNH HÀ GIANG
SỞ NỘI VỤ

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 215/KH-SNV

Hà Giang, ngày 05 tháng 3 năm 2024

KẾ HOẠCH

Tổ chức thi tuyển công chức năm 2024

Căn cứ Quyết định số 1234/QĐ-UBND ngày 01/02/2024 của Ủy ban nhân dân tỉnh;

I. MỤC ĐÍCH

Tuyển đủ 40 công chức.

Nơi nhận:
- UBND tỉnh;
- Lưu: VT.

KT. GIÁM ĐỐC
PHÓ GIÁM ĐỐC

Lò Văn Tính
"""


def test_two_level_issuer_is_the_lower_body_with_its_place() -> None:
    meta = read(SO_KH)
    assert meta["issuer"] == "Sở Nội vụ tỉnh Hà Giang"
    assert meta["issuer_parent"] == "UBND tỉnh Hà Giang"
    assert meta["province"] == "Hà Giang"
    assert (meta["doc_type"], meta["number"], meta["date"]) == ("Kế hoạch", "215/KH-SNV", "2024-03-05")
    assert meta["title"] == "Tổ chức thi tuyển công chức năm 2024"
    assert meta["signer"] == {"name": "Lò Văn Tính", "title": "Phó Giám đốc", "authority": "KT. Giám đốc"}


def test_every_field_has_its_evidence_and_confidence() -> None:
    meta = read(SO_KH)
    for field in ("doc_type", "number", "date", "issuer", "title", "signer"):
        assert meta["sources"][field]["text"], field
        assert 0.5 <= meta["sources"][field]["confidence"] <= 1.0, field
    assert meta["sources"]["number"]["text"] == "Số: 215/KH-SNV"
    assert "SỞ NỘI VỤ" in meta["sources"]["issuer"]["text"]
    assert meta["warnings"] == []


def test_issuer_is_the_body_not_the_place() -> None:
    meta = read(SO_KH.replace("ỦY BAN NHÂN DÂN TỈNH HÀ GIANG\nSỞ NỘI VỤ", "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ CẦN THƠ"))
    assert meta["issuer"] == "UBND thành phố Cần Thơ"
    assert meta["issuer_parent"] is None


def test_an_organ_takes_its_parents_name() -> None:
    organ = "HIỆP HỘI\nDOANH NGHIỆP NHỎ VÀ VỪA\nBAN THƯỜNG VỤ"
    meta = read(SO_KH.replace("ỦY BAN NHÂN DÂN TỈNH HÀ GIANG\nSỞ NỘI VỤ", organ))
    assert meta["issuer"] == "Ban Thường vụ Hiệp hội Doanh nghiệp nhỏ và vừa"
    assert meta["issuer_parent"] == "Hiệp hội Doanh nghiệp nhỏ và vừa"


CONG_VAN = """BỘ TÀI CHÍNH
CỤC QUẢN LÝ CÔNG SẢN

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 1877/QLCS-TS
V/v hướng dẫn kiểm kê tài sản công theo Quyết định số 213/QĐ-TTg

Hà Nội, ngày 12 tháng 8 năm 2025

Kính gửi: Ủy ban nhân dân các tỉnh, thành phố.

Thực hiện Quyết định số 213/QĐ-TTg ngày 01/3/2024 của Thủ tướng Chính phủ, Cục hướng dẫn như sau.

Nơi nhận:
- Như trên;
- Lưu: VT, TS.

KT. CỤC TRƯỞNG
PHÓ CỤC TRƯỞNG

Đinh Thị Hoa
"""


def test_a_cong_van_is_titled_by_its_v_v_line() -> None:
    meta = read(CONG_VAN)
    assert meta["doc_type"] == "Công văn"
    assert meta["title"] == "hướng dẫn kiểm kê tài sản công theo Quyết định số 213/QĐ-TTg"
    assert meta["number"] == "1877/QLCS-TS"
    assert meta["issuer"] == "Cục Quản lý công sản"
    assert meta["issuer_parent"] == "Bộ Tài chính"
    assert meta["province"] is None
    assert "213/QĐ-TTg" in meta["referenced_documents"]


QUYET_DINH = """ỦY BAN NHÂN DÂN
TỈNH SÓC TRĂNG

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số:       /QĐ-UBND

Sóc Trăng, ngày     tháng 3 năm 2024

QUYẾT ĐỊNH

VỀ VIỆC PHÊ DUYỆT KẾ HOẠCH PHÒNG, CHỐNG THIÊN TAI NĂM 2024

CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH SÓC TRĂNG

Căn cứ Luật Phòng, chống thiên tai số 33/2013/QH13;

Căn cứ Quyết định số 18/QĐ-UBND ngày 02/01/2024 của Ủy ban nhân dân tỉnh;

QUYẾT ĐỊNH:

Điều 1. Phê duyệt Kế hoạch.

Nơi nhận:
- Như Điều 3;
- Lưu: VT.

TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Lâm Hoàng Nghiệp
"""


def test_title_stops_before_the_authority_line() -> None:
    meta = read(QUYET_DINH)
    assert meta["title"] == "Về việc phê duyệt kế hoạch phòng, chống thiên tai năm 2024"
    assert meta["doc_type"] == "Quyết định"


def test_blank_number_and_day_are_null_with_a_warning_never_a_cited_number() -> None:
    meta = read(QUYET_DINH)
    assert meta["number"] is None and meta["date"] is None
    assert {"no_number", "no_date"} <= codes(meta)
    assert "18/QĐ-UBND" in [b["number"] for b in meta["legal_bases"]]  # cited: a legal basis, not the number


def test_three_level_signer_block() -> None:
    meta = read(QUYET_DINH)
    assert meta["signer"] == {
        "name": "Lâm Hoàng Nghiệp",
        "title": "Phó Chủ tịch",
        "authority": "TM. Ủy ban nhân dân; KT. Chủ tịch",
    }


def test_old_style_authority_and_rank_in_the_name_line() -> None:
    text = SO_KH.replace("KT. GIÁM ĐỐC", "K/T GIÁM ĐỐC").replace("Lò Văn Tính", "Đại tá Lò Văn Tính")
    assert read(text)["signer"] == {"name": "Lò Văn Tính", "title": "Phó Giám đốc", "authority": "K/T Giám đốc"}


def test_a_bundle_has_its_first_documents_header_and_says_more_follow() -> None:
    draft = QUYET_DINH.replace("Lâm Hoàng Nghiệp", "")
    meta = read(SO_KH + "\n" + draft)
    assert (meta["number"], meta["doc_type"]) == ("215/KH-SNV", "Kế hoạch")
    assert meta["signer"]["name"] == "Lò Văn Tính"
    assert "bundle" in codes(meta)


def test_a_single_document_is_no_bundle() -> None:
    assert "bundle" not in codes(read(SO_KH))


def test_a_draft_says_so() -> None:
    draft = QUYET_DINH.replace("Số:       /QĐ-UBND", "Số:       /QĐ-UBND\n\nDỰ THẢO")
    assert "draft" in codes(read(draft)) and "draft" not in codes(read(QUYET_DINH))


# ---- PDFs laid out by position -------------------------------------------------------------------------------


def _page(lines: list[tuple[float, float, str, float]], path: Path) -> Path:
    """A one-page A4 PDF with each (x, y, text, size) drawn in Liberation Serif."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_font(fontname="serif", fontfile=str(FONT_DIR / "LiberationSerif-Regular.ttf"))
    for x, y, text, size in lines:
        page.insert_text((x, y), text, fontname="serif", fontsize=size)
    doc.save(path)
    return path


HEADER_LINES = [
    (440, 20, "Ký bởi: Sở Giáo dục và Đào tạo", 7),  # an e-signature box above the header
    (440, 29, "Thời gian ký: 12.05.2025 10:21:11 +07:00", 7),
    (100, 60, "UBND TỈNH BẮC KẠN", 12),
    (290, 60, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12),
    (100, 75, "SỞ GIÁO DỤC VÀ ĐÀO TẠO", 12),
    (320, 76, "Độc lập - Tự do - Hạnh phúc", 13),
    (110, 105, "Số: 871/SGDĐT-KHTC", 13),
    (300, 105, "Bắc Kạn, ngày 12 tháng 5 năm 2025", 13),
    (80, 122, "V/v triển khai kế hoạch bồi dưỡng", 12),
    (80, 136, "giáo viên năm học 2025 - 2026", 12),
    (60, 160, "ĐẾN Số: 2352 Ngày: 14/5/2025", 10),  # the receiving body's stamp
    (200, 180, "Kính gửi: Các trường trung học phổ thông.", 13),
    (100, 220, "Thực hiện Kế hoạch số 45/KH-UBND ngày 12/3/2025 của UBND tỉnh, Sở yêu cầu như sau.", 13),
    (90, 300, "Nơi nhận:", 12),
    (380, 300, "KT. GIÁM ĐỐC", 13),
    (90, 314, "- Như trên;", 11),
    (375, 316, "PHÓ GIÁM ĐỐC", 13),
    (90, 328, "- Lưu: VT.", 11),
    (370, 400, "Hoàng Thị Mai", 13),
]


@pytest.fixture(scope="module")
def by_position(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = _page(HEADER_LINES, tmp_path_factory.mktemp("pdf") / "cong-van.pdf")
    result: dict[str, Any] = run(path).model_dump(mode="json")
    return result


def test_pdf_header_zones_by_position(by_position: dict[str, Any]) -> None:
    doc = by_position["document"]
    assert doc["doc_type"] == "Công văn"
    assert doc["number"] == "871/SGDĐT-KHTC"
    assert doc["date"] == "2025-05-12"
    assert doc["issuer"] == "Sở Giáo dục và Đào tạo tỉnh Bắc Kạn"
    assert doc["issuer_parent"] == "UBND tỉnh Bắc Kạn"
    assert doc["title"] == "triển khai kế hoạch bồi dưỡng giáo viên năm học 2025 - 2026"
    assert doc["signer"] == {"name": "Hoàng Thị Mai", "title": "Phó Giám đốc", "authority": "KT. Giám đốc"}


def test_pdf_stamps_are_not_the_document(by_position: dict[str, Any]) -> None:
    doc = by_position["document"]
    assert doc["number"] != "2352" and "Ký bởi" not in (doc["issuer"] or "")
    assert doc["received_stamp"] is None or doc["received_stamp"]["number"] == "2352"


def test_pdf_evidence_boxes_lie_on_the_header(by_position: dict[str, Any]) -> None:
    sources = by_position["document"]["sources"]
    x0, _, x1, y1 = sources["number"]["bbox"]
    assert x0 >= 100 and y1 <= 110 and x1 < 300  # the `Số:` line in the left column, not the stamp below
    title_box = sources["title"]["bbox"]
    assert title_box[1] >= 110 and title_box[3] <= 140  # both lines of the V/v summary
    issuer_box = sources["issuer"]["bbox"]
    assert issuer_box[1] >= 45 and issuer_box[3] <= 80  # not the e-signature box at the top


def test_a_consolidated_text_takes_its_number_from_the_authentication_at_its_end() -> None:
    text = QUYET_DINH.replace("Số:       /QĐ-UBND\n", "").replace(
        "Lâm Hoàng Nghiệp", "Lâm Hoàng Nghiệp\n\nXÁC THỰC VĂN BẢN HỢP NHẤT\n\nSố: 05/VBHN-UBND"
    )
    meta = read(text)
    assert meta["number"] == "05/VBHN-UBND"
    assert meta["sources"]["number"]["text"] == "Số: 05/VBHN-UBND"


@pytest.mark.parametrize("slash", ["\u2044", "\u2215", "\uff0f"])
def test_a_number_written_with_a_fraction_or_full_width_slash_is_read(slash: str) -> None:
    # OCR gives U+2044 for a slanted "/", some e-office fonts U+2215 or the full-width solidus
    meta = read(SO_KH.replace("Số: 215/KH-SNV", f"Số: 215{slash}KH-SNV"))
    assert meta["number"] == "215/KH-SNV"
    assert "number_unreadable" not in codes(meta)

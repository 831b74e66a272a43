from __future__ import annotations

from pipeline.stages.ingest import ingest_bytes
from pipeline.stages.normalize import normalize
from pipeline.stages.structure import is_person_name, is_stamp, layout, marker

PLAN = """UBND TỈNH HÀ GIANG
BAN CHỈ ĐẠO TIÊM CHỦNG

Số: 12/KH-BCĐ

Hà Giang, ngày 05 tháng 3 năm 2024

KẾ HOẠCH

Triển khai tiêm chủng mở rộng năm 2024

Căn cứ Quyết định số 1234/QĐ-BYT ngày 01/02/2024 của Bộ Y tế về việc ban hành kế hoạch;

I. MỤC ĐÍCH

Nâng cao tỷ lệ tiêm chủng.

H. MỤC TIÊU

1. Mục tiêu chung

a) Đạt 95% trẻ em được tiêm đủ liều.

2.1. Tổ chức 10 đợt tiêm.

III. TỔ CHỨC THỰC HIỆN

1. Sở Y tế chủ trì.

Nơi nhận:
- Bộ Y tế;
- Lưu: VT.

KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Nguyễn Văn An
"""


def _layout():
    doc = normalize(ingest_bytes(PLAN.encode(), "plan.txt"))
    return doc, layout(doc)


def test_zones_of_another_provinces_plan() -> None:
    doc, lay = _layout()
    assert lay.doc_type == "Kế hoạch"
    assert [doc.paragraphs[i].text for i in lay.title] == ["Triển khai tiêm chủng mở rộng năm 2024"]
    assert [doc.paragraphs[i].text[:7] for i in lay.preamble] == ["Căn cứ "]
    assert [doc.paragraphs[i].text for i in lay.recipients] == ["Nơi nhận:", "- Bộ Y tế;", "- Lưu: VT."]
    assert doc.paragraphs[lay.signature[-1]].text == "Nguyễn Văn An"


def test_section_tree_with_ocr_misread_numeral() -> None:
    _, lay = _layout()
    tops = lay.sections
    assert [s.number for s in tops] == ["I", "II", "III"]  # `H.` read as the next numeral
    assert [s.topic for s in tops] == ["purpose", "targets", "implementation"]
    (goal,) = tops[1].children
    assert goal.heading == "Mục tiêu chung"
    assert [c.number for c in goal.children] == ["a", "2.1"]
    assert all(c.level == 3 for c in goal.children)


def test_markers() -> None:
    assert marker("II. MỤC TIÊU", "ii. muc tieu") == (1, "II", 4)
    assert marker("2.1. 100% bệnh nhân", "") == (3, "2.1", 5)
    assert marker("3. 100% các huyện", "") is not None
    assert marker("12.500 đơn vị máu", "") is None
    assert marker("2021 là năm", "") is None


def test_stamp_and_names() -> None:
    assert is_stamp("ĐỀN Số:.....112..... Ngày: 27 tháng 01 năm 2021")
    assert not is_stamp("Số: 33 /KH-BCĐ")
    assert is_person_name("Giàng Thị Dung")
    assert not is_person_name("PHÓ CHỦ TỊCH UBND TỈNH")
    assert not is_person_name("Chiptq.KH.02/T01")


def test_header_issuer_and_metadata_of_another_plan() -> None:
    from pipeline.stages.extract.metadata import extract_metadata

    doc, lay = _layout()
    meta = extract_metadata(doc, lay)
    assert meta.number == "12/KH-BCĐ"
    assert meta.date == "2024-03-05"
    assert meta.province == "Hà Giang"
    assert meta.issuer == "Ban Chỉ đạo tiêm chủng"
    assert meta.plan_year == 2024
    assert [b.number for b in meta.legal_bases] == ["1234/QĐ-BYT"]
    assert meta.legal_bases[0].issuer == "Bộ Y tế"
    assert meta.signer.model_dump() == {"name": "Nguyễn Văn An", "title": "Phó Chủ tịch", "authority": "KT. Chủ tịch"}

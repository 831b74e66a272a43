"""Word files as input: .docx (built here with python-docx, and a real one) and an old .doc through antiword."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import docx
import pytest

from pipeline.errors import CorruptFile, UnsupportedInput
from pipeline.stages.ingest import ingest, ingest_bytes
from pipeline.stages.validate import schema_errors

from .conftest import extracted

WORD = Path(__file__).parent / "data" / "word"


def plan_docx() -> bytes:
    """A small plan laid out as Word users lay it out: the Decree 30 header as a borderless 1x2 table, a bold title,
    numbered headings, a data table of four rows, and the signature block as a 1x2 table."""
    document = docx.Document()
    header = document.add_table(rows=1, cols=2)
    left, right = header.rows[0].cells
    left.text = "ỦY BAN NHÂN DÂN"
    left.add_paragraph("TỈNH LÀO CAI")
    left.add_paragraph("Số: 12/KH-UBND")
    right.text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    right.add_paragraph("Độc lập - Tự do - Hạnh phúc")
    right.add_paragraph("Lào Cai, ngày 05 tháng 3 năm 2024")
    title = document.add_paragraph()
    title.add_run("KẾ HOẠCH").bold = True
    document.add_paragraph().add_run("Tuyên truyền cải cách hành chính năm 2024").bold = True
    document.add_paragraph("MỤC ĐÍCH, YÊU CẦU", style="List Number")
    document.add_paragraph("Nâng cao nhận thức của cán bộ, công chức về cải cách hành chính.")
    document.add_paragraph("NỘI DUNG", style="List Number")
    data = document.add_table(rows=4, cols=3)
    for row, values in zip(
        data.rows,
        [("TT", "Nội dung", "Thời gian"), ("1", "Hội nghị quán triệt", "Quý I"), ("2", "Tập huấn", "Quý II"),
         ("3", "Kiểm tra", "Quý IV")],
        strict=True,
    ):  # fmt: skip
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    sign = document.add_table(rows=1, cols=2)
    sign.rows[0].cells[0].text = "Nơi nhận:"
    sign.rows[0].cells[1].text = "KT. CHỦ TỊCH"
    sign.rows[0].cells[1].add_paragraph("PHÓ CHỦ TỊCH")
    sign.rows[0].cells[1].add_paragraph("Nguyễn Văn An")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_docx_paragraphs_layout_tables_and_data_tables() -> None:
    raw = ingest_bytes(plan_docx(), "plan.docx")
    assert raw.input_kind == "docx" and raw.pages == 1
    texts = [line.text for line in raw.lines]
    # the header table reads one column after the other, as a header does in a PDF
    assert texts[:6] == [
        "ỦY BAN NHÂN DÂN",
        "TỈNH LÀO CAI",
        "Số: 12/KH-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Lào Cai, ngày 05 tháng 3 năm 2024",
    ]
    title = raw.lines[6]
    assert title.text == "KẾ HOẠCH" and title.bold and not raw.lines[9].bold
    # Word keeps list numbers apart from the text; they are put back
    assert texts[8:11] == [
        "1. MỤC ĐÍCH, YÊU CẦU",
        "Nâng cao nhận thức của cán bộ, công chức về cải cách hành chính.",
        "2. NỘI DUNG",
    ]
    assert texts[-4:] == ["Nơi nhận:", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn An"]
    assert len({line.block for line in raw.lines}) == len(raw.lines) - 6  # the paragraphs of a cell share its block
    [table] = raw.tables
    assert [[c.text for c in row] for row in table.rows] == [
        ["TT", "Nội dung", "Thời gian"],
        ["1", "Hội nghị quán triệt", "Quý I"],
        ["2", "Tập huấn", "Quý II"],
        ["3", "Kiểm tra", "Quý IV"],
    ]


def test_docx_goes_through_the_pipeline_to_a_valid_result(tmp_path: Path) -> None:
    path = tmp_path / "plan.docx"
    path.write_bytes(plan_docx())
    result = extracted(path)
    assert schema_errors(result) == []
    assert result["source"]["input_kind"] == "docx"
    assert result["document"]["doc_type"] == "Kế hoạch"


def test_a_word_file_is_known_by_its_bytes_not_its_name() -> None:
    raw = ingest_bytes(plan_docx(), "plan.pdf")
    assert raw.input_kind == "docx"


def test_real_docx_with_a_four_column_header_table() -> None:
    raw = ingest(WORD / "d03.docx")
    texts = [line.text for line in raw.lines]
    assert texts[:3] == ["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG", "Số: /UBND-NC"]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts[3:8]
    assert texts.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") < texts.index("Độc lập - Tự do - Hạnh phúc")


def test_docx_header_read_column_after_column(tmp_path: Path) -> None:
    """The issuer column (issuer, `Số:` line) comes before the motto in a Word file's order: it is the header's."""
    path = tmp_path / "plan.docx"
    path.write_bytes(plan_docx())
    document = extracted(path)["document"]
    assert document["issuer"] == "UBND tỉnh Lào Cai"
    assert (document["number"], document["date"]) == ("12/KH-UBND", "2024-03-05")
    assert document["title"] == "Tuyên truyền cải cách hành chính năm 2024"


def test_real_docx_cong_van_with_blank_number() -> None:
    """A real draft Công văn: the `V/v` line between the number and the motto is its title; number and day blank."""
    result = extracted(WORD / "d03.docx")
    document = result["document"]
    assert (document["doc_type"], document["issuer"]) == ("Công văn", "UBND tỉnh Lâm Đồng")
    assert document["title"].startswith("tham mưu triển khai Kế hoạch số 996/KH-TCTLNTW-C04 và Kế hoạch số 997/")
    assert document["number"] is None and document["date"] is None
    assert {"no_number", "no_date"} <= {w["code"] for w in result["warnings"]}
    assert not {"no_issuer", "no_doc_type", "no_title"} & {w["code"] for w in result["warnings"]}


def test_real_docx_two_level_issuer_and_a_title_that_opens_with_thuc_hien() -> None:
    document = extracted(WORD / "d25.docx")["document"]
    assert (document["issuer"], document["issuer_parent"]) == ("Sở Công Thương tỉnh Lào Cai", "UBND tỉnh Lào Cai")
    assert document["doc_type"] == "Kế hoạch"
    assert document["title"].startswith("Thực hiện Đề án số 08 về phát triển công nghiệp tỉnh Lào Cai")
    assert "Ban hành kèm theo" not in document["title"]


@pytest.mark.skipif(shutil.which("antiword") is None, reason="antiword is not installed (make setup installs it)")
def test_real_doc_through_antiword() -> None:
    raw = ingest(WORD / "d13.doc")
    assert raw.input_kind == "doc"
    texts = [line.text for line in raw.lines]
    assert texts[:3] == ["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG", "Số: /KH-UBND"]
    assert "KẾ HOẠCH" in texts
    heading = next(line for line in raw.lines if line.text == "KẾ HOẠCH")
    assert heading.bold
    assert any(text.startswith("Thực hiện Quyết định số 1001/QĐ-TTg ngày 27/6/2011") for text in texts)
    result = extracted(WORD / "d13.doc")
    assert schema_errors(result) == [] and result["source"]["input_kind"] == "doc"


def test_doc_without_antiword_says_how_to_convert(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.stages.ingest import word

    monkeypatch.setattr(word.shutil, "which", lambda name: None)
    with pytest.raises(UnsupportedInput, match=r"antiword.*save the file as \.docx or PDF"):
        ingest(WORD / "d13.doc")


@pytest.mark.skipif(shutil.which("antiword") is None, reason="antiword is not installed (make setup installs it)")
def test_old_office_file_that_is_not_word() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000
    with pytest.raises(UnsupportedInput, match="old Word file antiword cannot read"):
        ingest_bytes(data, "sheet.doc")


def test_zip_that_is_not_a_word_document() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(UnsupportedInput, match=r"is named \.docx but is not a Word document \(it starts with a ZIP"):
        ingest_bytes(buf.getvalue(), "plan.docx")


def test_broken_word_document() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document>not closed")
    with pytest.raises(CorruptFile, match="cannot be read as a Word document"):
        ingest_bytes(buf.getvalue(), "plan.docx")

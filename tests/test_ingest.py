from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from pipeline.errors import CorruptPdf, EncryptedPdf, NoText, NotFound, NotPdf, TooLarge, UnsupportedInput
from pipeline.stages.ingest import IngestOptions, ingest, ingest_bytes
from pipeline.stages.ingest.ocr import parse_tsv, words_to_lines
from pipeline.stages.ingest.text import read_text, strip_markup

from .conftest import SAMPLES

LAYER = SAMPLES / "001_3e86aff22814d78e.layer.pdf"


def test_markdown_marks_are_read_and_dropped() -> None:
    assert strip_markup("#### **I. MỤC ĐÍCH, YÊU CẦU**") == ("I. MỤC ĐÍCH, YÊU CẦU", True, False)
    assert strip_markup("- *Quý I năm 2021:*") == ("- Quý I năm 2021:", False, False)
    assert strip_markup("<i>02</i>") == ("02", False, True)


def test_text_tables_are_tables() -> None:
    lines, tables = read_text("Bảng\n\nTT\tTên\tChỉ tiêu\n1\tSở Y tế\t250\n\nSau bảng")
    assert [ln.text for ln in lines] == ["Bảng", "Sau bảng"]
    assert [[c.text for c in row] for row in tables[0].rows] == [["TT", "Tên", "Chỉ tiêu"], ["1", "Sở Y tế", "250"]]


def test_text_layer_lines_have_boxes_fonts_and_no_table_text() -> None:
    raw = ingest(LAYER)
    assert raw.input_kind == "pdf" and raw.ocr_pages == ()
    heading = next(ln for ln in raw.lines if ln.text == "KẾ HOẠCH")
    assert heading.bold and heading.size == 14 and heading.bbox is not None
    assert not any("Đại học Sư phạm" in ln.text for ln in raw.lines)  # it lives in the table


def test_ruled_table_is_read_with_its_group_rows() -> None:
    (table,) = ingest(LAYER).tables
    rows = [[c.text for c in row] for row in table.rows]
    assert rows[1][:2] == ["I", "Đại học Thái Nguyên"]
    assert ["1", "Đại học Sư phạm", "800", "1, 5, 11"] in rows
    assert rows[-1][1:3] == ["TỔNG SỐ", "24.500 đơn vị máu"]
    assert len(rows) == 1 + 4 + 29 - 1 + 1  # heading, 4 group rows, 28 numbered rows, total (group IV has its own)


def test_tesseract_tsv_to_lines_splits_columns() -> None:
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        "5\t1\t1\t1\t1\t1\t100\t100\t80\t20\t95\tNơi\n"
        "5\t1\t1\t1\t1\t2\t190\t100\t80\t20\t93\tnhận:\n"
        "5\t1\t1\t1\t1\t3\t900\t100\t60\t20\t91\tKT.\n"
        "5\t1\t1\t1\t1\t4\t970\t100\t90\t20\t90\tCHỦ\n"
    )
    lines = words_to_lines(parse_tsv(tsv), page=1, scale=72 / 200)
    assert [ln.text for ln in lines] == ["Nơi nhận:", "KT. CHỦ"]
    assert lines[0].block != lines[1].block
    assert lines[0].confidence == 0.94 and lines[0].bbox == (36.0, 36.0, 97.2, 43.2)


def test_mixed_pdf_ocrs_only_pages_without_text(tmp_path: Path) -> None:
    scan = pymupdf.open(SAMPLES / "000_475196faf128e58a.scan.pdf")
    layer = pymupdf.open(SAMPLES / "000_475196faf128e58a.layer.pdf")
    mixed = pymupdf.open()
    mixed.insert_pdf(layer, from_page=0, to_page=0)
    mixed.insert_pdf(scan, from_page=1, to_page=1)
    path = tmp_path / "mixed.pdf"
    mixed.save(path)
    raw = ingest(path)
    assert raw.ocr_pages == (2,)
    assert any(ln.page == 2 and ln.ocr for ln in raw.lines)
    assert any(ln.page == 1 and not ln.ocr for ln in raw.lines)


# ---- bad input: each case a specific error, by type and message -----------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="no such file"):
        ingest(tmp_path / "absent.pdf")


def test_empty_file_named_pdf(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    with pytest.raises(NotPdf, match="empty"):
        ingest(path)


def test_html_named_pdf(tmp_path: Path) -> None:
    path = tmp_path / "page.pdf"
    path.write_text("<!DOCTYPE html><html><body>Kế hoạch</body></html>")
    with pytest.raises(NotPdf, match="HTML"):
        ingest(path)


def test_docx_named_pdf() -> None:
    with pytest.raises(NotPdf, match="ZIP"):
        ingest_bytes(b"PK\x03\x04" + b"\x00" * 100, "plan.pdf")


def test_truncated_pdf() -> None:
    data = LAYER.read_bytes()[:1500]
    with pytest.raises(CorruptPdf):
        ingest_bytes(data, "cut.pdf")


def test_encrypted_pdf(tmp_path: Path) -> None:
    doc = pymupdf.open(LAYER)
    path = tmp_path / "locked.pdf"
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="owner")
    with pytest.raises(EncryptedPdf, match="password"):
        ingest(path)


def test_too_many_pages() -> None:
    with pytest.raises(TooLarge, match="max-pages"):
        ingest(LAYER, IngestOptions(max_pages=3))


def test_too_many_bytes() -> None:
    with pytest.raises(TooLarge, match="max-bytes"):
        ingest(LAYER, IngestOptions(max_bytes=1000))


def test_blank_pdf_has_no_text(tmp_path: Path) -> None:
    doc = pymupdf.open()
    doc.new_page()
    path = tmp_path / "blank.pdf"
    doc.save(path)
    with pytest.raises(NoText):
        ingest(path)


def test_unsupported_suffix(tmp_path: Path) -> None:
    path = tmp_path / "plan.docx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(UnsupportedInput, match="unsupported"):
        ingest(path)


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValueError, match="ocr must be"):
        IngestOptions(ocr="sometimes")  # type: ignore[arg-type]


def test_legacy_8bit_text_is_read_with_a_warning() -> None:
    # Windows-1258 has letters like `ô` but writes most tone marks as combining characters
    from pipeline.stages.normalize.unicode import _split_tone

    text = "".join(base + tone for base, tone in map(_split_tone, "Kế hoạch tại Hà Nội"))
    raw = ingest_bytes(text.encode("cp1258"), "old.txt")
    assert raw.warnings[0].code == "legacy_encoding"
    from pipeline.stages.normalize import normalize

    (p,) = normalize(raw).paragraphs
    assert p.text == "Kế hoạch tại Hà Nội"  # decoded and composed to NFC
    assert {f.rule for f in p.fixes} == {"legacy.cp1258.v1"}


def test_ocr_cache_answers_the_second_call_without_tesseract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.stages.ingest import ocr

    page = pymupdf.open()
    page.new_page(width=200, height=60).insert_text((10, 40), "Số: 33/KH-BCĐ", fontsize=14)
    image = page[0].get_pixmap(dpi=150, colorspace=pymupdf.csGRAY).tobytes("pnm")
    monkeypatch.setenv(ocr.CACHE_ENV, str(tmp_path))
    first = ocr.run_tesseract(image, "vie", 60, 150)
    assert len(list(tmp_path.rglob("*.tsv"))) == 1

    def no_tesseract(*args: object, **kwargs: object) -> None:
        raise AssertionError("Tesseract ran although the cache holds the answer")

    monkeypatch.setattr(ocr.subprocess, "run", no_tesseract)
    assert ocr.run_tesseract(image, "vie", 60, 150) == first
    assert "33/KH" in " ".join(w.text for w in ocr.parse_tsv(first))

"""TCVN3 and VNI mojibake back to Unicode: round trips of real sentences, and what must never be touched."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pipeline.stages.ingest import ingest_bytes
from pipeline.stages.normalize import normalize, normalize_text
from pipeline.stages.normalize.legacy import legacy_edits, tables

from .conftest import ROOT

SENTENCES = [
    "Kế hoạch tổ chức Ngày hội hiến máu tình nguyện năm 2021",
    "Ủy ban nhân dân tỉnh Quảng Ngãi ban hành kế hoạch triển khai tiêm chủng mở rộng",
    "KẾ HOẠCH THỰC HIỆN CHƯƠNG TRÌNH MỤC TIÊU QUỐC GIA XÂY DỰNG NÔNG THÔN MỚI",
    "Sở Giáo dục và Đào tạo chủ trì, phối hợp với các huyện xóa mù chữ cho người dân",
    "Đài Phát thanh - Truyền hình tỉnh tuyên truyền về chuyển đổi số trong năm 2025",
]


def tcvn3(text: str) -> str:
    """Encode with glibc's own converter (independent of vnplan's table), read back as a PDF gives it: Latin-1."""
    done = subprocess.run(["iconv", "-f", "UTF-8", "-t", "TCVN5712-1"], input=text.encode(), capture_output=True)
    assert done.returncode == 0
    return done.stdout.decode("latin-1")


def vni(text: str) -> str:
    inverse = {v: k for k, v in tables()["vni"].items()}
    return "".join(inverse.get(ch, ch) for ch in text)


@pytest.mark.parametrize("sentence", SENTENCES)
@pytest.mark.parametrize("encode", [tcvn3, vni], ids=["tcvn3", "vni"])
def test_round_trip(sentence: str, encode: object) -> None:
    mojibake = encode(sentence)  # type: ignore[operator]
    assert mojibake != sentence
    result = normalize_text(mojibake)
    assert result.text == sentence
    assert result.fixes and result.fixes[0].rule.startswith("legacy.")


def test_known_vni_example() -> None:
    # the example that VNI converters document: "Xin chào các bạn"
    assert normalize_text("Xin chaøo caùc baïn").text == "Xin chào các bạn"


@pytest.mark.parametrize(
    "text",
    [
        "Plan 2021: 6.000 units, 97,5% of them voluntary.",
        "Café, résumé, naïve and façade are French words.",
        "Hoà Bình, Khánh Hoà, Thanh Hoá",
        "Kế hoạch số 33/KH-BCĐ ngày 29/01/2021",
        "Tổng: 24.500 đơn vị máu",
    ],
)
def test_unicode_english_and_numbers_are_never_decoded(text: str) -> None:
    assert legacy_edits(text) == []


def test_mixed_document_is_decoded_per_span() -> None:
    text = "KẾ HOẠCH\n\n" + tcvn3("Tổ chức phong trào hiến máu tình nguyện năm 2021") + "\n\nNơi nhận: Sở Y tế"
    doc = normalize(ingest_bytes(text.encode("utf-8"), "mixed.txt"))
    assert [p.text for p in doc.paragraphs] == [
        "KẾ HOẠCH",
        "Tổ chức phong trào hiến máu tình nguyện năm 2021",
        "Nơi nhận: Sở Y tế",
    ]
    assert {f.rule for p in doc.paragraphs for f in p.fixes} == {"legacy.tcvn3.v1"}


def test_committed_tables_are_what_the_script_builds(tmp_path: object) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    import build_legacy_tables

    committed = json.loads((ROOT / "pipeline" / "data" / "legacy_encodings.json").read_text("utf-8"))
    assert committed["tcvn3"] == build_legacy_tables.tcvn3_table()
    assert committed["vni"] == build_legacy_tables.vni_table()


def test_pdf_with_a_tcvn3_text_layer(tmp_path: object) -> None:
    """A plan typed in a .VnTime font: its text layer is mojibake; the result is Unicode."""
    from pathlib import Path

    import pymupdf

    from pipeline import extract_file

    lines = ["Sè: 12/KH-UBND", "Hµ Giang, ngµy 05 th¸ng 3 n¨m 2024", "KÕ HO¹CH",
             "TriÓn khai tiªm chñng më réng n¨m 2024"]  # fmt: skip
    assert tcvn3("Triển khai tiêm chủng mở rộng năm 2024") == lines[3]
    doc = pymupdf.open()
    page = doc.new_page()
    for n, text in enumerate(lines):
        page.insert_text((72, 80 + 24 * n), text, fontname="helv", fontsize=12)
    path = Path(str(tmp_path)) / "vntime.pdf"
    doc.save(path)
    result = extract_file(path).model_dump(mode="json")
    assert result["document"]["number"] == "12/KH-UBND"
    assert result["document"]["date"] == "2024-03-05"
    assert result["document"]["title"] == "Triển khai tiêm chủng mở rộng năm 2024"
    assert result["document"]["province"] == "Hà Giang"
    assert {c["rule"] for c in result["corrections"]} >= {"legacy.tcvn3.v1"}


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_8bit_text_file_in_a_legacy_encoding(encoding: str) -> None:
    """A .txt saved by old office software: its bytes, whatever the encoding, come out as Unicode."""
    sentence = SENTENCES[0]
    data = (tcvn3(sentence) if encoding == "tcvn3" else vni(sentence)).encode("latin-1")
    doc = normalize(ingest_bytes(data, "old.txt"))
    assert [p.text for p in doc.paragraphs] == [sentence]

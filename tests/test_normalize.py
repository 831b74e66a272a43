from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.records import Line
from pipeline.stages.normalize import normalize_text
from pipeline.stages.normalize.edits import Edit, TrackedText, apply_edits
from pipeline.stages.normalize.paragraphs import group_lines


def test_apply_edits_maps_offsets_back() -> None:
    text, offsets = apply_edits("abc def", [Edit(4, 7, "xy", "t")])
    assert text == "abc xy"
    assert offsets[4] == 4 and offsets[5] == 5 and offsets[-1] == 7


def test_tracked_text_logs_fixes_in_raw_coordinates() -> None:
    t = TrackedText("a\u00a0b  hoà")
    t.apply([Edit(1, 2, " ", "r1")])
    t.apply([Edit(3, 5, " ", "r2")])
    assert t.text == "a b hoà"
    assert [(f.start, f.end, f.rule) for f in t.fixes] == [(1, 2, "r1"), (3, 5, "r2")]
    assert t.offsets[4] == 5  # 'h' sits at raw offset 5


@pytest.mark.parametrize(
    ("raw", "fixed"),
    [
        ("hoà bình", "hòa bình"),
        ("Khánh Hoà", "Khánh Hòa"),
        ("thuỷ lợi", "thủy lợi"),
        ("sức khoẻ", "sức khỏe"),
        ("Uỷ ban", "Ủy ban"),
        ("qúy II", "quý II"),
        ("Quý II", "Quý II"),
        ("hoàn thành", "hoàn thành"),  # closed syllable: the mark belongs on the second vowel
        ("ngoài", "ngoài"),
        ("quả", "quả"),
        ("THUỶ LỢI, QÚY I", "THỦY LỢI, QUÝ I"),  # capitals: the words are found whatever their case
        ("tỉnh Khánh Hoà, Thanh Hoá và Quảng Trị khoẻ", "tỉnh Khánh Hòa, Thanh Hóa và Quảng Trị khỏe"),
        ("hoà-nhập (khoẻ)", "hòa-nhập (khỏe)"),
    ],
)
def test_one_tone_placement(raw: str, fixed: str) -> None:
    assert normalize_text(raw).text == fixed


@pytest.mark.parametrize(
    ("raw", "fixed"),
    [
        ("BCĐ\u00d0 HMTN", "BCĐ HMTN"),  # Tesseract's doubled Đ
        ("ðơn vị", "đơn vị"),
        ("a\u00adb\u200bc", "abc"),
        ("x\u00a0y", "x y"),
    ],
)
def test_stray_and_lookalike_characters(raw: str, fixed: str) -> None:
    assert normalize_text(raw).text == fixed


def test_no_correct_keeps_tone_placement() -> None:
    from pipeline.stages.normalize import NormalizeOptions

    assert normalize_text("hoà", NormalizeOptions(correct=False)).text == "hoà"


def test_english_and_numbers_untouched() -> None:
    text = "Plan 2021: 6.000 units (97,5%) via email vanphong@gmail.com"
    assert normalize_text(text).text == text


def test_a_correction_gives_its_neighbour_context_in_the_same_run() -> None:
    """Found by the property below: `chỉ dAO` reads as `chỉ đạo` only once `cHI` is `chỉ`; a second run must not
    change anything more."""
    once = normalize_text("BAN cHI dAO").text
    assert once == "BAN chỉ đạo"
    assert normalize_text(once).text == once


@settings(max_examples=300)
@given(st.text())
def test_normalize_properties(raw: str) -> None:
    raw = unicodedata.normalize("NFC", raw)
    once = normalize_text(raw)
    assert unicodedata.is_normalized("NFC", once.text) or not unicodedata.is_normalized("NFC", raw)
    assert normalize_text(once.text).text == once.text  # idempotent
    assert len(once.offsets) == len(once.text) + 1
    assert all(0 <= o <= len(raw) for o in once.offsets)


def _line(text: str, block: int, page: int = 1, bold: bool = False) -> Line:
    return Line(page=page, text=text, block=block, bold=bold)


def test_lines_group_into_items_and_rejoin_across_pages() -> None:
    lines = [
        _line("I. MỤC ĐÍCH", 0, bold=True),
        _line("- Tổ chức các buổi truyền thông đến các đối tượng đủ", 1),
        _line("điều kiện hiến máu.", 2, page=2),
        _line("- Mục khác.", 3, page=2),
    ]
    groups = group_lines(lines)
    assert [" ".join(ln.text for ln in g) for g in groups] == [
        "I. MỤC ĐÍCH",
        "- Tổ chức các buổi truyền thông đến các đối tượng đủ điều kiện hiến máu.",
        "- Mục khác.",
    ]


def test_ocr_lines_part_at_a_short_sentence_end_and_join_across_a_cut_symbol() -> None:
    """OCR boxes (s19's page 6, as Tesseract blocked it): a heading that ends well short of the margin is a
    paragraph of its own though Tesseract put it in the next one's block; a symbol cut after its hyphen
    (`2104/QĐ-` + `UBND ngày …`) runs on into the next block."""
    lines = [
        Line(1, "5. Công tác cai nghiện ma túy tại gia đình, cộng đồng.", (125.8, 701.8, 447.8, 718.1), block=1),
        Line(1, "Công an tỉnh đã tham mưu UBND tỉnh ban hành quyết định số 2104/QĐ-", (125.8, 721.9, 546.7, 743.5),
             block=1),
        Line(1, "UBND ngày 13/11/2025 về công bố danh mục thủ tục.", (91.2, 737.8, 547.2, 757.0), block=2),
        Line(1, "Đã tổ chức 12 lớp tập huấn.", (125.8, 761.0, 320.0, 779.0), block=3),
    ]  # fmt: skip
    groups = [" ".join(ln.text for ln in g) for g in group_lines(lines)]
    assert groups == [
        "5. Công tác cai nghiện ma túy tại gia đình, cộng đồng.",
        "Công an tỉnh đã tham mưu UBND tỉnh ban hành quyết định số 2104/QĐ- UBND ngày 13/11/2025 về công bố danh "
        "mục thủ tục.",
        "Đã tổ chức 12 lớp tập huấn.",
    ]


def test_words_broken_at_line_ends_are_rejoined() -> None:
    from pipeline.records import RawDocument
    from pipeline.stages.normalize import normalize

    lines = (
        Line(page=1, text="Căn cứ Quyết định số 103/QĐ-", block=0),
        Line(page=1, text="BCĐQG; Đài Phát thanh -", block=0),
        Line(page=1, text="Truyền hình tỉnh; tổ chức ki\u00ad", block=0),
        Line(page=1, text="ểm tra.", block=0),
    )
    doc = normalize(RawDocument("x.txt", "0" * 64, "text", 1, lines))
    (p,) = doc.paragraphs
    assert p.text == "Căn cứ Quyết định số 103/QĐ-BCĐQG; Đài Phát thanh - Truyền hình tỉnh; tổ chức kiểm tra."
    assert [f.rule for f in p.fixes] == ["layout.hyphen_join.v1", "layout.soft_hyphen_join.v1"]
    start, end = p.raw_span(p.text.index("BCĐQG"), p.text.index("BCĐQG") + 5)
    assert p.raw[start:end] == "BCĐQG"  # spans still map back to the raw text


def test_a_typed_document_never_counts_the_syllable_pairs_of_ocr_corrections(monkeypatch: pytest.MonkeyPatch) -> None:
    # the pairs serve the OCR corrections only, which typed text never gets: counting them cost a tenth of a
    # text-layer document's normalize time
    from pipeline import stages
    from pipeline.records import RawDocument
    from pipeline.stages.normalize import normalize

    def refuse(texts: list[str]) -> None:
        raise AssertionError("counted")

    monkeypatch.setattr(stages.normalize, "document_pairs", refuse)
    typed = (Line(page=1, text="Sở Y tế chủ trì, phối hợp với các đơn vị.", block=0),)
    doc = normalize(RawDocument("x.pdf", "0" * 64, "pdf", 1, typed))
    assert doc.paragraphs[0].text == "Sở Y tế chủ trì, phối hợp với các đơn vị."
    read = (Line(page=1, text="Sở Y tế chủ trì, phối hợp với các đơn vị.", block=0, ocr=True),)
    with pytest.raises(AssertionError, match="counted"):
        normalize(RawDocument("x.pdf", "0" * 64, "pdf", 1, read, ocr_pages=(1,)))

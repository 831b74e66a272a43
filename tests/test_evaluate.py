"""vnplan eval's matching: gold keys found in extracted items, exactly or with an OCR slip, never loosely; header
fields right, wrong or null."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.tools.evaluate import (
    body_matches,
    evaluate_header_dirs,
    header_key,
    header_totals,
    score_header,
    target_matches,
)


def test_a_target_key_matches_through_an_ocr_slip_but_not_another_phrase() -> None:
    item = {"value": 95, "unit": "%", "comparator": ">=", "text": "Phấn đấu 95% số xã đạt chuấn nông thôn rnới"}
    assert target_matches({"value": 95, "unit": "%", "key": "xã đạt chuẩn nông thôn mới"}, item)
    assert not target_matches({"value": 95, "unit": "%", "key": "hộ gia đình văn hóa"}, item)
    assert not target_matches({"value": 90, "unit": "%", "key": "xã đạt chuẩn nông thôn mới"}, item)
    assert not target_matches({"value": 95, "unit": "%", "comparator": "=", "key": "nông thôn"}, item)


def test_body_names_match_whole_or_with_a_slip_not_by_a_fragment() -> None:
    assert body_matches("Sở Giáo dục và Đào tạo", {"name": "Sở Giáo dục và Đào tạo tỉnh", "canonical_name": ""})
    assert body_matches("Sở Lao động - Thương binh và Xã hội", {"name": "Sở Lao động - Thương binh và Xà hội"})
    assert not body_matches("Sở Y tế", {"name": "Sở Y tế và các đơn vị trực thuộc trên địa bàn tỉnh"})
    assert not body_matches("Sở Tài chính", {"name": "Sở Tư pháp"})


# ---- header fields ---------------------------------------------------------------------------------------------


def _doc(**fields: object) -> dict[str, object]:
    return {"document": fields}


def test_header_right_wrong_and_null_are_told_apart() -> None:
    gold = _doc(number="33/KH-BCĐ", date="2021-01-29", title="Tổ chức hiến máu", signer={"name": "Lò Văn A"})
    result = _doc(number="33/KH-BCD", date=None, title="tổ chức hiến máu.", signer={"name": "Lò Văn B"})
    scores = score_header(gold, result)
    assert (scores["number"].right, scores["number"].wrong) == (0, 1)  # Đ is not D in a symbol
    assert (scores["date"].right, scores["date"].wrong) == (0, 0)  # null: neither right nor wrong
    assert (scores["title"].right, scores["title"].wrong) == (1, 0)  # letter case and a final stop
    assert (scores["signer.name"].right, scores["signer.name"].wrong) == (0, 1)
    assert scores["issuer"].gold == 0  # the gold gives no issuer: not counted


def test_header_keys_tolerate_only_what_does_not_change_the_value() -> None:
    assert header_key("issuer", "UBND tỉnh Quảng Ngãi") == header_key("issuer", "Ủy ban nhân dân Tỉnh Quảng Ngãi")
    assert header_key("issuer", "UBND tỉnh Quảng Ngãi") != header_key("issuer", "Tỉnh Quảng Ngãi")
    assert header_key("number", "01/QĐ-TTg") == header_key("number", "01 /QĐ-TTG")
    assert header_key("number", "01/QĐ-TTg") != header_key("number", "1/QĐ-TTg")
    assert header_key("title", "Tết Nhâm Dần-năm 2022") == header_key("title", "Tết Nhâm Dần - năm 2022")
    assert header_key("date", "2025-01-08") != header_key("date", "2025-01-18")


def test_a_skipped_gold_and_a_missing_result(tmp_path: Path) -> None:
    gold, results = tmp_path / "gold", tmp_path / "results"
    gold.mkdir()
    results.mkdir()
    (gold / "a.json").write_text(json.dumps(_doc(number="5/KH-UBND")), "utf-8")
    (gold / "b.json").write_text(json.dumps({"skip": True, **_doc(number="6/KH-UBND")}), "utf-8")
    (gold / "c.json").write_text(json.dumps(_doc(number="7/KH-UBND")), "utf-8")
    (results / "a.json").write_text(json.dumps(_doc(number="5/KH-UBND")), "utf-8")
    scored, missing = evaluate_header_dirs(gold, results)
    assert missing == ["c"] and sorted(scored) == ["a", "c"]
    total = header_totals(scored)["number"]
    assert (total.gold, total.right, total.wrong) == (2, 1, 0)

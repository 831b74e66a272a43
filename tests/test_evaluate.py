"""vnplan eval's matching: gold keys found in extracted items, exactly or with an OCR slip, never loosely."""

from __future__ import annotations

from pipeline.tools.evaluate import body_matches, target_matches


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

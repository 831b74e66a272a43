"""How vi/names.py reads the bodies a clause names (lists, kinds, where a name ends)."""

from __future__ import annotations

import pytest

from pipeline.vi.names import is_body_name, names_in, subject_names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # kinds after a collective of kinds are more kinds of the same collective
        ("các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ", ["Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ"]),
        ("Các cơ quan, đơn vị có liên quan", ["Các cơ quan, đơn vị có liên quan"]),
        # after a named body, a kind in a list is one more body
        ("Sở Y tế, cơ quan thông tấn báo chí", ["Sở Y tế", "Cơ quan thông tấn báo chí"]),
        ("Sở Tư pháp, Sở Nội vụ và", ["Sở Tư pháp", "Sở Nội vụ"]),
        ("Các sở, ban, ngành Tỉnh", ["Các sở, ban, ngành Tỉnh"]),  # `ngành Tỉnh` is no sector: `Tỉnh` is a level
        ("Cục Thuế tỉnh, ngành Thuế", ["Cục Thuế tỉnh", "Ngành Thuế"]),
    ],
)
def test_lists_of_bodies(text: str, names: list[str]) -> None:
    assert names_in(text) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Trung tâm Dịch vụ việc làm tỉnh chủ trì", ["Trung tâm Dịch vụ việc làm tỉnh"]),  # việc làm: a noun
        ("Ban Quản lý Chương trình trình Ủy ban nhân dân tỉnh", ["Ban Quản lý Chương trình"]),
        ("Ban An toàn giao thông tỉnh giao Công an tỉnh chủ trì", ["Ban An toàn giao thông tỉnh"]),
        ("UBND tỉnh. Theo báo cáo của Văn phòng", ["UBND tỉnh"]),
        ("UBND TP. Hồ Chí Minh chủ trì", ["UBND TP. Hồ Chí Minh"]),  # an abbreviation's stop is no sentence's end
        ("Hội đồng có trách nhiệm thẩm định hồ sơ", ["Hội đồng"]),
        ("Các cơ quan được phân công chủ trì thực hiện", []),
    ],
)
def test_where_the_names_of_a_clause_end(text: str, names: list[str]) -> None:
    assert subject_names(text)[0] == names


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("Cơ quan chủ trì", False), ("Đơn vị phối hợp", False), ("Bộ chỉ số", False), ("Trường hợp hồ sơ", False),
        ("Bộ Công an", True), ("Cơ quan Cảnh sát điều tra", True), ("Bộ Chỉ huy Quân sự tỉnh", True),
    ],
)  # fmt: skip
def test_labels_and_sets_are_no_bodies(name: str, body: bool) -> None:
    assert is_body_name(name) is body

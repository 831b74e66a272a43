"""Extractors fed a Document (ingest of a short text, then normalize and structure), not a whole file's run."""

from __future__ import annotations

import json

from pipeline.records import Document
from pipeline.stages.extract import extract
from pipeline.stages.extract.bodies import extract_bodies
from pipeline.stages.extract.events import extract_events
from pipeline.stages.extract.targets import EVIDENCE_MAX, extract_targets
from pipeline.stages.ingest import ingest_bytes
from pipeline.stages.normalize import normalize
from pipeline.stages.structure import Layout, layout

from .hostile import numbers_list

HEAD = "UBND TỈNH NGHỆ AN\nSố: 45/KH-UBND\nNghệ An, ngày 10 tháng 01 năm 2024\nKẾ HOẠCH\nTriển khai năm 2024\n\n"


def read(body: str) -> tuple[Document, Layout]:
    doc = normalize(ingest_bytes((HEAD + body).encode(), "plan.txt"))
    return doc, layout(doc)


def test_targets_keep_value_unit_comparator_and_metric() -> None:
    doc, lay = read(
        "I. MỤC TIÊU\nPhấn đấu toàn tỉnh tiếp nhận 12.000 đơn vị máu trở lên; "
        "tỷ lệ người hiến máu nhắc lại đạt ít nhất 30%.\n"
    )
    found = [(t.value, t.unit, t.comparator, t.metric) for t in extract_targets(doc, lay, 2024, 2024)]
    assert found == [
        (12000, "đơn vị máu", ">=", "toàn tỉnh tiếp nhận đơn vị máu"),
        (30, "%", ">=", "tỷ lệ người hiến máu nhắc lại"),
    ]


def test_a_target_in_a_long_sentence_keeps_its_clause_not_the_sentence() -> None:
    """A sentence of a thousand numbers once wrote itself out a thousand times (issue 17: 16 kB gave 259 MB)."""
    doc, lay = read(f"I. MỤC TIÊU\nPhấn đấu {numbers_list(1000)}.\n")
    targets = extract_targets(doc, lay, 2024, 2024)
    assert [t.value for t in targets[:3]] == [2, 3, 4]
    assert all(len(t.text) <= EVIDENCE_MAX + 20 for t in targets)
    assert targets[500].text.count("%") < 20 and f"đạt {501 % 97 + 1}% số xã loại 501" in targets[500].text
    written = sum(len(json.dumps(t.model_dump(mode="json"), ensure_ascii=False)) for t in targets)
    assert written < 2_000 * len(targets)


def test_events_of_a_period_and_bodies_of_numbered_sections() -> None:
    doc, lay = read(
        "I. NHIỆM VỤ\n1. Từ tháng 5/2024 đến tháng 9/2024 tổ chức các đợt hiến máu lưu động.\n"
        "II. TỔ CHỨC THỰC HIỆN\n1. Công an tỉnh: bảo đảm an ninh trật tự tại các điểm hiến máu.\n"
        "2. Sở Tài chính: bố trí kinh phí thực hiện Kế hoạch.\n"
    )
    events = [(e.name, e.date_start, e.date_end) for e in extract_events(doc, lay, 2024)]
    assert ("Tổ chức các đợt hiến máu lưu động", "2024-05", "2024-09") in events
    bodies = {b.name: [t.text for t in b.tasks] for b in extract_bodies(doc, lay)}
    assert bodies["Công an tỉnh"] == ["bảo đảm an ninh trật tự tại các điểm hiến máu"]
    assert bodies["Sở Tài chính"] == ["bố trí kinh phí thực hiện Kế hoạch"]


def test_a_role_word_on_the_line_after_a_body_heading_is_its_role_not_its_name() -> None:
    doc, lay = read(
        "III. TỔ CHỨC THỰC HIỆN\n1. Sở Y tế\nChủ trì, phối hợp với các đơn vị liên quan triển khai Kế hoạch.\n"
        "2. Sở Tài chính\nPhối hợp với Sở Y tế bố trí kinh phí.\n"
    )
    bodies = {b.name: (b.role, [t.text for t in b.tasks]) for b in extract_bodies(doc, lay)}
    assert bodies == {
        "Sở Y tế": ("lead", ["Chủ trì, phối hợp với các đơn vị liên quan triển khai Kế hoạch"]),
        "Sở Tài chính": ("support", ["Phối hợp với Sở Y tế bố trí kinh phí"]),
    }


def test_an_activity_held_on_one_day_is_one_event_with_its_place() -> None:
    doc, lay = read("II. NHIỆM VỤ\n1. Tổ chức Lễ phát động Tháng Nhân đạo vào ngày 08/5/2024 tại thành phố Vinh.\n")
    events = [(e.name, e.kind, e.date_start, e.date_end, e.location) for e in extract_events(doc, lay, 2024)]
    assert events == [
        ("Tổ chức Lễ phát động Tháng Nhân đạo", "event", "2024-05-08", "2024-05-08", "thành phố Vinh"),
    ]


def test_a_named_month_keeps_its_name_without_the_date_words() -> None:
    doc, lay = read("II. NHIỆM VỤ\n1. Các cơ sở y tế hưởng ứng Tháng Nhân đạo vào ngày 08/5 hằng năm.\n")
    names = [e.name for e in extract_events(doc, lay, 2024)]
    assert names == ["Tháng Nhân đạo"]


def test_a_share_of_units_is_a_target() -> None:
    doc, lay = read("I. MỤC TIÊU\nCó 03/124 đơn vị hoàn thành trước ngày 30/6/2024.\n")
    targets = extract_targets(doc, lay, 2024, 2024)
    assert [(t.value, t.unit, t.comparator) for t in targets] == [(3, "đơn vị", "=")]
    assert (targets[0].metric or "").startswith("3/124 đơn vị")


def test_a_plan_for_one_gathering_dates_it_by_its_time_item() -> None:
    doc = normalize(
        ingest_bytes(
            (
                "BỘ CÔNG AN\nSố: 45/KH-BCA\nHà Nội, ngày 10 tháng 01 năm 2025\nKẾ HOẠCH\n"
                "Tổ chức Hội nghị triển khai Chương trình phòng, chống ma túy\n\nI. NỘI DUNG\n"
                "1. Thời gian: Tổ chức trong 1/2 ngày, khai mạc lúc 8h30 (dự kiến ngày 9/10/2025).\n\n"
                "2. Địa điểm: Hội trường Bộ Công an, số 44 Yết Kiêu, Hà Nội.\n\n3. Thành phần: đại biểu các tỉnh.\n"
            ).encode(),
            "plan.txt",
        )
    )
    events = [(e.name, e.kind, e.date_start, e.location) for e in extract_events(doc, layout(doc), 2025)]
    assert events == [
        (
            "Hội nghị triển khai Chương trình phòng, chống ma túy",
            "conference",
            "2025-10-09",
            "Hội trường Bộ Công an, số 44 Yết Kiêu, Hà Nội",
        )
    ]


def test_units_named_by_their_codes_in_numbered_task_headings() -> None:
    doc, lay = read(
        "IV. PHÂN CÔNG NHIỆM VỤ\n1. C04: Chủ trì, phối hợp với V01 chuẩn bị nội dung Hội nghị.\n"
        "2. V01: Chủ trì chuẩn bị kịch bản điều hành Hội nghị.\n3. Mục A1: nội dung khác.\n"
    )
    assert [(b.name, b.role) for b in extract_bodies(doc, lay)] == [("C04", "lead"), ("V01", "lead")]


def test_a_body_heading_under_a_marker_misread_by_ocr_takes_the_tasks_below_it() -> None:
    doc, lay = read(
        "III. TỔ CHỨC THỰC HIỆN\n1. Công an tỉnh\nChủ trì triển khai Kế hoạch.\n\n"
        "6e) Sở Giáo dục và Đào tạo\n\n- Tổ chức tuyên truyền trong trường học.\n\n"
        "Š. Ngân hàng Nhà nước chi nhánh tỉnh: Chỉ đạo các ngân hàng thương mại kết nối thanh toán.\n"
    )
    bodies = {b.name: [t.text for t in b.tasks] for b in extract_bodies(doc, lay)}
    assert bodies["Sở Giáo dục và Đào tạo"] == ["Tổ chức tuyên truyền trong trường học"]
    assert bodies["Ngân hàng Nhà nước chi nhánh tỉnh"] == ["Chỉ đạo các ngân hàng thương mại kết nối thanh toán"]


def test_committees_of_several_places_under_one_level_are_one_body_each() -> None:
    doc, lay = read(
        "II. NHIỆM VỤ\n1. Chương trình tổ chức thực hiện điểm trong năm 2026. Đề nghị UBND tỉnh Điện Biên, Nghệ An và "
        "Tây Ninh phối hợp chặt chẽ với Chủ Chương trình triển khai.\n"
    )
    names = [b.name for b in extract_bodies(doc, lay)]
    assert names == ["UBND tỉnh Điện Biên", "UBND tỉnh Nghệ An", "UBND tỉnh Tây Ninh"]


def test_two_reporting_periods_of_one_clause_are_named_each_with_their_dates() -> None:
    doc, lay = read(
        "II. NHIỆM VỤ\n4. Các đơn vị báo cáo kết quả công tác phối hợp kỳ 6 tháng (từ ngày 15/12/2025 đến ngày "
        "14/6/2026, gửi trước ngày 20/6/2026) và kỳ 12 tháng (từ ngày 15/12/2025 đến ngày 14/12/2026, gửi trước ngày "
        "20/12/2026) gửi về Bộ Công an.\n"
    )
    events = {(e.name, e.date_start, e.date_end) for e in extract_events(doc, lay, 2026)}
    assert events == {
        ("Các đơn vị báo cáo kết quả công tác phối hợp kỳ 6 tháng", "2025-12-15", "2026-06-14"),
        ("Các đơn vị báo cáo kết quả công tác phối hợp kỳ 6 tháng", None, "2026-06-20"),
        ("Các đơn vị báo cáo kết quả công tác phối hợp kỳ 12 tháng", "2025-12-15", "2026-12-14"),
        ("Các đơn vị báo cáo kết quả công tác phối hợp kỳ 12 tháng", None, "2026-12-20"),
    }


def test_bodies_named_by_heads_relative_clauses_articles_and_team_labels() -> None:
    doc, lay = read(
        "III. TỔ CHỨC THỰC HIỆN\n1. Giao Chánh Thanh tra tỉnh chủ trì theo dõi việc thực hiện.\n\n"
        "2. Bưu điện tỉnh, các đơn vị cung cấp dịch vụ viễn thông trên địa bàn: Đảm bảo thông tin liên lạc.\n\n"
        "3. Đề nghị Tòa án nhân dân tối cao Phối hợp chặt chẽ với các cơ quan chức năng.\n\n"
        "Điều 2. UBND huyện Nghĩa Hành chịu trách nhiệm thực hiện các nội dung sau.\n\n"
        "- Chủ trì: Sở Công Thương tỉnh Lào Cai\n"
    )
    names = [b.name for b in extract_bodies(doc, lay)]
    assert names == [
        "Chánh Thanh tra tỉnh",
        "Bưu điện tỉnh",
        "Các đơn vị cung cấp dịch vụ viễn thông trên địa bàn",
        "Tòa án nhân dân tối cao",
        "UBND huyện Nghĩa Hành",
        "Sở Công Thương tỉnh Lào Cai",
    ]


def test_a_reports_results_are_not_targets_but_its_stated_aims_are() -> None:
    doc = normalize(
        ingest_bytes(
            (
                "UBND TỈNH LÂM ĐỒNG\nSố: 12/BC-UBND\nLâm Đồng, ngày 10 tháng 12 năm 2025\nBÁO CÁO\n"
                "Tình hình thực hiện các chỉ số năm 2025\n\n1. CÔNG TÁC CẢI CÁCH\n"
                "Tỷ lệ số hóa hồ sơ đạt 82% (chỉ tiêu đề ra là tối thiểu 80%).\n\n"
                "100% UBND cấp xã triển khai chứng thực điện tử.\n\n"
                "Toàn tỉnh phát sinh 210.048 giao dịch trực tuyến, đạt tỷ lệ 96,52% vượt chỉ tiêu Chính phủ giao.\n\n"
                "2. NHIỆM VỤ TRỌNG TÂM THỜI GIAN TỚI\nDuy trì thu nhận hồ sơ cho 100% công dân từ đủ 14 tuổi trở lên.\n"
            ).encode(),
            "report.txt",
        )
    )
    found = [(t.value, t.comparator) for t in extract_targets(doc, layout(doc), 2025, 2025)]
    assert found == [(80, ">="), (100, "=")]


def test_a_time_limit_quoted_from_a_provision_is_no_target() -> None:
    doc, lay = read(
        "I. NỘI DUNG\nCăn cứ Quyết định số 19/QĐ-UBND, theo đó quy định: “Sau Đại hội. Trong thời hạn 07 ngày làm "
        "việc, kể từ ngày nhận được báo cáo, Ủy ban nhân dân tỉnh xem xét, phê chuẩn”.\n\n"
        "II. NHIỆM VỤ\nCác đơn vị hoàn thành trả lời trong 05 ngày làm việc kể từ ngày nhận được văn bản.\n"
    )
    found = [(t.value, t.unit, t.comparator) for t in extract_targets(doc, lay, 2024, 2024)]
    assert found == [(5, "ngày làm việc", "<=")]


def test_an_aim_for_a_later_year_in_a_results_section_is_a_target_even_when_the_day_is_blank() -> None:
    doc = normalize(
        ingest_bytes(
            (
                "CÔNG AN TỈNH LÂM ĐỒNG\nSố: /BC-CAT\nLâm Đồng, ngày    tháng 12 năm 2025\nBÁO CÁO\n"
                "Kết quả công tác phòng, chống ma túy năm 2025\n\nII. KẾT QUẢ\n"
                "Tiếp tục xây dựng xã không ma túy theo lộ trình đến năm 2030, đạt 100% xã, phường không ma túy.\n\n"
                "Năm 2025 toàn tỉnh có 29 xã đạt tiêu chí không ma túy, đạt 100% kế hoạch.\n"
            ).encode(),
            "report.txt",
        )
    )
    result = extract(doc, layout(doc), "test")
    assert result.document.date is None
    assert [(t.value, t.unit) for t in result.targets] == [(100, "%")]
    assert "đến năm 2030" in result.targets[0].text


def test_a_body_addressed_in_lower_case_is_a_body_and_a_table_rule_is_no_name() -> None:
    doc, lay = read(
        "III. TỔ CHỨC THỰC HIỆN\n1. Đề nghị ngân hàng nhà nước chi nhánh Khu vực 10\n"
        "Chỉ đạo các ngân hàng triển khai chính sách cho vay.\n\n2. Duy trì giao ban định kỳ hằng tháng.\n\n"
        "| BAN CHỈ ĐẠO TRUNG ƯƠNG CÁC CHƯƠNG TRÌNH |\n"
    )
    assert [b.name for b in extract_bodies(doc, lay)] == ["Ngân hàng nhà nước chi nhánh Khu vực 10"]


def test_tet_needs_its_name_and_a_cut_off_date_is_no_activity() -> None:
    doc, lay = read(
        "II. NHIỆM VỤ\n1. Bảo đảm cho Nhân dân đón Tết Nguyên đán hoặc Tết Dương lịch đầm ấm; không tổ chức đi chúc "
        "Tết cấp trên, đón Tết vui tươi; trong tháng Chạp tăng cường kiểm tra.\n\n"
        "2. Tổng thu ngân sách địa phương thực hiện đến hết ngày 10/12/2025 đạt 12.000 tỷ đồng.\n"
    )
    names = sorted(e.name for e in extract_events(doc, lay, 2025))
    assert len(names) == 2
    assert names[0].startswith("Tết Dương lịch") and names[1] == "Tết Nguyên đán"


def test_a_deadline_written_as_chậm_nhất_đến_ngày_is_an_activity() -> None:
    doc, lay = read(
        "II. NHIỆM VỤ\n1. Bảo đảm hoàn thành việc áp dụng các giải pháp kỹ thuật chậm nhất đến ngày 01 tháng 7 năm "
        "2028 theo yêu cầu của Bộ Xây dựng.\n"
    )
    events = [(e.name, e.kind, e.date_start, e.date_end) for e in extract_events(doc, lay, 2026)]
    assert events == [
        ("Bảo đảm hoàn thành việc áp dụng các giải pháp kỹ thuật", "deadline", None, "2028-07-01"),
    ]


def test_a_task_table_whose_time_heading_was_misread_is_dated_by_its_cells() -> None:
    """A scan's two-line heading `Thời gian / thực hiện` read as `thực hiện` alone: the column that holds a date or
    a period in most rows is the time column, and `29/6/2026 - 09/7/2026` (no `từ`) is a range."""
    doc = normalize(
        ingest_bytes(
            (
                HEAD + "6. Tiến độ thực hiện\n\n"
                "| TT | Nội dung công việc | thực hiện | Đơn vị chủ trì |\n|---|---|---|---|\n"
                "| 1 | Ban hành kế hoạch; rà soát danh sách học viên | Trước ngày 27/6/2026 | Phòng Đào tạo |\n"
                "| 2 | Triển khai khảo sát trực tuyến | 29/6/2026 - 09/7/2026 | Trung tâm Khảo thí |\n"
                "| 3 | Tổng hợp kết quả | Theo yêu cầu | Trung tâm Khảo thí |\n"
            ).encode(),
            "plan.md",
        )
    )
    events = {(e.name, e.date_start, e.date_end) for e in extract_events(doc, layout(doc), 2026)}
    assert events == {
        ("Ban hành kế hoạch; rà soát danh sách học viên", None, "2026-06-27"),
        ("Triển khai khảo sát trực tuyến", "2026-06-29", "2026-07-09"),
    }


def test_a_table_of_one_date_column_cell_is_not_a_schedule() -> None:
    doc = normalize(
        ingest_bytes(
            (
                HEAD + "| TT | Tên văn bản | Ghi chú |\n|---|---|---|\n"
                "| 1 | Quyết định phê duyệt đề án | Ban hành trước ngày 27/6/2026 |\n"
                "| 2 | Kế hoạch triển khai | |\n| 3 | Hướng dẫn thực hiện | |\n"
            ).encode(),
            "plan.md",
        )
    )
    assert [e.name for e in extract_events(doc, layout(doc), 2026) if e.text.startswith("Quyết định")] == []


def test_a_quarter_read_iw_is_the_fourth_and_a_numeral_ends_its_word() -> None:
    """`IW` is `IV` with its V read as W (no numeral has a W); `quý IW` was read as `quý I` of the plan's year."""
    doc, lay = read(
        "II. NHIỆM VỤ\nd) Ban hành các hướng dẫn nghiệp vụ thực hiện dự án (hoàn thành trong quý IW/2025).\n"
        "đ) Rà soát các mô hình điểm (hoàn thành trong quý Ix/2025).\n"
    )
    events = [(e.name, e.date_start, e.date_end) for e in extract_events(doc, lay, 2030)]
    assert events == [("Ban hành các hướng dẫn nghiệp vụ thực hiện dự án", "2025-10", "2025-12")]


def test_a_count_misread_after_at_least_keeps_its_unit_and_a_broken_at_least_its_comparator() -> None:
    """OCR reads `01 buổi` as `I buồi` after `ít nhất`, and `ít nhất` as `í/ nhất`: the unit is matched without its
    marks only next to such a misread number, and `nhất` with a one-letter `í` before it is `ít nhất`."""
    doc, lay = read(
        "I. MỤC TIÊU\nBảo đảm đạt í/ nhất 40% địa bàn cấp xã không ma túy trong năm 2026.\n"
        "Bảo đảm mỗi học kỳ tổ chức ít nhất I buồi/cơ sở giáo dục.\n"
        "Xếp hạng cao nhất 40% số xã.\n"
    )
    found = [(t.value, t.unit, t.comparator) for t in extract_targets(doc, lay, 2026, 2026)]
    assert found[:2] == [(40, "%", ">="), (1, "buổi", ">=")]
    assert (40, "%", ">=") not in found[2:]


def test_dates_of_cited_and_issued_documents_are_no_events() -> None:
    """A stop after a symbol (`60/CP.`) does not part a date from its document, a symbol OCR spaced (`KH- UBND`) is
    still one, a cited date's month is no month of its own, and a numbered document issued on a day is cited."""
    doc, lay = read(
        "II. NỘI DUNG\n1. Căn cứ các Nghị định số 88/CP. ngày 17/8/1994, số 60/CP. ngày 05/7/1994 về nhà ở.\n"
        "2. Thực hiện Kế hoạch số 2126/KH- UBND ngày 20/8/2025 của UBND tỉnh về xây dựng xã không ma túy.\n"
        "3. Thực hiện Nghị định số 136/2020/NĐ-CP ngày 24 tháng 11 năm 2020 của Chính phủ.\n"
        "4. Ngày 03/7/2025, Hội đồng nhân dân tỉnh ban hành Nghị quyết số 03/NQ-HĐND về việc thành lập các sở.\n"
        "5. Trước ngày 30/6/2025, Sở Tư pháp ban hành Quyết định công bố thủ tục hành chính.\n"
        "6. Căn cứ Biên bản của Hội đồng tư vấn xét duyệt ngày 14/12/2024.\n"
        "7. 08 tháng 10 năm 2018 của Chính phủ sửa đổi, bổ sung một số điều của Nghị định.\n"
    )
    events = [(e.date_start, e.date_end) for e in extract_events(doc, lay, 2025)]
    assert events == [(None, "2025-06-30")]


def test_the_day_a_certificate_or_an_identity_card_was_issued_is_no_event() -> None:
    """`cấp ngày …` is when a licence or an identity card was issued, as a decision cites it; a day's meeting of a
    level (`Hội nghị cấp tỉnh ngày …`) is still one."""
    doc, lay = read(
        "II. NỘI DUNG\n1. Giấy chứng nhận đăng ký doanh nghiệp số 5300205222 do Sở Tài chính cấp ngày 16/01/2002, "
        "cấp đăng ký thay đổi lần thứ 11 ngày 08/4/2025.\n"
        "2. Ông Nguyễn Văn An, Căn cước công dân số 001090000123 cấp lần đầu ngày 10/5/2021.\n"
        "3. Tổ chức Hội nghị cấp tỉnh ngày 20/11/2025 tại Hội trường UBND tỉnh.\n"
    )
    events = [(e.date_start, e.date_end) for e in extract_events(doc, lay, 2025)]
    assert events == [("2025-11-20", "2025-11-20")]


def test_a_date_restated_in_one_clause_is_one_activity() -> None:
    """`báo cáo trước … ngày 05/02/2022 (…) và gửi file mềm … trước … ngày 05/02/2022`: one deadline, not two; the
    same date in the next clause is another activity."""
    doc, lay = read(
        "II. NỘI DUNG\n- Báo cáo tổng hợp tình hình, báo cáo trước 10 giờ 00 ngày 05/02/2022 (nhằm ngày 05 tháng "
        "Giêng) và gửi file mềm văn bản về Văn phòng UBND tỉnh trước 15 giờ 00 ngày 05/02/2022; "
        "tổ chức giao ban trực tuyến ngày 05/02/2022.\n"
    )
    events = [(e.date_end, e.name[:17]) for e in extract_events(doc, lay, 2022)]
    assert events == [("2022-02-05", "Báo cáo tổng hợp "), ("2022-02-05", "Tổ chức giao ban ")]


def test_a_legal_basis_has_no_event_and_a_meeting_is_named_by_its_noun() -> None:
    """A `Căn cứ` clause's days are its documents', even where OCR lost the document's type (`… Phòng, chống ma túy
    ngày 30/3/2021`), while its deadline is a task's; a clause that opens with a meeting's day names the meeting,
    not the place or who chaired it."""
    doc, lay = read(
        "II. NỘI DUNG\n1. Căn cứ Luật Tổ chức Chính phủ số 63/2025/QH15 ngày 18/02/2025, tổ chức chính quyền địa "
        "phương số 72/2025/QH15 ngày 19/02/2025, Phòng, chống ma túy ngày 30/3/2021;\n"
        "2. Căn cứ chức năng, nhiệm vụ được giao, các sở xây dựng kế hoạch cụ thể trước ngày 20/02/2026.\n"
        "3. Ngày 24/12/2025, tại trụ sở UBND huyện, Chủ tịch UBND tỉnh chủ trì cuộc họp với Ban Chỉ đạo "
        "xóa nhà tạm, nhà dột nát huyện.\n"
    )
    events = [(e.date_end, e.name, e.kind) for e in extract_events(doc, lay, 2026)]
    assert events[0][0] == "2026-02-20"
    assert events[1:] == [("2025-12-24", "Cuộc họp với Ban Chỉ đạo xóa nhà tạm, nhà dột nát huyện", "meeting")]


def test_figures_counted_to_a_date_and_the_month_results_cover_are_no_events() -> None:
    doc, lay = read(
        "II. KẾT QUẢ\n1. Tổng thu ngân sách địa phương thực hiện đến ngày 10/12/2025 là 28.611 tỷ đồng.\n"
        "2. Sở Nội vụ báo cáo tình hình thực hiện các chỉ số (cập nhật kết quả đến ngày 27/11/2025), như sau:\n"
        "3. Ban Chỉ đạo tỉnh báo cáo kết quả triển khai thực hiện Đề án 06, chuyển đổi số tháng 3/2026 như sau:\n"
        "4. Từ ngày 01/7/2025 đến nay, không có trường hợp cán bộ bị xử lý kỷ luật.\n"
        "5. Đánh giá các chỉ số năm 2025, báo cáo UBND tỉnh trước ngày 20/11/2025.\n"
        "6. Ngày 07/11/2025, Phó Chủ tịch UBND tỉnh đã chủ trì họp với các sở về tiến độ.\n"
        "7. Các sở gửi báo cáo kết quả thực hiện, trong tháng 12/2025.\n"
    )
    events = [(e.date_start, e.date_end) for e in extract_events(doc, lay, 2025)]
    assert events == [(None, "2025-11-20"), ("2025-11-07", "2025-11-07"), ("2025-12", "2025-12")]


def test_a_bodys_name_ends_at_the_verbs_of_approval_and_meeting() -> None:
    doc, lay = read(
        "III. TỔ CHỨC THỰC HIỆN\n1. Đề nghị UBND tỉnh xem xét, phê duyệt danh sách địa bàn trọng điểm.\n"
        "2. Hội đồng xét duyệt địa bàn cấp xã họp thống nhất, công nhận các xã đạt tiêu chí.\n"
        "3. Các sở tổng hợp kết quả, báo cáo UBND tỉnh trước ngày 20/02/2025.\n"
    )
    names = [b.name for b in extract_bodies(doc, lay)]
    assert names == ["UBND tỉnh", "Hội đồng xét duyệt địa bàn cấp xã", "Các sở"]


def test_rows_of_a_task_table_take_their_kind_from_their_task_and_time() -> None:
    """A row held on one day is an event (a conference when it is one), not a period; a deadline stays one."""
    from pipeline.records import Cell, Table
    from pipeline.stages.extract.activities import table_activities

    rows = [
        ("TT", "Nội dung", "Trách nhiệm thực hiện", "Thời gian (Năm 2026)"),
        ("1", "Giải đáp vướng mắc về cải cách hành chính", "Sở Tư pháp", "Từ 20 giờ 15 ngày 23 tháng 1"),
        ("2", "Hội nghị sơ kết 6 tháng", "Sở Nội vụ", "ngày 15/6/2026"),
        ("3", "Báo cáo kết quả thực hiện", "Sở Nội vụ", "trước ngày 30/6/2026"),
        ("4", "Tuyên truyền trên báo, đài", "Sở Văn hóa", "Quý II/2026"),
    ]
    table = Table(page=1, rows=tuple(tuple(Cell(text) for text in row) for row in rows))
    got = [(e.kind, e.date_start, e.date_end) for e in table_activities(table, 2026)]
    assert got == [
        ("event", "2026-01-23", "2026-01-23"),
        ("conference", "2026-06-15", "2026-06-15"),
        ("deadline", None, "2026-06-30"),
        ("period", "2026-04", "2026-06"),
    ]


def test_task_labels_give_their_bodies_a_role_and_are_no_bodies_themselves() -> None:
    doc, lay = read(
        "II. NỘI DUNG\n1. Tập huấn nghiệp vụ cho cán bộ cấp xã\n"
        "- Cơ quan chủ trì: Sở Tư pháp.\n"
        "- Cơ quan phối hợp: Sở Nội vụ, Ủy ban nhân dân các xã, phường.\n"
        "- Thời gian thực hiện: Quý III năm 2024.\n"
        "III. TỔ CHỨC THỰC HIỆN\n"
        "1. Các cơ quan được phân công chủ trì thực hiện nhiệm vụ có trách nhiệm lập dự toán kinh phí.\n"
    )
    bodies = [(b.name, b.role) for b in extract_bodies(doc, lay)]
    assert bodies == [("Sở Tư pháp", "lead"), ("Sở Nội vụ", "support"), ("Ủy ban nhân dân các xã, phường", "support")]


def test_who_a_plan_is_for_and_a_list_that_shares_its_qualifier_are_no_separate_bodies() -> None:
    doc, lay = read(
        "I. MỤC ĐÍCH\n1. Đối tượng: các sở, ban, ngành, doanh nghiệp, tổ chức, cá nhân trên địa bàn tỉnh.\n"
        "II. TỔ CHỨC THỰC HIỆN\n"
        "1. Các sở, ban, ngành và các cơ quan, tổ chức có liên quan căn cứ Kế hoạch này xây dựng kế hoạch riêng.\n"
        "2. Trung tâm Dịch vụ việc làm tỉnh tổ chức phiên giao dịch việc làm hằng tháng.\n"
    )
    names = [b.name for b in extract_bodies(doc, lay)]
    assert names == ["Các sở, ban, ngành", "Các cơ quan, tổ chức có liên quan", "Trung tâm Dịch vụ việc làm tỉnh"]


def test_a_letter_received_a_courtesy_a_right_and_a_case_are_no_tasks() -> None:
    doc, lay = read(
        "III. TỔ CHỨC THỰC HIỆN\n"
        "1. Sở Tài chính nhận được Công văn số 12/UBND-KT ngày 05/01/2024 của Ủy ban nhân dân tỉnh về việc lập dự "
        "toán; Sở Tài chính kính trình Ủy ban nhân dân tỉnh xem xét, quyết định.\n"
        "2. Công ty cổ phần Hà Thành có quyền khiếu nại quyết định này theo quy định.\n"
        "3. Trường hợp hồ sơ chưa hợp lệ, tiến hành trả lại hồ sơ trong 03 ngày làm việc.\n"
        "4. Bộ chỉ số đánh giá được áp dụng từ năm 2024; Ủy ban nhân dân tỉnh. Theo đó các xã tự đánh giá.\n"
        "5. Sở Nội vụ hướng dẫn các xã tự đánh giá.\n6. Hội đồng có trách nhiệm thẩm định hồ sơ trong 10 ngày.\n"
        "7. Chủ tịch Ủy ban nhân dân tỉnh giao Công an tỉnh chủ trì, phối hợp với các sở kiểm tra.\n"
        "8. Ban An toàn giao thông tỉnh tuyên truyền; các phòng chuyên môn và\n"
    )
    names = [(b.name, b.role) for b in extract_bodies(doc, lay)]
    assert names == [
        ("Sở Nội vụ", "assigned"), ("Hội đồng", "assigned"), ("Công an tỉnh", "lead"),
        ("Ban An toàn giao thông tỉnh", "assigned"),
    ]  # fmt: skip


def test_the_days_a_law_was_passed_and_takes_effect_are_no_events() -> None:
    # a plan to implement a law opens with when the law was passed and when it takes effect: dates of the law's
    doc, lay = read(
        "Luật Phòng cháy, chữa cháy và cứu nạn, cứu hộ được Quốc hội khóa XV thông qua tại kỳ họp thứ 8 ngày 29 tháng "
        "11 năm 2024, có hiệu lực thi hành từ ngày 01 tháng 7 năm 2025. Để triển khai kịp thời, Ủy ban nhân dân tỉnh "
        "ban hành Kế hoạch với các nội dung sau:\nI. NỘI DUNG\n"
        "1. Tổ chức hội nghị tập huấn cho cán bộ cấp xã trong tháng 6/2025.\n"
    )
    events = [(e.date_start, e.date_end) for e in extract_events(doc, lay, 2025)]
    assert events == [("2025-06", "2025-06")]


def test_a_forecasts_figures_are_no_targets_but_the_plans_aims_are() -> None:
    doc, lay = read(
        "I. MỤC TIÊU\n1. Dự báo giai đoạn 2026 - 2030 kinh tế của tỉnh tăng trưởng khoảng 8-8,5%/năm, thu ngân sách "
        "tăng bình quân 12%/năm.\n2. Phấn đấu tốc độ tăng trưởng kinh tế đạt 9%/năm trở lên.\n"
    )
    found = [(t.value, t.unit, t.comparator) for t in extract_targets(doc, lay, 2026, 2026)]
    assert found == [(9, "%/năm", ">=")]


def test_at_least_after_a_rate_per_year_is_its_comparator() -> None:
    doc, lay = read("I. MỤC TIÊU\n1. Tổ chức hiến máu đạt 20 buổi/năm trở lên; tăng thu ngân sách 12%/năm trở lên.\n")
    found = [(t.value, t.unit, t.comparator) for t in extract_targets(doc, lay, 2026, 2026)]
    assert found == [(20, "buổi", ">="), (12, "%/năm", ">=")]


def test_a_body_heading_closed_by_a_full_stop_heads_the_tasks_below_it() -> None:
    doc, lay = read(
        "III. TỔ CHỨC THỰC HIỆN\n1. Sở Y tế.\n- Chủ trì tổ chức các đợt hiến máu.\n- Báo cáo kết quả.\n"
        "2. Sở Tài chính.\n- Bố trí kinh phí.\n"
    )
    bodies = [(b.name, b.role, [t.text for t in b.tasks]) for b in extract_bodies(doc, lay)]
    assert bodies == [
        ("Sở Y tế", "lead", ["Chủ trì tổ chức các đợt hiến máu", "Báo cáo kết quả"]),
        ("Sở Tài chính", "assigned", ["Bố trí kinh phí"]),
    ]


def test_the_issuer_issuing_the_plan_in_its_preamble_is_given_no_task() -> None:
    doc, lay = read(
        "Thực hiện Chỉ thị số 05/CT-TTg ngày 10/02/2024 của Thủ tướng Chính phủ;\n\nỦy ban nhân dân tỉnh ban hành Kế "
        "hoạch triển khai thực hiện trên địa bàn tỉnh với các nội dung như sau:\n\nI. TỔ CHỨC THỰC HIỆN\n"
        "1. Sở Y tế chủ trì, hướng dẫn các xã.\n"
    )
    assert [(b.name, b.role) for b in extract_bodies(doc, lay)] == [("Sở Y tế", "lead")]


def test_a_body_that_issued_a_numbered_document_is_given_no_task_and_tu_ends_a_name() -> None:
    doc, lay = read(
        "I. KẾT QUẢ\n1. Ủy ban nhân dân tỉnh ban hành Kế hoạch số 62/KH-UBND ngày 23/01/2025 về cải cách hành chính.\n"
        "2. Sở Tư pháp tự kiểm tra 23 văn bản quy phạm pháp luật; Sở Nội vụ tự đánh giá kết quả.\n"
    )
    assert [b.name for b in extract_bodies(doc, lay)] == ["Sở Tư pháp", "Sở Nội vụ"]

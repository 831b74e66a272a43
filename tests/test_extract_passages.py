"""Each extractor on short passages written for the tests: other provinces, other campaigns, other phrasings of the
constructions the samples use, and constructions they do not use at all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipeline import extract_file
from pipeline.plan import Event, Evidence
from pipeline.stages.extract.quantities import find_quantities
from pipeline.vi.text import key

HEADER = """UBND TỈNH NGHỆ AN

Số: 45/KH-UBND

Nghệ An, ngày 10 tháng 01 năm 2024

KẾ HOẠCH

Triển khai công tác năm 2024 trên địa bàn tỉnh Nghệ An

Căn cứ Quyết định số 1234/QĐ-BYT ngày 05/12/2023 của Bộ Y tế;

"""
FOOTER = """

Nơi nhận:
- Bộ Y tế;
- Lưu: VT.

KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Lê Văn Bình
"""


def plan(body: str, tmp_path: Path) -> dict[str, Any]:
    """The passage in a plan's frame, extracted: the result as the JSON vnplan writes."""
    path = tmp_path / "plan.txt"
    path.write_text(HEADER + body + FOOTER, "utf-8")
    return extract_file(path).model_dump(mode="json")


# ---- quantities: numbers, units, comparators -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit", "comparator"),
    [
        ("tiếp nhận 6.000 đơn vị máu trở lên", 6000, "đơn vị máu", ">="),
        ("đạt trên 60% số xã", 60, "%", ">"),
        ("tỷ lệ bao phủ đạt 97,5%", 97.5, "%", "="),
        ("vận động khoảng 50.000 người", 50000, "người", "~"),
        ("tổ chức ít nhất 02 lớp tập huấn", 2, "lớp", ">="),
        ("tổ chức hai đợt kiểm tra", 2, "đợt", "="),
        ("hỗ trợ tối đa 500 hộ gia đình", 500, "hộ gia đình", "<="),
        ("không quá 15 học sinh mỗi lớp", 15, "học sinh", "<="),
        ("xây dựng 12 km đường giao thông", 12, "km", "="),
        ("kinh phí 1.250 triệu đồng", 1250, "triệu đồng", "="),
        ("tiêm cho tối thiểu 1.500 trẻ em", 1500, "trẻ em", ">="),
        ("đạt và vượt 120 mô hình", 120, "mô hình", ">="),
        ("100% hồ sơ được xử lý trực tuyến", 100, "%", "="),
        ("xóa mù chữ cho 1.000 người trong độ tuổi", 1000, "người", "="),
        ("tổ chức 3 hội thi cấp tỉnh", 3, "hội thi", "="),
    ],
)
def test_quantities(text: str, value: float, unit: str, comparator: str) -> None:
    (q,) = find_quantities(text)
    assert (q.value, q.unit, q.comparator) == (value, unit, comparator)


@pytest.mark.parametrize(
    "text",
    [
        "Quyết định số 1234/QĐ-BYT ngày 05/12/2023",
        "báo cáo kết quả 6 tháng đầu năm",
        "thông báo trước ít nhất 15 ngày",
        "số điện thoại: 0238.3844.555",
        "Điều 3 của Quyết định",
        "trong năm 2024",
    ],
)
def test_not_quantities(text: str) -> None:
    assert find_quantities(text) == []


def test_per_unit_rate() -> None:
    (q,) = find_quantities("vận động tiếp nhận tối thiểu 200 đơn vị máu/Ngày hội")
    assert (q.value, q.per, q.comparator) == (200, "Ngày hội", ">=")


# ---- targets: subjects, kinds, several in a sentence -------------------------------------------------------------


def test_several_targets_in_one_sentence(tmp_path: Path) -> None:
    r = plan(
        "I. MỤC TIÊU\n\n1. Năm 2024, toàn tỉnh phấn đấu có 95% trẻ em dưới 1 tuổi được tiêm chủng đầy đủ, trong đó "
        "trên 90% được tiêm đúng lịch; tỷ lệ tiêm vắc xin sởi đạt 98% trở lên.",
        tmp_path,
    )
    got = [(t["value"], t["unit"], t["comparator"]) for t in r["targets"]]
    assert got == [(95, "%", "="), (90, "%", ">"), (98, "%", ">=")]
    assert r["targets"][0]["subject"] == "toàn tỉnh"
    assert r["targets"][2]["metric"] == "tỷ lệ tiêm vắc xin sởi"
    assert all(t["kind"] == "goal" for t in r["targets"])


def test_a_target_for_a_list_of_bodies_names_them_all(tmp_path: Path) -> None:
    r = plan(
        "I. CHỈ TIÊU\n\n- Công an tỉnh, Bộ Chỉ huy Quân sự tỉnh, Tỉnh đoàn mỗi đơn vị tổ chức ít nhất 01 đợt hiến máu.",
        tmp_path,
    )
    (t,) = r["targets"]
    assert t["subjects"] == ["Công an tỉnh", "Bộ Chỉ huy Quân sự tỉnh", "Tỉnh đoàn mỗi đơn vị"]
    assert (t["value"], t["unit"], t["kind"]) == (1, "đợt", "quota")


def test_share_of_plan_belongs_to_its_campaign(tmp_path: Path) -> None:
    r = plan(
        "I. NỘI DUNG\n\n1. Chiến dịch tiêm chủng bổ sung vắc xin sởi\n\n- Thời gian: Từ tháng 3/2024 đến tháng 4/2024."
        "\n\n- Mục tiêu: Đạt 40% kế hoạch năm 2024.",
        tmp_path,
    )
    (t,) = r["targets"]
    assert (t["value"], t["kind"]) == (40, "share_of_plan")
    assert t["subject"] == "Chiến dịch tiêm chủng bổ sung vắc xin sởi"


def test_a_clause_continuing_a_sentence_keeps_its_subject(tmp_path: Path) -> None:
    r = plan(
        "I. CHỈ TIÊU\n\n1. Trường Đại học Vinh tổ chức 02 Ngày hội; vận động tiếp nhận tối thiểu 500 đơn vị máu.",
        tmp_path,
    )
    assert [(t["value"], t["subject"]) for t in r["targets"]] == [
        (2, "Trường Đại học Vinh"),
        (500, "Trường Đại học Vinh"),
    ]


def test_target_evidence_is_its_sentence(tmp_path: Path) -> None:
    r = plan("I. MỤC TIÊU\n\n1. Phấn đấu 100% số xã đạt chuẩn nông thôn mới về y tế.", tmp_path)
    (t,) = r["targets"]
    assert "100%" in t["source"]["text"] and t["source"]["page"] == 1 and t["source"]["bbox"] is None
    assert 0 < t["confidence"] <= 1


# ---- events ----------------------------------------------------------------------------------------------------------


def test_named_days_with_their_dates(tmp_path: Path) -> None:
    r = plan(
        "I. NỘI DUNG\n\n1. Tổ chức các hoạt động hưởng ứng Ngày Môi trường thế giới (05/6/2024), ngày Quốc tế "
        "Thiếu nhi - 1/6 và Tháng hành động vì môi trường.",
        tmp_path,
    )
    events = {e["name"]: (e["date_start"], e["kind"]) for e in r["events"]}
    assert events["Ngày Môi trường thế giới"] == ("2024-06-05", "day")
    assert events["Ngày Quốc tế Thiếu nhi"] == ("2024-06-01", "day")  # the plan year fills in the year
    assert events["Tháng hành động vì môi trường"] == (None, "month")


def test_campaign_section_with_time_and_target(tmp_path: Path) -> None:
    r = plan(
        "I. NỘI DUNG\n\n1. Chiến dịch “Làm cho thế giới sạch hơn”\n\n- Thời gian: Từ tháng 9/2024 đến tháng 10/2024."
        "\n\n- Mục tiêu: Đạt 40% kế hoạch năm 2024.",
        tmp_path,
    )
    e = next(e for e in r["events"] if "sạch hơn" in e["name"])
    assert (e["date_start"], e["date_end"], e["kind"]) == ("2024-09", "2024-10", "campaign")
    assert e["target"] == {"text": "Đạt 40% kế hoạch năm 2024."}


def test_quarter_sets_the_period_of_the_drives_under_it(tmp_path: Path) -> None:
    r = plan(
        "I. NỘI DUNG\n\n1. Các đợt ra quân\n\n- Quý III năm 2024: tổ chức 02 đợt:\n\n+ Tỉnh đoàn tổ chức Ngày hội "
        "thanh niên tình nguyện tại thành phố Vinh.\n\n- Sở Tài nguyên và Môi trường tổ chức Hội nghị tổng kết vào "
        "tháng 12/2024.",
        tmp_path,
    )
    drive = next(e for e in r["events"] if e["name"] == "Ngày hội thanh niên tình nguyện")
    assert (drive["date_start"], drive["date_end"]) == ("2024-07", "2024-09")
    assert drive["organizers"] == ["Tỉnh đoàn"] and drive["location"] == "thành phố Vinh"
    meeting = next(e for e in r["events"] if e["name"] == "Hội nghị tổng kết")
    assert (meeting["date_start"], meeting["organizers"]) == ("2024-12", ["Sở Tài nguyên và Môi trường"])


def test_quoted_themes_and_slogans(tmp_path: Path) -> None:
    r = plan(
        "I. NỘI DUNG\n\n1. Tổ chức các ngày hội với các chủ đề như: “Giọt máu nghĩa tình”, “Xuân yêu thương” với "
        "thông điệp “Mỗi giọt máu cho đi, một cuộc đời ở lại”.",
        tmp_path,
    )
    names = [e["name"] for e in r["events"]]
    assert any("Giọt máu nghĩa tình" in n for n in names) and any("Xuân yêu thương" in n for n in names)
    assert not any("cuộc đời" in n for n in names)  # a slogan is not an event


@pytest.mark.parametrize(
    ("sentence", "name", "kind"),
    [
        ("Tổ chức Lễ hội Đền Hùng năm 2024 tại thành phố Vinh.", "Lễ hội Đền Hùng", "festival"),
        ("Hưởng ứng Tuần lễ Quốc gia phòng chống thiên tai.", "Tuần lễ Quốc gia phòng chống thiên tai", "week"),
        ("Tổ chức Hội thi “Tuyên truyền viên giỏi” cấp tỉnh.", "Hội thi “Tuyên truyền viên giỏi”", "contest"),
    ],
)
def test_other_kinds_of_events(sentence: str, name: str, kind: str, tmp_path: Path) -> None:
    r = plan("I. NỘI DUNG\n\n1. " + sentence, tmp_path)
    assert (name, kind) in [(e["name"], e["kind"]) for e in r["events"]]


# ---- responsible bodies ----------------------------------------------------------------------------------------------


def test_bodies_roles_and_deadlines(tmp_path: Path) -> None:
    r = plan(
        "II. TỔ CHỨC THỰC HIỆN\n\n1. Sở Y tế chủ trì, phối hợp với Sở Giáo dục và Đào tạo triển khai kế hoạch, "
        "báo cáo trước ngày 30/6/2024.\n\n2. Sở Giáo dục và Đào tạo chủ trì; Sở Y tế và UBND các huyện phối hợp "
        "thực hiện.\n\n3. Đài PT-TH tỉnh, Báo Nghệ An phối hợp tuyên truyền.",
        tmp_path,
    )
    bodies = {b["name"]: b for b in r["responsible_bodies"]}
    assert list(bodies) == ["Sở Y tế", "Sở Giáo dục và Đào tạo", "UBND các huyện", "Đài PT-TH tỉnh", "Báo Nghệ An"]
    assert bodies["Sở Y tế"]["role"] == "lead" and bodies["Sở Y tế"]["deadline"] == "trước ngày 30/6/2024"
    assert bodies["Báo Nghệ An"]["role"] == "support"
    assert bodies["UBND các huyện"]["canonical_name"] == "Ủy ban nhân dân các huyện"
    assert bodies["Đài PT-TH tỉnh"]["canonical_name"] == "Đài Phát thanh - Truyền hình tỉnh"


def test_body_headings_with_their_items(tmp_path: Path) -> None:
    r = plan(
        "II. TỔ CHỨC THỰC HIỆN\n\n1. Sở Tài nguyên và Môi trường - Cơ quan thường trực Ban Chỉ đạo\n\n- Tham mưu "
        "UBND tỉnh ban hành kế hoạch.\n\n- Chủ trì tổng hợp, báo cáo kết quả.\n\n2. Đề nghị Ủy ban Mặt trận Tổ "
        "quốc Việt Nam tỉnh:\n\nPhối hợp tuyên truyền, vận động nhân dân.",
        tmp_path,
    )
    first, second = r["responsible_bodies"]
    assert first["name"] == "Sở Tài nguyên và Môi trường" and len(first["tasks"]) == 2 and first["role"] == "lead"
    assert second["name"] == "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh" and second["role"] == "support"


def test_assigned_body_in_running_text(tmp_path: Path) -> None:
    r = plan(
        "II. TỔ CHỨC THỰC HIỆN\n\n1. Giao Công an tỉnh chủ trì bảo đảm an ninh trật tự tại các điểm tiêm.", tmp_path
    )
    (b,) = r["responsible_bodies"]
    assert (b["name"], b["role"]) == ("Công an tỉnh", "lead")
    assert b["tasks"][0]["text"].startswith("chủ trì bảo đảm an ninh")


def test_assigned_body_whose_kind_is_written_in_lower_case(tmp_path: Path) -> None:
    """`Giao phòng Quản lý Công nghiệp …`: after the verb a writer may lower the kind; the name shows a body."""
    r = plan("III. TỔ CHỨC THỰC HIỆN\n\n1. Giao phòng Quản lý Công nghiệp triển khai, thực hiện kiểm tra.", tmp_path)
    (b,) = r["responsible_bodies"]
    assert b["name"] == "Phòng Quản lý Công nghiệp"
    assert b["tasks"][0]["text"].startswith("triển khai, thực hiện kiểm tra")


def test_an_adverb_or_verb_of_manner_opens_the_task(tmp_path: Path) -> None:
    """`trực tiếp chỉ đạo`, `bám sát …`: the predicate begins there, not at the verb after it."""
    r = plan(
        "III. TỔ CHỨC THỰC HIỆN\n\n1. Chủ tịch Ủy ban nhân dân các xã, phường trực tiếp chỉ đạo, tổ chức thực hiện.\n\n"
        "2. Thủ trưởng cơ quan, đơn vị bám sát kế hoạch của bộ, ngành chủ quản, xây dựng kế hoạch của đơn vị.",
        tmp_path,
    )
    names = [b["name"] for b in r["responsible_bodies"]]
    assert names == ["Chủ tịch Ủy ban nhân dân các xã, phường", "Thủ trưởng cơ quan, đơn vị"]


def test_steering_committee_named_for_what_it_steers(tmp_path: Path) -> None:
    r = plan(
        "II. TỔ CHỨC THỰC HIỆN\n\n1. Ban Chỉ đạo phòng, chống dịch các huyện, thành phố, thị xã chủ động xây dựng "
        "kế hoạch tại địa phương.",
        tmp_path,
    )
    (b,) = r["responsible_bodies"]
    assert key(b["name"]) == key("Ban Chỉ đạo phòng, chống dịch các huyện, thành phố, thị xã")


# ---- quota tables and budget -----------------------------------------------------------------------------------------


def test_quota_table_with_groups_and_a_wrong_total(tmp_path: Path) -> None:
    table = (
        "PHÂN BỔ CHỈ TIÊU NĂM 2024\n\n(Kèm theo Kế hoạch số 45/KH-UBND ngày 10/01/2024 của UBND tỉnh Nghệ An)\n\n"
        "STT\tĐịa phương\tChỉ tiêu (liều)\tThời gian (tháng)\nI\tKhu vực miền núi\t\t\n1\tHuyện Kỳ Sơn\t1.200\t3, 9\n"
        "2\tHuyện Tương Dương\t800\t4\nII\tKhu vực đồng bằng\t\t\n3\tThành phố Vinh\t2.500\t5, 10\n"
        "\tCộng\t4.600\t\n"
    )
    r = plan("I. MỤC TIÊU\n\n1. Tiêm đủ liều cho trẻ em.\n\n" + FOOTER + "\n" + table, tmp_path)
    (t,) = r["quota_tables"]
    assert [(x["no"], x["group"], x["unit"], x["quota"], x["months"]) for x in t["rows"]] == [
        (1, "Khu vực miền núi", "Huyện Kỳ Sơn", 1200, [3, 9]),
        (2, "Khu vực miền núi", "Huyện Tương Dương", 800, [4]),
        (3, "Khu vực đồng bằng", "Thành phố Vinh", 2500, [5, 10]),
    ]
    assert (t["total_stated"], t["total_computed"]) == (4600, 4500)
    assert any(w["code"] == "quota_total_mismatch" for w in r["warnings"])


def test_budget_sources_and_who_approves(tmp_path: Path) -> None:
    r = plan(
        "IV. KINH PHÍ THỰC HIỆN\n\nKinh phí thực hiện từ nguồn ngân sách nhà nước và nguồn xã hội hóa; Sở Tài chính "
        "thẩm định, trình UBND tỉnh phê duyệt.",
        tmp_path,
    )
    assert r["budget"]["sources"] == ["nguồn ngân sách nhà nước", "nguồn xã hội hóa"]
    assert r["budget"]["responsible"] == ["Sở Tài chính"]


def test_no_budget_section_means_no_budget(tmp_path: Path) -> None:
    assert plan("I. MỤC TIÊU\n\n1. Tiêm đủ liều cho trẻ em.", tmp_path)["budget"] is None


def test_quota_table_as_ocr_text_gives_it(tmp_path: Path) -> None:
    """Columns separated by runs of spaces, as OCR text lays a table out."""
    table = (
        "STT   Đơn vị            Chỉ tiêu   Tháng\n"
        "1     Huyện Kỳ Sơn      1.200      3, 9\n"
        "2     Huyện Con Cuông   800        4\n"
        "      Cộng              2.000\n"
    )
    r = plan("I. MỤC TIÊU\n\n1. Tiêm đủ liều cho trẻ em.\n\n" + FOOTER + "\n" + table, tmp_path)
    (t,) = r["quota_tables"]
    assert [(x["no"], x["unit"], x["quota"], x["months"]) for x in t["rows"]] == [
        (1, "Huyện Kỳ Sơn", 1200, [3, 9]),
        (2, "Huyện Con Cuông", 800, [4]),
    ]
    assert t["total_stated"] == t["total_computed"] == 2000


def test_summer_campaign_dates(tmp_path: Path) -> None:
    r = plan("I. NỘI DUNG\n\n1. Hưởng ứng Chiến dịch “Mùa hè xanh” hè 2024 của thanh niên.", tmp_path)
    e = next(e for e in r["events"] if "Mùa hè xanh" in e["name"])
    assert (e["date_start"], e["date_end"], e["period_text"]) == ("2024-06", "2024-08", "hè 2024")


def test_text_quality_tells_words_from_ocr_debris() -> None:
    from pipeline.stages.extract.confidence import text_quality

    assert text_quality("Trường Cao đẳng Kinh tế - Tài Chính TN") == 1.0
    assert text_quality("Công ty TNHH Samsung Electronics Việt Nam") == 1.0  # acronyms and Latin names are words
    assert text_quality("Non hoi Mô, XÔ: c3 á« đơn vị") == pytest.approx(6 / 8)  # c3 and á« are not words
    assert text_quality("1.600") == 1.0


def test_a_garbled_quota_row_is_flagged_by_its_confidence() -> None:
    from .conftest import SAMPLES, extracted

    rows = extracted(SAMPLES / "001_3e86aff22814d78e.scan.pdf")["quota_tables"][0]["rows"]
    clean = [r for r in rows if r["unit"] == "Đại học Sư phạm"]
    assert clean and clean[0]["confidence"] == 0.95
    garbled = [r for r in rows if any(ch in r["unit"] for ch in "«3")]
    assert all(r["confidence"] < 0.9 for r in garbled)


def _ev(name: str, start: str | None = None, end: str | None = None, period: str | None = None) -> Event:
    evidence = Evidence(page=1, bbox=None, text=name, raw_text=name)
    return Event(name=name, date_start=start, date_end=end, period_text=period, text=name, source=evidence,
                 confidence=0.6)  # fmt: skip


def test_mentions_of_one_event_are_one_event() -> None:
    from pipeline.stages.extract.events import identity, merge

    assert identity("Chiến dịch “Mùa hè xanh” năm 2024") == identity("Chiến dịch “Mùa hè xanh”")
    assert identity("Các hoạt động nhân Ngày Môi trường thế giới - 5/6") == identity("Ngày Môi trường thế giới")
    assert identity("Hội thi tuyên truyền hưởng ứng Tháng hành động vì môi trường năm 2024") == identity(
        "Hội thi tuyên truyền hưởng ứng Tháng hành động vì môi trường"
    )
    # a programme that responds to a campaign is not that campaign
    assert identity("Chương trình Ánh sáng học đường hưởng ứng Chiến dịch “Mùa hè xanh”") != identity(
        "Chiến dịch “Mùa hè xanh”"
    )
    merged = merge([
        _ev("Chiến dịch “Mùa hè xanh” hè 2024", "2024-06", "2024-08", "hè 2024"),  # inferred from `hè`
        _ev("Chiến dịch “Mùa hè xanh”", "2024-05", "2024-09", "Từ tháng 5/2024 đến tháng 9/2024"),  # stated
        _ev("Các hoạt động nhân Ngày Môi trường thế giới - 5/6", "2024-06", "2024-06"),
        _ev("Ngày Môi trường thế giới", "2024-06-05", "2024-06-05"),
    ])  # fmt: skip
    assert [(e.date_start, e.date_end) for e in merged] == [("2024-05", "2024-09"), ("2024-06-05", "2024-06-05")]

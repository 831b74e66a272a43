"""How real plans write their facts (issue #15), each on a short passage written for the test in the language of
plans: events as phases, deadlines, ranges, quarters and months; targets as time limits and shares of units, and
what is not a target; bodies in every layout; tables of the crawled Markdown; text repair that leaves typed text
alone; and facts that do not depend on how a text is wrapped."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest

from pipeline import extract_file
from pipeline.stages.extract.periods import find_periods
from pipeline.stages.extract.quantities import find_quantities
from pipeline.stages.ingest.text import flat_rows, read_text
from pipeline.stages.write import dumps

from .test_extract_passages import FOOTER, HEADER

DEVTEXTS = Path(__file__).parent / "data" / "devtexts"


def plan(body: str, tmp_path: Path, suffix: str = ".txt") -> dict[str, Any]:
    path = tmp_path / f"plan{suffix}"
    path.write_text(HEADER + body + FOOTER, "utf-8")
    data: dict[str, Any] = json.loads(dumps(extract_file(path)))
    return data


# ---- time expressions ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end", "kind"),
    [
        ("Đợt 02 từ ngày 20 tháng 11 năm 2025 đến ngày 03 tháng 12 năm 2025", "2025-11-20", "2025-12-03", "range"),
        ("hoàn thành trước ngày 31 tháng 12 năm 2025", None, "2025-12-31", "deadline"),
        ("Từ ngày 01/4/2024 đến ngày 30/4/2024", "2024-04-01", "2024-04-30", "range"),
        ("thực hiện trong Quý IV/2025", "2025-10", "2025-12", "quarter"),
        ("Quí II-2026", "2026-04", "2026-06", "quarter"),
        ("xong trong tháng 11/2025", "2025-11", "2025-11", "month"),
        ("Thời gian thực hiện: Tháng 3 - 5/2026.", "2026-03", "2026-05", "range"),
        ("khai mạc lúc 8h30 ngày 9/10/2025", "2025-10-09", "2025-10-09", "day"),
    ],
)
def test_time_expressions_at_their_precision(text: str, start: str | None, end: str, kind: str) -> None:
    (p,) = find_periods(text, None)
    assert (p.start, p.end, p.kind) == (start, end, kind)


@pytest.mark.parametrize(
    "text",
    [
        "theo Quyết định số 1234/QĐ-UBND ngày 05/12/2023 của Ủy ban nhân dân tỉnh",
        "Nghị định số 03/2019/NĐ-CP, ngày 05/9/2019 của Chính phủ",
        "định kỳ hằng tháng báo cáo trước ngày 25",
        "báo cáo trước ngày 15/11 hằng năm",
    ],
)
def test_cited_and_recurring_dates_are_no_period(text: str) -> None:
    assert find_periods(text, 2025) == []


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("Định kỳ hằng tháng tự đánh giá chỉ số cải cách hành chính, bắt đầu thực hiện từ tháng 01/2026.", "2026-01"),
        ("Báo cáo định kỳ hằng tháng kể từ ngày 15/01/2026.", "2026-01-15"),
    ],
)
def test_a_recurring_task_with_its_start_is_dated_from_then_on(text: str, start: str) -> None:
    (p,) = find_periods(text, 2025)
    assert (p.start, p.end, p.kind, p.recurring) == (start, None, "open", False)


# ---- events ----------------------------------------------------------------------------------------------------


def test_phases_deadlines_and_time_lines(tmp_path: Path) -> None:
    r = plan(
        "II. NỘI DUNG\n\n1. Đợt 01 tập trung tuyên truyền từ ngày 20 tháng 11 năm 2024 đến ngày 03 tháng 12 năm "
        "2024.\n\n2. Nhiệm vụ cụ thể\n\n- Thành lập Tổ công tác liên ngành cấp huyện.\n\nThời hạn hoàn thành: Trước "
        "ngày 15/3/2024.\n\n- Tổ chức kiểm tra việc thực hiện tại các xã trong Quý II/2024.",
        tmp_path,
    )
    events = {e["name"]: e for e in r["events"]}
    phase = next(e for n, e in events.items() if n.startswith("Đợt 01"))
    assert (phase["date_start"], phase["date_end"], phase["kind"]) == ("2024-11-20", "2024-12-03", "phase")
    task = events["Thành lập Tổ công tác liên ngành cấp huyện"]
    assert (task["date_start"], task["date_end"], task["kind"]) == (None, "2024-03-15", "deadline")
    check = next(e for n, e in events.items() if n.startswith("Tổ chức kiểm tra"))
    assert (check["date_start"], check["date_end"]) == ("2024-04", "2024-06")


def test_a_meeting_and_a_movement(tmp_path: Path) -> None:
    r = plan(
        "I. NỘI DUNG\n\n1. Ngày 07/02/2024, đồng chí Phó Chủ tịch Ủy ban nhân dân tỉnh chủ trì buổi làm việc với "
        "các sở, ngành về công tác chuyển đổi số.\n\n2. Phát động phong trào thi đua “Cả tỉnh chung sức xây dựng "
        "nông thôn mới” trong toàn tỉnh.",
        tmp_path,
    )
    kinds = {e["kind"]: e for e in r["events"]}
    assert kinds["meeting"]["date_start"] == "2024-02-07"
    assert "Cả tỉnh chung sức xây dựng nông thôn mới" in kinds["movement"]["name"]


# ---- targets ---------------------------------------------------------------------------------------------------


def test_time_limits_and_shares_of_units(tmp_path: Path) -> None:
    r = plan(
        "I. MỤC TIÊU\n\n1. Hồ sơ được giải quyết, trả kết quả trong 48 giờ kể từ khi nhận đủ hồ sơ.\n\n2. Bố trí "
        "tối thiểu 02 nhân sự mỗi xã làm công tác chuyển đổi số.\n\n3. Phấn đấu 03/124 đơn vị đạt chuẩn.\n\n4. "
        "Đến năm 2030 đạt 50% số xã không có ma túy.",
        tmp_path,
    )
    got = {(t["value"], t["unit"], t["comparator"]): t for t in r["targets"]}
    assert set(got) == {(48, "giờ", "<="), (2, "nhân sự", ">="), (3, "đơn vị", "="), (50, "%", "=")}
    assert got[(2, "nhân sự", ">=")]["per"] == "xã"
    assert got[(3, "đơn vị", "=")]["metric"].startswith("3/124 đơn vị")
    assert got[(50, "%", "=")]["period"] == "năm 2030"


def test_ranges_give_a_floor_and_a_ceiling() -> None:
    got = [(q.value, q.unit, q.comparator) for q in find_quantities("tăng bình quân 05 - 06%/năm; giảm 1%-1,5%")]
    assert got == [(5, "%/năm", ">="), (6, "%/năm", "<="), (1, "%", ">="), (1.5, "%", "<=")]


def test_past_statistics_law_amounts_and_counts_are_not_targets(tmp_path: Path) -> None:
    r = plan(
        "I. KẾT QUẢ THỰC HIỆN NĂM 2023\n\n1. Tốc độ tăng trưởng ước đạt 8% so cùng kỳ; thu ngân sách đạt 100% dự "
        "toán.\n\nII. MỤC TIÊU\n\n1. Áp dụng mức thuế suất 5% quy định tại Điều 9 Luật Thuế.\n\n2. Biên bản lập "
        "thành 02 bản.\n\n3. Kế hoạch gồm 03 nội dung chính.\n\n4. Đến nay toàn tỉnh đã có 629/731 trường đạt chuẩn.",
        tmp_path,
    )
    assert r["targets"] == []


# ---- bodies ----------------------------------------------------------------------------------------------------


def test_bodies_in_every_layout(tmp_path: Path) -> None:
    r = plan(
        "III. TỔ CHỨC THỰC HIỆN\n\n1. Các Sở: Tài chính, Xây dựng, Văn hóa, Thể thao và Du lịch\n\n- Hướng dẫn "
        "thực hiện theo chức năng, nhiệm vụ.\n\n2. Giao Sở Y tế chủ trì, phối hợp với Bệnh viện Đa khoa tỉnh triển "
        "khai.\n\na) Công an tỉnh\n\nBảo đảm an ninh, trật tự.\n\n3. Ủy ban nhân dân các xã: Hòa Bình, Tân Lập\n\n"
        "- Bố trí địa điểm.\n\n- Cơ quan thực hiện: Sở Tư pháp chủ trì; Đài Phát thanh và Truyền hình tỉnh, cơ quan "
        "thông tấn báo chí phối hợp tuyên truyền.",
        tmp_path,
    )
    bodies = {b["name"]: b["role"] for b in r["responsible_bodies"]}
    for name in ("Sở Tài chính", "Sở Xây dựng", "Sở Văn hóa, Thể thao và Du lịch", "Công an tỉnh",
                 "Ủy ban nhân dân xã Hòa Bình", "Ủy ban nhân dân xã Tân Lập", "Đài Phát thanh và Truyền hình tỉnh",
                 "cơ quan thông tấn báo chí"):  # fmt: skip
        assert name in bodies or name[:1].upper() + name[1:] in bodies, (name, bodies)
    assert bodies["Sở Y tế"] == "lead" and bodies["Sở Tư pháp"] == "lead"
    assert "Bệnh viện Đa khoa tỉnh" not in bodies  # a partner after `phối hợp với` is given no task of its own
    assert not any("chủ trì" in n.lower() or "phối hợp" in n.lower() for n in bodies)


def test_the_closing_execution_clause_names_no_body(tmp_path: Path) -> None:
    r = plan(
        "I. NỘI DUNG\n\n1. Sở Nội vụ tổng hợp kết quả.\n\nGiám đốc Sở Tài chính, Thủ trưởng các sở, ban, ngành chịu "
        "trách nhiệm thi hành Quyết định này.",
        tmp_path,
    )
    assert [b["name"] for b in r["responsible_bodies"]] == ["Sở Nội vụ"]


# ---- tables of Markdown ----------------------------------------------------------------------------------------


def test_flattened_crawl_table_rows() -> None:
    segments = ["TT", "Nội dung", "Cơ quan chủ trì", "Thời gian", "", "I. NHIỆM VỤ CHUNG", "", "1", "Rà soát",
                "Sở Tư pháp", "Quý IV/2025", "", "2", "Tập huấn", "", "Năm 2026"]  # fmt: skip
    assert flat_rows(segments) == [
        ["TT", "Nội dung", "Cơ quan chủ trì", "Thời gian"],
        ["I. NHIỆM VỤ CHUNG"],
        ["1", "Rà soát", "Sở Tư pháp", "Quý IV/2025"],
        ["2", "Tập huấn", "", "Năm 2026"],
    ]


def test_markdown_tables_are_tables_and_only_allocations_are_quotas(tmp_path: Path) -> None:
    quota = "| TT | Tên đơn vị | Chỉ tiêu giao |\n|---|---|---|\n| 1 | Xã Hòa Bình | 120 |\n| 2 | Xã Tân Lập | 80 |\n"
    tasks = "\n".join(["|", "STT", "|", "Nhiệm vụ", "|", "Cơ quan chủ trì", "|", "Thời gian hoàn thành", "|", "|",
                       "1", "|", "Rà soát quy hoạch", "|", "Sở Xây dựng", "|", "Quý IV/2025", "|", "|", "2", "|",
                       "Tập huấn", "|", "Sở Nội vụ", "|", "Tháng 12/2025", "|"])  # fmt: skip
    lines, tables = read_text("Phụ lục\n\n" + quota + "\n" + tasks + "\n\nHết.")
    assert [ln.text for ln in lines] == ["Phụ lục", "Hết."] and len(tables) == 2
    r = plan("I. NỘI DUNG\n\n1. Phân bổ chỉ tiêu\n\n" + quota + "\n" + tasks + "\n", tmp_path, ".md")
    (q,) = r["quota_tables"]
    assert [(row["unit"], row["quota"]) for row in q["rows"]] == [("Xã Hòa Bình", 120), ("Xã Tân Lập", 80)]
    (t,) = r["tables"]
    assert t["kind"] == "tasks" and t["rows"][0] == ["1", "Rà soát quy hoạch", "Sở Xây dựng", "Quý IV/2025"]
    deadline = next(e for e in r["events"] if e["name"] == "Rà soát quy hoạch")
    assert (deadline["date_start"], deadline["date_end"]) == ("2025-10", "2025-12")
    assert "Sở Nội vụ" in [b["name"] for b in r["responsible_bodies"]]


# ---- text repair -----------------------------------------------------------------------------------------------


def test_typed_text_is_not_corrected_but_plain_text_is(tmp_path: Path) -> None:
    body = "I. NỘI DUNG\n\n1. Kiểm tra việc dán tem, ghi sổ tại các cơ sở; đầy mạnh phong trào thi đua."
    typed = plan(body, tmp_path, ".md")
    assert "dán tem, ghi sổ tại các cơ sở; đầy mạnh" in typed["paragraphs"][-5]["text"] or any(
        "dán tem, ghi sổ tại các cơ sở; đầy mạnh" in p["text"] for p in typed["paragraphs"]
    )
    assert not [c for c in typed["corrections"] if c["rule"].startswith("ocr.")]
    read = plan(body, tmp_path, ".txt")
    assert any(c["original"] == "đầy" and c["corrected"] == "đẩy" for c in read["corrections"])


# ---- wrapping --------------------------------------------------------------------------------------------------


def rewrap(markdown: str, width: int) -> str:
    """The same Markdown wrapped at another width: each paragraph's lines joined and filled again. Blocks that hold
    a table's cells or list items are left as they are (a reflow never moves them)."""
    out = []
    for block in re.split(r"\n\s*\n", markdown):
        lines = block.splitlines()
        if any(ln.strip() == "|" or re.match(r"^\s*[-+]\s", ln) for ln in lines[1:]) or "|" in block[:2]:
            out.append(block)
            continue
        out.append(textwrap.fill(" ".join(ln.strip() for ln in lines), width, break_on_hyphens=False))
    return "\n\n".join(out) + "\n"


def facts(path: Path) -> tuple[list[Any], list[Any], list[Any]]:
    r = json.loads(dumps(extract_file(path)))
    targets = [(t["value"], t["unit"], t["comparator"], t["text"]) for t in r["targets"]]
    events = [(e["name"], e["date_start"], e["date_end"]) for e in r["events"]]
    bodies = [b["name"] for b in r["responsible_bodies"]]
    return targets, events, bodies


@pytest.mark.parametrize("doc", ["t10", "t16"])
def test_facts_do_not_depend_on_wrapping(doc: str, tmp_path: Path) -> None:
    text = (DEVTEXTS / f"{doc}.md").read_text("utf-8")
    narrow, wide = tmp_path / "narrow" / f"{doc}.md", tmp_path / "wide" / f"{doc}.md"
    for path, width in ((narrow, 55), (wide, 140)):
        path.parent.mkdir()
        path.write_text(rewrap(text, width), "utf-8")
    assert narrow.read_text("utf-8") != wide.read_text("utf-8")
    assert facts(narrow) == facts(wide)

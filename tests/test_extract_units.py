"""Extractors fed a Document (ingest of a short text, then normalize and structure), not a whole file's run."""

from __future__ import annotations

import json

from pipeline.records import Document
from pipeline.stages.extract.bodies import extract_bodies
from pipeline.stages.extract.events import extract_events
from pipeline.stages.extract.targets import EVIDENCE_MAX, extract_targets
from pipeline.stages.ingest import ingest_bytes
from pipeline.stages.normalize import normalize
from pipeline.stages.structure import Layout, layout

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
    parts = ", ".join(f"đạt {i % 97 + 1}% số xã loại {i}" for i in range(1, 1001))
    doc, lay = read(f"I. MỤC TIÊU\nPhấn đấu {parts}.\n")
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

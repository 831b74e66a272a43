"""The extraction of the six samples scored against the gold files: the recall and precision issue #5 asks for."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.tools.evaluate import Score, evaluate
from pipeline.vi.text import key

from .conftest import SAMPLE_FILES, extracted, gold_for

CATEGORIES = ("targets", "events", "bodies", "quota_rows")


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=[p.name for p in SAMPLE_FILES])
def test_recall_on_each_sample(path: Path) -> None:
    scores = evaluate(gold_for(path), extracted(path))
    floor = 0.85 if path.name.endswith(".scan.pdf") else 0.95
    for category in CATEGORIES:
        assert scores[category].recall >= floor, (category, scores[category].misses)
    assert scores["quota_total"].recall == 1.0  # the stated total is found wherever the gold has one
    if not path.name.endswith(".scan.pdf"):
        assert scores["quota_rows"].precision == 1.0


def test_precision_rises_with_confidence() -> None:
    totals = {c: Score(c) for c in CATEGORIES}
    for path in SAMPLE_FILES:
        for category, s in evaluate(gold_for(path), extracted(path)).items():
            if category in totals:
                totals[category].add(s)
    for category, s in totals.items():
        assert s.precision_at(0.9) >= s.precision_at(0.5) >= s.precision - 1e-9, category


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=[p.name for p in SAMPLE_FILES])
def test_every_item_has_evidence_that_contains_it(path: Path) -> None:
    result = extracted(path)
    for t in result["targets"]:
        assert t["source"]["text"] == t["text"] and 0 <= t["confidence"] <= 1
        number = f"{t['value']:,}".replace(",", ".") if isinstance(t["value"], int) else str(t["value"])
        assert number.replace(".", ",") in t["text"] or number in t["text"] or t["value"] < 20, t["text"]
    for e in result["events"]:
        plain = key(e["name"]).replace("“", "").replace("”", "")
        assert plain[:12] in key(e["text"]).replace("“", "").replace("”", ""), e["name"]
    for b in result["responsible_bodies"]:
        first_word = key(b["name"]).split()[0]
        assert first_word in key(b["source"]["text"]), b["name"]
    for table in result["quota_tables"]:
        for row in table["rows"]:
            assert key(row["unit"]) in key(row["source"]["text"])
    if path.suffix == ".pdf":
        assert all(t["source"]["bbox"] for t in result["targets"])

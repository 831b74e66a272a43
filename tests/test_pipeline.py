"""End to end: every sample gives a schema-valid result that says how it was read."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from pipeline.stages.validate import schema_errors

Sample = tuple[Path, dict[str, Any], dict[str, Any]]


def test_result_is_schema_valid(sample: Sample) -> None:
    _, result, _ = sample
    assert schema_errors(result) == []


def test_source_block(sample: Sample) -> None:
    path, result, _ = sample
    src = result["source"]
    assert src["file"] == path.name
    if path.suffix == ".txt":
        assert src["input_kind"] == "text" and src["pages"] == 1 and src["ocr_pages"] == []
    elif path.name.endswith(".scan.pdf"):
        # a scan has no text layer: every page is OCR'd
        assert src["input_kind"] == "pdf" and src["ocr_pages"] == list(range(1, src["pages"] + 1))
    else:
        assert src["input_kind"] == "pdf" and src["ocr_pages"] == [] and src["pages"] >= 5


def test_sections_tree(sample: Sample) -> None:
    _, result, _ = sample
    tops = [s["number"] for s in result["sections"]]
    assert tops[:3] == ["I", "II", "III"]
    topics = {s["topic"] for s in result["sections"]}
    assert {"targets", "implementation"} <= topics
    targets = next(s for s in result["sections"] if s["topic"] == "targets")
    assert targets["children"] and all(c["level"] == 2 for c in targets["children"])


def test_output_text_is_nfc_and_keeps_diacritics(sample: Sample) -> None:
    _, result, _ = sample
    for p in result["paragraphs"]:
        assert unicodedata.is_normalized("NFC", p["text"])
    text = " ".join(p["text"] for p in result["paragraphs"])
    assert "hiến máu tình nguyện" in text


def test_scan_evidence_has_boxes_and_confidence(sample: Sample) -> None:
    path, result, _ = sample
    paras = result["paragraphs"]
    if path.suffix == ".txt":
        assert all(p["bbox"] is None for p in paras)
        return
    assert all(p["bbox"] is not None for p in paras)
    if path.name.endswith(".scan.pdf"):
        confs = [p["ocr_confidence"] for p in paras]
        assert all(c is not None and 0 <= c <= 1 for c in confs)
        assert sum(confs) / len(confs) > 0.8

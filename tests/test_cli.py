"""The vnplan command, run as a user runs it (a subprocess), and in process for speed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from pipeline.tools.cli import app, output_names

from .conftest import SAMPLES

runner = CliRunner()
TXT = SAMPLES / "000_475196faf128e58a.txt"


def test_extract_writes_valid_json_and_reports_bad_inputs(tmp_path: Path) -> None:
    bad = tmp_path / "fake.pdf"
    bad.write_text("<html>not a plan</html>")
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "extract", str(TXT), str(bad), "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    errors = [ln for ln in done.stderr.splitlines() if ln.startswith("error")]
    assert errors == [f"error [not_pdf] {bad}: is named .pdf but is not a PDF (it starts with an HTML page)"]
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["000_475196faf128e58a.json"]  # nothing for the bad file
    result = json.loads((out / "000_475196faf128e58a.json").read_text("utf-8"))
    assert result["document"]["number"] == "33/KH-BCĐ"


def test_missing_input_is_one_line(tmp_path: Path) -> None:
    res = runner.invoke(app, ["extract", str(tmp_path / "nope.pdf"), "-o", str(tmp_path)])
    assert res.exit_code == 2
    assert res.stderr.strip() == f"error [not_found] {tmp_path / 'nope.pdf'}: no such file"


def test_validate_names_failing_paths(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    runner.invoke(app, ["extract", str(TXT), "-o", str(tmp_path), "-q"])
    (tmp_path / "000_475196faf128e58a.json").rename(good)
    data = json.loads(good.read_text("utf-8"))
    data["document"]["date"] = "29/01/2021"
    del data["source"]["sha256"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    res = runner.invoke(app, ["validate", str(good), str(bad)])
    assert res.exit_code == 4
    assert f"valid {good}" in res.stdout
    assert "[$.document.date]" in res.stderr
    assert "[$.source] 'sha256' is a required property" in res.stderr


def test_help_explains_every_option() -> None:
    res = runner.invoke(app, ["extract", "--help"])
    assert res.exit_code == 0
    for option in ("--output", "--ocr", "--ocr-lang", "--no-correct", "--max-pages", "--max-pixels", "--debug"):
        assert option in res.stdout


def test_bad_option_value() -> None:
    res = runner.invoke(app, ["extract", str(TXT), "--ocr", "sometimes"])
    assert res.exit_code == 2
    assert "ocr must be auto, always or never" in res.stderr


def test_inputs_sharing_a_stem_get_distinct_outputs() -> None:
    names = output_names([Path("a/plan.pdf"), Path("b/plan.txt"), Path("c/other.pdf")])
    assert names == {Path("a/plan.pdf"): "plan.pdf", Path("b/plan.txt"): "plan.txt", Path("c/other.pdf"): "other"}


def test_no_correct_turns_off_correction_only(tmp_path: Path) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text("KẾ HOẠCH\n\nChỉ đạo đầy mạnh công tác tiêm chủng hoà bình.\n", "utf-8")
    runner.invoke(app, ["extract", str(plan), "-o", str(tmp_path / "a"), "-q"])
    runner.invoke(app, ["extract", str(plan), "-o", str(tmp_path / "b"), "-q", "--no-correct"])
    corrected = json.loads((tmp_path / "a" / "plan.json").read_text("utf-8"))
    plain = json.loads((tmp_path / "b" / "plan.json").read_text("utf-8"))
    assert "đẩy mạnh" in corrected["paragraphs"][1]["text"] and "hòa bình" in corrected["paragraphs"][1]["text"]
    assert plain["paragraphs"][1]["text"] == "Chỉ đạo đầy mạnh công tác tiêm chủng hoà bình."
    assert plain["corrections"] == []


def test_eval_prints_recall_precision_and_misses(tmp_path: Path) -> None:
    out = tmp_path / "results"
    runner.invoke(app, ["extract", str(SAMPLES / "001_3e86aff22814d78e.txt"), "-o", str(out), "-q"])
    gold = SAMPLES / "gold"
    res = runner.invoke(app, ["eval", str(gold), str(out)])
    assert res.exit_code == 0
    lines = res.stdout.splitlines()
    assert lines[0].split()[:4] == ["result", "category", "recall", "precision"]
    rows = {ln.split()[1]: ln.split() for ln in lines if ln.startswith("ALL")}
    assert rows["quota_rows"][2] == "29/29" and rows["quota_total"][2] == "1/1"
    assert float(rows["targets"][3]) >= 0.95
    at = lines.index(next(ln for ln in lines if ln.startswith("header field")))
    header = {ln.split()[0]: ln.split()[1:] for ln in lines[at + 1 : at + 8]}
    assert list(header) == ["doc_type", "number", "date", "issuer", "title", "signer.name", "province"]
    assert header["number"] == ["2", "0.50", "0.00"]  # two gold files, one result: the other counts as null


def test_eval_refuses_a_folder_without_matching_results(tmp_path: Path) -> None:
    res = runner.invoke(app, ["eval", str(SAMPLES / "gold"), str(tmp_path)])
    assert res.exit_code == 2
    assert "no result" in res.stderr

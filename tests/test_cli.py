"""The vnplan command, run as a user runs it (a subprocess), and in process for speed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from pipeline.tools.cli import app

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
    error, summary = res.stderr.splitlines()
    assert error == f"error [not_found] {tmp_path / 'nope.pdf'}: no such file"
    assert summary.startswith("extract: 0 done, 1 failed; 0 pages; ")


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
    assert '[$.source] "sha256" is a required property' in res.stderr


def test_help_explains_every_option() -> None:
    res = runner.invoke(app, ["extract", "--help"])
    assert res.exit_code == 0
    for option in ("--output", "--ocr", "--ocr-lang", "--no-correct", "--max-pages", "--max-pixels", "--debug"):
        assert option in res.stdout


def test_bad_option_value() -> None:
    res = runner.invoke(app, ["extract", str(TXT), "--ocr", "sometimes"])
    assert res.exit_code == 2
    assert "ocr must be auto, always or never" in res.stderr


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


# ---- habits: --version, standard input and output, -v/-q, environment variables ----------------------------------


def test_version() -> None:
    from pipeline import __version__

    res = subprocess.run([sys.executable, "-m", "pipeline", "--version"], capture_output=True, text=True, check=False)
    assert (res.returncode, res.stdout) == (0, f"vnplan {__version__}\n")


def test_extract_from_standard_input_to_standard_output() -> None:
    res = runner.invoke(app, ["extract", "-", "-o", "-"], input=TXT.read_bytes())
    assert res.exit_code == 0, res.output
    (line,) = res.stdout.splitlines()  # JSON Lines: one result a line
    result = json.loads(line)
    assert result["document"]["number"] == "33/KH-BCĐ" and result["source"]["file"] == "stdin.txt"
    assert res.stderr.splitlines()[0].startswith("ok - -> standard output (1 page, ")


def test_several_results_to_standard_output_are_json_lines(tmp_path: Path) -> None:
    res = runner.invoke(app, ["extract", str(TXT), str(SAMPLES / "001_3e86aff22814d78e.txt"), "-o", "-", "-q"])
    numbers = [json.loads(line)["document"]["number"] for line in res.stdout.splitlines()]
    assert numbers == ["33/KH-BCĐ", "07/KH-BCĐ"] and res.stderr == ""


def test_ok_line_counts_pages_and_names_warnings_and_a_summary_ends_the_run(tmp_path: Path) -> None:
    plan = tmp_path / "short.txt"
    plan.write_text("KẾ HOẠCH\n\nTổ chức hiến máu tình nguyện năm 2021.\n", "utf-8")
    res = runner.invoke(app, ["extract", str(TXT), str(plan), "-o", str(tmp_path / "out")])
    lines = res.stderr.splitlines()
    assert lines[0].startswith(f"ok {TXT} -> {tmp_path / 'out' / '000_475196faf128e58a.json'} (1 page, ")
    result = json.loads((tmp_path / "out" / "short.json").read_text("utf-8"))
    codes = sorted({w["code"] for w in result["warnings"]})
    assert codes, "a plan with no number, date or signer is expected to carry warnings"
    n = len(result["warnings"])
    assert f"(1 page, {n} warning{'s' if n > 1 else ''}: {', '.join(codes)}, " in lines[1]
    assert lines[2].startswith("extract: 2 done (1 with warnings), 0 failed; 2 pages; ")


def test_verbosity_levels(tmp_path: Path) -> None:
    quiet = runner.invoke(app, ["extract", str(TXT), "-o", str(tmp_path), "-q"])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    verbose = runner.invoke(app, ["extract", str(SAMPLES / "001_3e86aff22814d78e.layer.pdf"), "-o", str(tmp_path),
                                  "-v"])  # fmt: skip
    lines = verbose.stderr.splitlines()
    assert [ln.strip() for ln in lines if "page " in ln and " of " in ln][:2] == [
        f"{SAMPLES / '001_3e86aff22814d78e.layer.pdf'}: page 1 of 6",
        f"{SAMPLES / '001_3e86aff22814d78e.layer.pdf'}: page 2 of 6",
    ]
    stages = next(ln for ln in lines if ln.startswith("  ingest "))
    assert [part.split()[0] for part in stages.strip().split(", ")] == [
        "ingest", "normalize", "structure", "extract", "validate"
    ]  # fmt: skip


def test_environment_variables_set_common_options(tmp_path: Path) -> None:
    res = runner.invoke(app, ["extract", str(TXT)], env={"VNPLAN_OUTPUT": str(tmp_path / "env"), "VNPLAN_OCR": "x"})
    assert res.exit_code == 2 and "ocr must be auto, always or never, not 'x'" in res.stderr
    res = runner.invoke(app, ["extract", str(TXT), "-q"], env={"VNPLAN_OUTPUT": str(tmp_path / "env")})
    assert res.exit_code == 0 and (tmp_path / "env" / "000_475196faf128e58a.json").is_file()


# ---- consistency ---------------------------------------------------------------------------------------------------


def test_a_missing_file_is_not_found_exit_2_everywhere(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    for command in (["extract", str(missing), "-o", str(tmp_path)], ["validate", str(missing)],
                    ["audit", str(missing)], ["review", str(missing)]):  # fmt: skip
        res = runner.invoke(app, command)
        assert res.exit_code == 2, command
        assert f"error [not_found] {missing}: no such file" in res.stderr, command


def test_validate_checks_a_folder(tmp_path: Path) -> None:
    runner.invoke(app, ["extract", str(TXT), "-o", str(tmp_path), "-q"])
    (tmp_path / "manifest.json").write_text("{}")  # a batch's own file: not checked
    res = runner.invoke(app, ["validate", str(tmp_path)])
    assert res.exit_code == 0 and res.stdout == f"valid {tmp_path / '000_475196faf128e58a.json'}\n"


def test_a_deeply_nested_json_is_not_a_result(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200_000 + "]" * 200_000)
    for command in (["validate", str(deep)], ["audit", str(deep)], ["review", str(deep)]):
        res = runner.invoke(app, command)
        assert res.exit_code == 2 and res.stderr.startswith(f"error [not_a_result] {deep}: "), command
        assert "Traceback" not in res.output and "RecursionError" not in res.stderr.split(": ", 1)[0]


def test_inputs_that_share_a_name_never_overwrite_each_other(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / "in" / folder).mkdir(parents=True)
        shutil.copy(TXT, tmp_path / "in" / folder / "plan.txt")
    shutil.copy(TXT, tmp_path / "in" / "x.txt")
    shutil.copy(SAMPLES / "001_3e86aff22814d78e.txt", tmp_path / "in" / "x.txt.md")
    files = [tmp_path / "in" / "a" / "plan.txt", tmp_path / "in" / "b" / "plan.txt"]
    res = runner.invoke(app, ["extract", *map(str, files), str(tmp_path / "in" / "x.txt"),
                              str(tmp_path / "in" / "x.txt.md"), "-o", str(tmp_path / "out"), "-q"])  # fmt: skip
    assert res.exit_code == 0
    outs = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(outs) == 4  # four inputs, four results
    assert "x.json" in outs and "x.txt.json" in outs
    folder = runner.invoke(app, ["extract", str(tmp_path / "in"), "-o", str(tmp_path / "whole"), "-q"])
    assert folder.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "whole").iterdir()) == ["a__plan.json", "b__plan.json", "x.json",
                                                                      "x.txt.json"]  # fmt: skip


def test_a_document_that_now_fails_loses_its_earlier_result(tmp_path: Path) -> None:
    plan = tmp_path / "plan.txt"
    shutil.copy(TXT, plan)
    runner.invoke(app, ["extract", str(plan), "-o", str(tmp_path / "out"), "-q"])
    assert (tmp_path / "out" / "plan.json").is_file()
    plan.write_text("")
    res = runner.invoke(app, ["extract", str(plan), "-o", str(tmp_path / "out")])
    assert res.exit_code == 2 and "error [no_text]" in res.stderr
    assert f"removed {tmp_path / 'out' / 'plan.json'}, the result of an earlier run" in res.stderr
    assert not (tmp_path / "out" / "plan.json").exists()


def test_output_that_cannot_be_written_is_write_failed(tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    res = runner.invoke(app, ["extract", str(TXT), "-o", str(a_file)])
    assert res.exit_code == 6 and f"error [write_failed] {a_file}: is a file, not a folder" in res.stderr
    results = tmp_path / "results"
    runner.invoke(app, ["extract", str(TXT), "-o", str(results), "-q"])
    res = runner.invoke(app, ["audit", str(results), "-o", "/dev/null"])
    assert res.exit_code == 6 and "error [write_failed] /dev/null: is a device; vnplan writes only regular files" \
        in res.stderr  # fmt: skip
    assert Path("/dev/null").is_char_device()
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    res = runner.invoke(app, ["export", str(results), "-f", "sqlite", "-o", str(fifo)])
    assert res.exit_code == 6 and "is a FIFO (named pipe)" in res.stderr


def test_names_with_control_characters_are_printed_escaped(tmp_path: Path) -> None:
    evil = tmp_path / "plan\x1b[2J\rok.pdf"
    evil.write_text("<html>not a plan</html>")
    res = runner.invoke(app, ["extract", str(evil), "-o", str(tmp_path / "out")])
    assert "\x1b" not in res.stderr and "\r" not in res.stderr
    assert "plan\\x1b[2J\\rok.pdf: is named .pdf but is not a PDF" in res.stderr


HEAVY = ("numpy", "pymupdf", "fitz", "PIL", "jsonschema", "pandas", "pdfplumber")


def _imported(args: list[str]) -> set[str]:
    """Top-level modules a vnplan command imports, from `python -X importtime` (which lists every import)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "pipeline", *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    names = (line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:"))
    return {name.split(".")[0] for name in names}


def test_help_and_a_resume_import_no_heavy_library(tmp_path: Path) -> None:
    """Start-up (issue 13): `--help` and a batch with nothing to redo load neither the stages' libraries nor the
    validator; a slip (a constant imported from a module that imports numpy) once cost 0.3 s per call."""
    assert not _imported(["--help"]) & set(HEAVY)
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SAMPLES / "000_475196faf128e58a.txt", src / "plan.txt")
    first = subprocess.run([sys.executable, "-m", "pipeline", "batch", str(src), "-o", str(tmp_path / "out"), "-q"])
    assert first.returncode == 0
    assert not _imported(["batch", str(src), "-o", str(tmp_path / "out"), "-q"]) & set(HEAVY)

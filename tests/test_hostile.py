"""Broken and hostile inputs (tests/hostile.py builds them): a clear error code each, no traceback, nothing written
for a bad file, nothing written outside the output folder, and the good files of the same batch still converted."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.stages.ingest import IngestOptions, ingest
from pipeline.tools.cli import app

from .conftest import ROOT, SAMPLES, extracted_plan
from .hostile import Case, build

TEXT_SAMPLE = SAMPLES / "000_475196faf128e58a.txt"

runner = CliRunner()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Case]]:
    folder = tmp_path_factory.mktemp("hostile")
    return folder, build(folder)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under a folder (links not followed) with a hash of its bytes."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            out[str(path.relative_to(folder))] = "-> " + os.readlink(path)
        elif path.is_file():
            out[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def test_extract_gives_each_bad_file_its_code(corpus: tuple[Path, dict[str, Case]], tmp_path: Path) -> None:
    folder, cases = corpus
    files = sorted((folder / "in").iterdir())
    done = runner.invoke(app, ["extract", *map(str, files), "-o", str(tmp_path / "out"), "--timeout", "120"])
    assert done.exit_code == 2
    assert "Traceback" not in done.output
    lines = {line.split("] ", 1)[1].split(": ", 1)[0]: line for line in done.stderr.splitlines() if "] " in line}
    for name, case in cases.items():
        path = str(folder / "in" / name)
        if case.error and case.error != "outside_input":  # a link named on the command line is read: it was chosen
            assert lines[path].startswith(f"error [{case.error}] {path}: "), lines.get(path)
            assert len(lines[path].splitlines()) == 1
            assert not (tmp_path / "out" / f"{Path(name).stem}.json").exists()
        else:
            result = json.loads((tmp_path / "out" / f"{Path(name).stem}.json").read_text("utf-8"))
            assert case.warnings <= {w["code"] for w in result["warnings"]}, name


def test_batch_records_every_bad_file_and_writes_only_into_its_folder(
    corpus: tuple[Path, dict[str, Case]], tmp_path: Path
) -> None:
    folder, cases = corpus
    before = snapshot(folder)
    scratch, home, out = tmp_path / "tmp", tmp_path / "home", tmp_path / "out"
    scratch.mkdir()
    home.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch), "HOME": str(home)}
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "batch", str(folder / "in"), "-o", str(out), "-q", "--workers", "2"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    errors = {Path(e["file"]).name: e for e in map(json.loads, (out / "errors.jsonl").read_text("utf-8").splitlines())}
    assert {name: e["type"] for name, e in errors.items()} == {n: c.error for n, c in cases.items() if c.error}
    good = {Path(n).stem for n, c in cases.items() if not c.error}
    assert {p.name for p in out.iterdir()} == {f"{s}.json" for s in good} | {
        "manifest.json",
        "errors.jsonl",
        ".vnplan.lock",
    }
    assert snapshot(folder) == before  # inputs untouched
    assert list(scratch.iterdir()) == [] and list(home.iterdir()) == []  # no stray files anywhere else


def test_a_link_in_the_output_folder_is_replaced_not_followed(tmp_path: Path) -> None:
    from pipeline.stages.write import write_result

    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    out = tmp_path / "out"
    out.mkdir()
    (out / "plan.json").symlink_to(victim)
    write_result(extracted_plan(TEXT_SAMPLE), out, "plan")
    assert victim.read_text() == "keep me"
    assert not (out / "plan.json").is_symlink() and json.loads((out / "plan.json").read_text())["schema_version"]


@pytest.mark.parametrize("stem", ["../../x", "/etc/passwd", "..", ""])
def test_output_names_cannot_leave_the_folder(tmp_path: Path, stem: str) -> None:
    from pipeline.stages.write import write_result

    out = tmp_path / "a" / "b"
    if Path(stem).name in {"", ".."}:
        with pytest.raises(ValueError, match="bad output name"):
            write_result(extracted_plan(TEXT_SAMPLE), out, stem)
    else:
        assert write_result(extracted_plan(TEXT_SAMPLE), out, stem).parent == out


def test_bomb_is_refused_before_it_is_decoded(corpus: tuple[Path, dict[str, Case]]) -> None:
    folder, _ = corpus
    with pytest.raises(Exception, match=r"page 1 holds an image of 20,000 x 20,000 pixels, more than --max-pixels"):
        ingest(folder / "in" / "bomb.pdf", IngestOptions(ocr="auto"))


def test_blank_pages_under_a_higher_page_limit_are_no_text(corpus: tuple[Path, dict[str, Case]]) -> None:
    folder, _ = corpus
    with pytest.raises(Exception, match="has no readable text") as info:
        ingest(folder / "in" / "blank-2000.pdf", IngestOptions(max_pages=5000))
    assert getattr(info.value, "code", None) == "no_text"

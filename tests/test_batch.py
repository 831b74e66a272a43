"""vnplan batch: parallel, resumable, one failure recorded and the rest written, a lock, a per-document time limit."""

from __future__ import annotations

import json
import os
import shutil
import stat
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.errors import BatchLocked, UsageError
from pipeline.runner import Options
from pipeline.stages.validate import schema_errors
from pipeline.tools.batch import locked, run_batch
from pipeline.tools.cli import app

from .conftest import SAMPLES

runner = CliRunner()


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(SAMPLES / "000_475196faf128e58a.txt", folder / "lao-cai.txt")
    shutil.copy(SAMPLES / "001_3e86aff22814d78e.txt", folder / "sub" / "thai-nguyen.txt")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog")  # truncated
    return folder


def test_batch_writes_good_records_bad_and_resumes(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run_batch(inputs, out, workers=2)
    assert (first.count("done"), first.count("failed"), first.count("skipped")) == (2, 1, 0)
    assert sorted(p.name for p in out.glob("*.json")) == ["lao-cai.json", "manifest.json", "sub__thai-nguyen.json"]
    assert schema_errors(json.loads((out / "lao-cai.json").read_text("utf-8"))) == []
    (error,) = [json.loads(line) for line in (out / "errors.jsonl").read_text("utf-8").splitlines()]
    assert error["file"].endswith("broken.pdf") and error["stage"] == "ingest" and error["type"] == "corrupt"
    assert error["input"] == "broken.pdf" and datetime.fromisoformat(error["time"]).tzinfo is not None
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["input_root"] == str(inputs.resolve())
    assert set(manifest["documents"]) == {"lao-cai.txt", "sub/thai-nguyen.txt"}
    entry = manifest["documents"]["sub/thai-nguyen.txt"]
    assert entry["output"] == "sub__thai-nguyen.json" and entry["file"] == str(
        inputs.absolute() / "sub" / "thai-nguyen.txt"
    )

    again = run_batch(inputs, out, workers=2)
    assert (again.count("done"), again.count("skipped"), again.count("failed")) == (0, 2, 1)
    assert len((out / "errors.jsonl").read_text("utf-8").splitlines()) == 1  # the same failure, once

    changed = inputs / "lao-cai.txt"
    changed.write_text(changed.read_text("utf-8").replace("6.000 đơn vị máu", "7.000 đơn vị máu"), "utf-8")
    third = run_batch(inputs, out, workers=1)
    assert [o.file for o in third.outcomes if o.status == "done"] == [str(changed)]
    targets = json.loads((out / "lao-cai.json").read_text("utf-8"))["targets"]
    assert targets[0]["value"] == 7000


def test_no_temporary_files_are_left(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_batch(inputs, out, workers=2)
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_a_second_batch_into_the_same_folder_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with locked(out), pytest.raises(BatchLocked, match="another vnplan batch"):
        run_batch(tmp_path, out)


def long_scan(path: Path, pages: int) -> Path:
    """A scan of `pages` pages (the sample's pages repeated): its OCR takes over half a second a page on any machine."""
    import pymupdf

    src = pymupdf.open(SAMPLES / "001_3e86aff22814d78e.scan.pdf")
    doc = pymupdf.open()
    while doc.page_count < pages:
        doc.insert_pdf(src)
    doc.save(path)
    return path


def test_timeout_stops_the_document_not_the_batch(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    long_scan(folder / "scan.pdf", 60)
    shutil.copy(SAMPLES / "000_475196faf128e58a.txt", folder / "text.txt")
    # the text takes under a second alone, so 15 s holds on a busy machine; 60 scanned pages take more on any
    summary = run_batch(folder, tmp_path / "out", Options(timeout=15.0), workers=2)
    by_name = {Path(o.file).name: o for o in summary.outcomes}
    assert by_name["text.txt"].status == "done"
    assert by_name["scan.pdf"].status == "failed" and by_name["scan.pdf"].error["type"] == "timeout"  # type: ignore[index]


def test_batch_command_summary_and_exit_code(inputs: Path, tmp_path: Path) -> None:
    res = runner.invoke(app, ["batch", str(inputs), "-o", str(tmp_path / "out"), "--workers", "2"])
    assert res.exit_code == 2  # one input failed
    assert "error [corrupt]" in res.stderr and "broken.pdf" in res.stderr
    assert "done" in res.stderr and "failed" in res.stderr and "warnings" in res.stderr
    quiet = runner.invoke(app, ["batch", str(inputs), "-o", str(tmp_path / "out"), "-q"])
    assert quiet.stderr.splitlines() == [
        f"error [corrupt] {inputs / 'broken.pdf'}: " + quiet.stderr.split(": ", 1)[1].strip()
    ]
    verbose = runner.invoke(app, ["batch", str(inputs), "-o", str(tmp_path / "again"), "-v", "--workers", "1"])
    assert f"ok {inputs / 'lao-cai.txt'} -> {tmp_path / 'again' / 'lao-cai.json'} (1 page, " in verbose.stderr


def test_a_file_or_an_empty_folder_is_a_usage_error(inputs: Path, tmp_path: Path) -> None:
    res = runner.invoke(app, ["batch", str(inputs / "lao-cai.txt"), "-o", str(tmp_path / "out")])
    assert res.exit_code == 2
    assert res.stderr.startswith(f"error [usage] {inputs / 'lao-cai.txt'} is a file: batch converts a folder")
    (tmp_path / "empty" / "sub").mkdir(parents=True)
    (tmp_path / "empty" / "notes.docx.bak").write_text("")
    res = runner.invoke(app, ["batch", str(tmp_path / "empty"), "-o", str(tmp_path / "out")])
    assert res.exit_code == 2 and "holds no .pdf, .txt or .md files" in res.stderr
    assert not (tmp_path / "out").exists()


def test_results_manifest_errors_and_review_pages_respect_the_umask(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    old = os.umask(0o022)
    try:
        run_batch(inputs, out, workers=2, review=True)
    finally:
        os.umask(old)
    files = [p for p in out.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"lao-cai.json", "manifest.json", "errors.jsonl", ".vnplan.lock",
                                       "lao-cai.html"}  # fmt: skip
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path
    assert stat.S_IMODE((out / "review").stat().st_mode) == 0o755


def test_review_pages_for_a_finished_batch_and_review_from_elsewhere(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (inputs / "broken.pdf").unlink()
    shutil.copy(SAMPLES / "001_3e86aff22814d78e.layer.pdf", inputs / "sub" / "thai-nguyen-layer.pdf")
    out = tmp_path / "out"
    run_batch(inputs, out, workers=2)
    assert not (out / "review").exists()
    again = run_batch(inputs, out, workers=2, review=True)
    assert (again.count("done"), again.count("skipped")) == (0, 3)  # nothing converted again
    assert sorted(p.name for p in (out / "review").iterdir()) == [
        "lao-cai.html", "sub__thai-nguyen-layer.html", "sub__thai-nguyen.html"
    ]  # fmt: skip
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the manifest keeps absolute paths: the source is found from any folder
    res = runner.invoke(app, ["review", str(out / "sub__thai-nguyen-layer.json"), "-o", "page.html"])
    assert res.exit_code == 0, res.output
    assert (elsewhere / "page.html").stat().st_size > 100_000  # the page images are in it


def test_stale_results_are_removed_and_the_error_log_pruned(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_batch(inputs, out, workers=2)
    assert (out / "lao-cai.json").is_file()
    (inputs / "lao-cai.txt").write_text("", "utf-8")  # now it fails
    (inputs / "sub" / "thai-nguyen.txt").unlink()  # and this one is gone
    second = run_batch(inputs, out, workers=2)
    assert {Path(o.file).name: o.status for o in second.outcomes} == {"lao-cai.txt": "failed", "broken.pdf": "failed"}
    assert sorted(p.name for p in out.glob("*.json")) == ["manifest.json"]  # neither result is left to pass as current
    assert json.loads((out / "manifest.json").read_text("utf-8"))["documents"] == {}
    assert "removed 1 result(s) of inputs no longer in" in second.notes[0]
    (inputs / "broken.pdf").unlink()  # removed: its error goes
    shutil.copy(SAMPLES / "000_475196faf128e58a.txt", inputs / "lao-cai.txt")  # fixed: its error goes
    third = run_batch(inputs, out, workers=2)
    assert third.count("done") == 1 and (out / "errors.jsonl").read_text("utf-8") == ""


def test_a_batch_of_another_folder_into_the_same_output_is_refused(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_batch(inputs, out, workers=2)
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(SAMPLES / "000_475196faf128e58a.txt", other / "x.txt")
    before = sorted(p.name for p in out.iterdir())
    with pytest.raises(UsageError, match=f"holds the results of a batch of {inputs.resolve()}"):
        run_batch(other, out, workers=1)
    assert sorted(p.name for p in out.iterdir()) == before


def test_options_of_extract_are_options_of_batch(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLES / "001_3e86aff22814d78e.scan.pdf", folder / "scan.pdf")
    res = runner.invoke(app, ["batch", str(folder), "-o", str(tmp_path / "out"), "-q", "--ocr-lang", "fra",
                              "--ocr-dpi", "150"])  # fmt: skip
    assert res.exit_code == 3
    assert "error [ocr_unavailable]" in res.stderr
    assert "install it with 'apt-get install tesseract-ocr-fra'" in res.stderr and "make setup" not in res.stderr
    res = runner.invoke(app, ["batch", str(folder), "-o", str(tmp_path / "out"), "-q", "--ocr", "never"])
    assert "error [no_text]" in res.stderr and "--ocr never turned OCR off" in res.stderr
    env = runner.invoke(app, ["batch", str(folder), "-o", str(tmp_path / "out"), "-q"], env={"VNPLAN_OCR": "never"})
    assert "--ocr never turned OCR off" in env.stderr


def test_batch_exits_with_the_highest_code_among_its_failures() -> None:
    """Like extract: a bad input is 2, Tesseract missing is 3, and 3 wins; nothing failed is 0."""
    from pipeline.tools.batch import Outcome, Summary

    def failed(code: str) -> Outcome:
        return Outcome("x.pdf", None, "failed", "", error={"stage": "ingest", "type": code, "message": "…"})

    assert Summary([failed("corrupt"), failed("ocr_unavailable"), failed("timeout")]).exit_code() == 3
    assert Summary([failed("corrupt"), Outcome("y.txt", "y.json", "done", "")]).exit_code() == 2
    assert Summary([failed("crashed")]).exit_code() == 1
    assert Summary([Outcome("y.txt", "y.json", "skipped", "")]).exit_code() == 0


def test_dask_cluster_gives_the_local_results(inputs: Path, tmp_path: Path) -> None:
    """The same documents through a real dask.distributed cluster (worker processes, a TCP scheduler)."""
    from distributed import LocalCluster

    from pipeline.tools.batch import DaskExecutor

    local = run_batch(inputs, tmp_path / "local", workers=2)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        assert cluster.scheduler_address.startswith("tcp://")
        remote = run_batch(inputs, tmp_path / "dask", executor=DaskExecutor(cluster.scheduler_address))
    assert (remote.count("done"), remote.count("failed")) == (local.count("done"), local.count("failed")) == (2, 1)
    for name in ("lao-cai.json", "sub__thai-nguyen.json"):
        assert (tmp_path / "dask" / name).read_text("utf-8") == (tmp_path / "local" / name).read_text("utf-8")
    (error,) = [json.loads(line) for line in (tmp_path / "dask" / "errors.jsonl").read_text("utf-8").splitlines()]
    assert error["type"] == "corrupt"


def test_dask_timeout_holds_on_worker_threads(tmp_path: Path) -> None:
    """dask runs tasks on threads, where SIGALRM cannot fire: the deadline in the options must still stop OCR."""
    from distributed import LocalCluster

    from pipeline.tools.batch import DaskExecutor

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLES / "001_3e86aff22814d78e.scan.pdf", folder / "scan.pdf")
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        summary = run_batch(
            folder, tmp_path / "out", Options(timeout=1.0), executor=DaskExecutor(cluster.scheduler_address)
        )
    (outcome,) = summary.outcomes
    assert outcome.status == "failed" and outcome.error and outcome.error["type"] == "timeout"
    assert outcome.seconds < 10


def test_unreachable_scheduler_is_a_clear_error(inputs: Path, tmp_path: Path) -> None:
    from pipeline.tools.batch import DaskExecutor, ExecutorUnavailable

    with pytest.raises(ExecutorUnavailable, match=r"cannot reach the dask scheduler at tcp://127\.0\.0\.1:9"):
        run_batch(inputs, tmp_path / "out", executor=DaskExecutor("tcp://127.0.0.1:9", connect_timeout=2))
    assert not (tmp_path / "out" / "manifest.json").exists()


def test_pages_are_reported_as_workers_start_them(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLES / "001_3e86aff22814d78e.layer.pdf", folder / "plan.pdf")
    pages: list[tuple[str, int, int]] = []
    run_batch(
        folder, tmp_path / "out", workers=1, on_page=lambda file, page, n: pages.append((Path(file).name, page, n))
    )
    assert pages == [("plan.pdf", page, 6) for page in range(1, 7)]

"""Two batches on one folder, and a batch killed mid-way then resumed: the folder is never corrupted, and the
resumed run ends with what an uninterrupted run writes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.stages.validate import schema_errors
from pipeline.tools.batch import run_batch

from .conftest import ROOT, SAMPLES

PLANS = 16


def start_batch(src: Path, out: Path, *extra: str) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "pipeline", "batch", str(src), "-o", str(out), "-q", *extra]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)  # fmt: skip


def wait_for(condition: object, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting for the batch")
        time.sleep(0.05)


def done_in(out: Path) -> int:
    try:
        return len(json.loads((out / "manifest.json").read_text("utf-8"))["documents"])
    except (OSError, ValueError, KeyError):
        return 0


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    """Sixteen text plans, each a little different: enough that a kill after three lands well before the end."""
    src = tmp_path / "in"
    src.mkdir()
    text = (SAMPLES / "000_475196faf128e58a.txt").read_text("utf-8")
    for i in range(PLANS):
        (src / f"plan-{i}.txt").write_text(text.replace("6.000 đơn vị máu", f"{6000 + i * 100:,} đơn vị máu"), "utf-8")
    return src


def test_a_second_batch_on_the_same_folder_is_refused(plans: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copy(SAMPLES / "001_3e86aff22814d78e.scan.pdf", plans / "scan.pdf")  # keeps the first batch busy
    first = start_batch(plans, out, "--workers", "1")
    wait_for(lambda: (out / ".vnplan.lock").exists())
    second = subprocess.run([sys.executable, "-m", "pipeline", "batch", str(plans), "-o", str(out), "-q"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert second.returncode == 2
    assert f"error [locked] another vnplan batch is writing into {out}" in second.stderr
    assert first.wait(timeout=300) == 0, first.stderr
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))["documents"]
    assert len(manifest) == PLANS + 1
    for entry in manifest.values():
        assert schema_errors(json.loads((out / entry["output"]).read_text("utf-8"))) == []


def test_killed_then_resumed_equals_uninterrupted(plans: Path, tmp_path: Path) -> None:
    whole = tmp_path / "whole"
    run_batch(plans, whole, workers=1)

    out = tmp_path / "out"
    batch = start_batch(plans, out, "--workers", "1")
    wait_for(lambda: done_in(out) >= 3)
    os.killpg(batch.pid, signal.SIGKILL)  # no chance to clean up
    batch.wait(timeout=30)
    assert 3 <= done_in(out) < PLANS
    # what a kill leaves: whole files only, each one valid, no temporary files
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]
    for path in out.glob("*.json"):
        data = json.loads(path.read_text("utf-8"))
        assert path.name == "manifest.json" or schema_errors(data) == []

    resumed = run_batch(plans, out, workers=1)
    assert resumed.count("skipped") >= 3 and resumed.count("failed") == 0
    assert resumed.count("done") + resumed.count("skipped") == PLANS
    results = sorted(p.name for p in whole.glob("*.json"))
    assert sorted(p.name for p in out.glob("*.json")) == results
    for name in results:
        assert (out / name).read_bytes() == (whole / name).read_bytes(), name

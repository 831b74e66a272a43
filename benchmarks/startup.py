"""Start-up benchmark: how long `vnplan --help` and a resume of a finished batch take, as whole processes.

    make bench-startup        (or: .venv/bin/python benchmarks/startup.py [RUNS])

A resume with nothing to do reads the manifest, hashes the inputs and checks the results are there; no stage is
imported. Prints min / median / max wall seconds over RUNS runs (default 10) after one warm-up. Measure on a quiet
machine: on a busy one these figures are noise.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VNPLAN = [sys.executable, "-m", "pipeline"]


def timed(cmd: list[str], runs: int) -> list[float]:
    subprocess.run(cmd, check=True, capture_output=True)  # warm-up: the file cache, not the interpreter
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        out.append(time.perf_counter() - started)
    return out


def show(name: str, seconds: list[float]) -> None:
    print(f"  {name:34} min {min(seconds):.3f} s  median {statistics.median(seconds):.3f} s  max {max(seconds):.3f} s")


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    print(f"vnplan start-up, {runs} runs each, {time.strftime('%Y-%m-%d %H:%M')}")
    show("vnplan --help", timed([*VNPLAN, "--help"], runs))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        subprocess.run([*VNPLAN, "batch", str(ROOT / "samples"), "-o", str(out), "-q"], check=True, capture_output=True)
        show("resume of a finished batch (6 docs)", timed([*VNPLAN, "batch", str(ROOT / "samples"), "-o", str(out),
                                                           "-q"], runs))  # fmt: skip
    show("python -c pass (the floor)", timed([sys.executable, "-c", "pass"], runs))


if __name__ == "__main__":
    main()

"""Where the CPU of vnplan's scan path goes, stage by stage, on real scanned PDFs.

Runs the whole pipeline in this process, each page's OCR in the thread that rendered it (so that cProfile sees it
and each step's CPU is its own), with the OCR cache off, and prints for each step of a scanned page its own CPU
and its Tesseract processes' CPU, each step's figure including the steps it calls (indented under it), then each
kind of Tesseract call (count and CPU), and the whole run: this process's CPU plus its children's.

Run: `.venv/bin/python benchmarks/scan_profile.py ../shared/realdocs/s07.pdf …` (minutes: Tesseract runs for real).
`--cprofile FILE` also writes a cProfile of the run (read it with `python -m pstats FILE`); `--cached` keeps the OCR
cache (VNPLAN_OCR_CACHE) on, for vnplan's own work alone in a few minutes (Tesseract's figures are then
meaningless). The load average is printed: the figures are CPU times, which other work on the machine disturbs
less than wall times, but still some.
"""

from __future__ import annotations

import cProfile
import os
import resource
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pipeline.runner import Options, run
from pipeline.stages.ingest import IngestOptions, ocr, pdf, scanned
from pipeline.stages.ingest.ocr import CACHE_ENV

# (module, function name, label, depth): the steps of a scanned page, in the order they run
STEPS = [
    (scanned, "page_image", "page image (render, colour, table look)", 0),
    (scanned, "render_page", "render and drop colour", 1),
    (scanned, "might_hold_a_table", "might hold a table", 1),
    (scanned, "ocr_scanned_page", "OCR of the page and what follows", 0),
    (scanned, "read_scan_table", "ruled table search and reading", 1),
    (scanned, "ocr_drafts", "page OCR (Tesseract, parse)", 1),
    (scanned, "_with_header_reread", "header block read again", 1),
    (scanned, "_settled", "header blanks settled", 1),
    (scanned, "reread_signature", "signature block read again", 1),
    (scanned, "merge_stamps", "stamps merged", 1),
]

_cpu: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])  # label: own CPU, children's CPU, calls
_calls: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])  # Tesseract call kind: calls, CPU
_lock = threading.Lock()


def _children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        own, kids = time.thread_time(), _children()
        try:
            return fn(*args, **kwargs)
        finally:
            with _lock:
                entry = _cpu[label]
                kid = _children() - kids
                entry[0] += time.thread_time() - own
                entry[1] += kid
                entry[2] += 1

    return wrapper


def _kind(cmd: list[str]) -> str:
    """A Tesseract call's kind: its language, layout mode and whitelist."""
    psm = cmd[cmd.index("--psm") + 1] if "--psm" in cmd else "3"
    lang = cmd[cmd.index("-l") + 1] if "-l" in cmd else "?"
    digits = " digits" if any("whitelist" in c for c in cmd) else ""
    return f"{lang} psm {psm}{digits}"


class _Inline:
    """An executor that runs each job at once, in the calling thread."""

    def __init__(self, max_workers: int = 1) -> None:
        del max_workers

    def __enter__(self) -> _Inline:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as e:  # the caller meets it at .result(), as with a pool
            future.set_exception(e)
        return future


@contextmanager
def _patched() -> Iterator[None]:
    saved = [(module, name, getattr(module, name)) for module, name, _, _ in STEPS]
    for module, name, label, _ in STEPS:
        setattr(module, name, _timed(label, getattr(module, name)))
    real_run = ocr.subprocess.run

    def counted(cmd: list[str], *args: Any, **kwargs: Any) -> Any:
        before = _children()
        try:
            return real_run(cmd, *args, **kwargs)
        finally:
            if "--list-langs" not in cmd:
                with _lock:
                    entry = _calls[_kind(cmd)]
                    entry[0] += 1
                    entry[1] += _children() - before

    ocr.subprocess.run = counted  # type: ignore[assignment]
    pool = pdf.ThreadPoolExecutor  # type: ignore[attr-defined]
    pdf.ThreadPoolExecutor = _Inline  # type: ignore[attr-defined]
    try:
        yield
    finally:
        ocr.subprocess.run = real_run
        pdf.ThreadPoolExecutor = pool  # type: ignore[attr-defined]
        for module, name, fn in saved:
            setattr(module, name, fn)


def main(argv: list[str]) -> None:
    profile_to = None
    if "--cprofile" in argv:
        at = argv.index("--cprofile")
        profile_to = argv[at + 1]
        argv = argv[:at] + argv[at + 2 :]
    if "--cached" not in argv:
        os.environ.pop(CACHE_ENV, None)
    paths = [Path(a) for a in argv if a != "--cached"]
    os.environ["OMP_THREAD_LIMIT"] = "1"
    options = Options(ingest=IngestOptions(ocr_jobs=1))
    load = os.getloadavg()
    profiler = cProfile.Profile() if profile_to else None
    own, kids, wall = time.process_time(), _children(), time.perf_counter()
    with _patched():
        if profiler:
            profiler.enable()
        for path in paths:
            run(path, options)
        if profiler:
            profiler.disable()
    own, kids, wall = time.process_time() - own, _children() - kids, time.perf_counter() - wall
    if profiler and profile_to:
        profiler.dump_stats(profile_to)
    print(f"{len(paths)} documents; load average before {load[0]:.2f}, after {os.getloadavg()[0]:.2f}")
    print(f"whole run: vnplan {own:.1f} s CPU + Tesseract {kids:.1f} s CPU = {own + kids:.1f} s; wall {wall:.1f} s")
    print(f"{'step':44} {'calls':>5} {'own CPU':>8} {'Tesseract':>9}")
    for _, _, label, depth in STEPS:
        mine, theirs, calls = _cpu.get(label, [0.0, 0.0, 0.0])
        print(f"{'  ' * depth + label:44} {calls:5.0f} {mine:8.1f} {theirs:9.1f}")
    print(f"{'Tesseract call':44} {'calls':>5} {'CPU':>8}")
    for kind, (calls, cpu) in sorted(_calls.items(), key=lambda kv: -kv[1][1]):
        print(f"{kind:44} {calls:5.0f} {cpu:8.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])

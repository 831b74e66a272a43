"""Supervised workers: a worker stuck past its limit is killed, a worker that dies is replaced, the rest goes on."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from pipeline.tools.workers import Supervisor, report


def work(kind: str, seconds: float) -> tuple[str, str]:
    """A job for the workers: module-level, so a fresh worker process can import it."""
    if kind == "hang":
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM, signal.SIGTERM})  # like a long call into C
        time.sleep(seconds)
    elif kind == "segfault":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif kind == "exit":
        os._exit(7)
    elif kind == "memory":
        pass
    return kind, "ok"


def lost(job: tuple[Any, ...], code: str, message: str) -> tuple[str, str]:
    return job[0], f"{code}: {message}"


def run(jobs: list[tuple[Any, ...]], **kwargs: Any) -> dict[str, str]:
    supervisor: Supervisor[tuple[str, str]] = Supervisor(work, lost, 2, **kwargs)
    return dict(supervisor.run(jobs))


def test_every_job_answers_once() -> None:
    assert run([(f"job{i}", 0.0) for i in range(7)]) == {f"job{i}": "ok" for i in range(7)}


def test_a_stuck_worker_is_killed_and_the_others_go_on() -> None:
    """Every job has the 0.5 s limit; only the stuck one may overrun it. A job's clock starts when its worker
    starts it, so a worker slow to start on a busy machine costs no job its time."""
    started = time.monotonic()
    answers = run([("hang", 120.0), ("a", 0.0), ("b", 0.0)], limit=lambda job: 0.5, grace=0.5)
    assert answers["a"] == answers["b"] == "ok"
    assert answers["hang"] == "timeout: took longer than --timeout 0.5 s; its worker was stopped"
    assert time.monotonic() - started < 100  # killed, not waited for: the stuck job sleeps 120 s


def test_a_worker_slow_to_start_is_not_charged_for_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run([("warm", 0.0)])  # the forkserver runs already, so each new worker imports the module below itself
    (tmp_path / "vnplan_slow_start.py").write_text("import time\n\ntime.sleep(3)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    answers = run([("a", 0.0), ("b", 0.0), ("c", 0.0)], limit=lambda job: 0.5, grace=0.5,
                  preload=("vnplan_slow_start",))  # fmt: skip
    assert answers == {"a": "ok", "b": "ok", "c": "ok"}


def test_progress_reported_by_a_job_reaches_the_supervisor() -> None:
    seen: list[tuple[str, object]] = []
    supervisor: Supervisor[tuple[str, str]] = Supervisor(
        _reporting, lost, 1, progress=lambda job, p: seen.append((job[0], p))
    )
    assert dict(supervisor.run([("a", 0.0), ("b", 0.0)])) == {"a": "ok", "b": "ok"}
    assert seen == [("a", (1, 2)), ("a", (2, 2)), ("b", (1, 2)), ("b", (2, 2))]


def _reporting(kind: str, seconds: float) -> tuple[str, str]:
    report((1, 2))
    report((2, 2))
    return kind, "ok"


def test_a_dead_worker_costs_only_its_job() -> None:
    answers = run([("segfault", 0.0), ("exit", 0.0), ("a", 0.0), ("b", 0.0), ("c", 0.0)])
    assert answers["segfault"] == "crashed: the worker process died (signal 11) while reading this document"
    assert answers["exit"] == "crashed: the worker process died (exit code 7) while reading this document"
    assert answers["a"] == answers["b"] == answers["c"] == "ok"


def test_memory_limit_per_worker() -> None:
    supervisor: Supervisor[Any] = Supervisor(_guarded, lost, 1, memory_mb=1024)
    assert dict(supervisor.run([("memory", 0.0), ("a", 0.0)])) == {"memory": "MemoryError", "a": "ok"}


def _guarded(kind: str, seconds: float) -> tuple[str, str]:
    try:
        if kind == "memory":
            bytearray(2 * 1024 * 1024 * 1024)
        return work(kind, seconds)
    except MemoryError:
        return kind, "MemoryError"

"""The stage runner: stages named once and run in order, errors tagged with their stage, the deadline shared."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pipeline import runner
from pipeline.errors import InternalError, NotPdf, Timeout
from pipeline.options import Options
from pipeline.plan import Plan
from pipeline.runner import STAGES, run
from pipeline.stages.ingest import ingest
from pipeline.stages.normalize import normalize as real_normalize

from .conftest import SAMPLES
from .hostile import numbers_list

TEXT = SAMPLES / "000_475196faf128e58a.txt"


def test_the_stages_run_in_their_order_and_are_timed() -> None:
    timings: dict[str, float] = {}
    plan = run(TEXT, timings=timings)
    assert isinstance(plan, Plan) and plan.document.number
    assert list(timings) == list(STAGES) == ["ingest", "normalize", "structure", "extract", "validate"]
    assert all(seconds > 0 for seconds in timings.values())


def test_an_input_error_carries_its_stage(tmp_path: Path) -> None:
    fake = tmp_path / "plan.pdf"
    fake.write_text("<html>not a pdf</html>")
    with pytest.raises(NotPdf) as info:
        run(fake)
    assert info.value.stage == "ingest"


def test_a_defect_in_a_stage_is_an_internal_error_of_that_stage(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any) -> Any:
        raise KeyError("heading")

    monkeypatch.setattr(runner, "layout", broken)
    with pytest.raises(InternalError) as info:
        run(TEXT)
    assert info.value.stage == "structure" and "KeyError" in info.value.message
    assert isinstance(info.value.__cause__, KeyError)


def test_a_stage_that_returns_the_wrong_thing_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "layout", lambda doc: None)
    with pytest.raises(InternalError, match="stage structure returned NoneType, not Layout") as info:
        run(TEXT)
    assert info.value.stage == "structure"


def test_a_timeout_after_ingest_names_the_stage_it_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    real = runner.normalize

    def slow(*args: Any) -> Any:
        time.sleep(1.5)  # the alarm interrupts this
        return real(*args)

    monkeypatch.setattr(runner, "normalize", slow)
    started = time.monotonic()
    with pytest.raises(Timeout) as info:
        run(TEXT, Options(timeout=0.5))
    assert info.value.stage == "normalize"
    assert time.monotonic() - started < 1.4


def _in_a_thread(work: Callable[[], object]) -> BaseException:
    """Run `work` on another thread, where no alarm can fire; return what it raised."""
    caught: list[BaseException] = []

    def target() -> None:
        try:
            work()
        except BaseException as e:
            caught.append(e)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(120)
    assert not thread.is_alive()
    (error,) = caught
    return error


def test_a_stage_does_not_start_past_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Off the main thread no alarm can fire: the deadline checked between stages stops the document."""
    done = real_normalize(ingest(TEXT))  # a stage that does not look at the deadline itself: it only sleeps
    monkeypatch.setattr(runner, "normalize", lambda raw, options: time.sleep(0.6) or done)
    error = _in_a_thread(lambda: run(TEXT, Options(timeout=0.3)))
    assert isinstance(error, Timeout) and error.stage == "structure"


def test_pure_python_work_on_a_thread_stops_soon_after_the_deadline(tmp_path: Path) -> None:
    """A long text whose extraction takes many seconds, on a thread (as on a dask worker): the stages' loops check
    the deadline, so the document stops within a couple of seconds of it, not when the stage ends."""
    numbers = numbers_list(20_000)
    path = tmp_path / "long.txt"
    path.write_text(f"KẾ HOẠCH\nTriển khai năm 2024\n\nI. MỤC TIÊU\nPhấn đấu {numbers}.\n", "utf-8")
    started = time.monotonic()
    error = _in_a_thread(lambda: run(path, Options(timeout=2.0)))
    assert isinstance(error, Timeout) and error.stage in ("normalize", "structure", "extract")
    assert time.monotonic() - started < 2.0 + 2.0

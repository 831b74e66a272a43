"""The stage runner: the stages named once, in order, with the options and the deadline they share.

    path -> ingest -> normalize -> structure -> extract -> validate -> Plan

Every error leaves the runner as a VnplanError that names the stage it happened in (`error.stage`): ours as they
are, anything else as an InternalError chained to it. The command line, the batch, the benchmark and the fuzz tests
all run documents through `run` (or `run_raw`, from an ingested document on), so they agree on what a stage is.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args

from pipeline.deadline import until
from pipeline.errors import InternalError, Timeout, VnplanError
from pipeline.options import NormalizeOptions, Options
from pipeline.plan import Plan
from pipeline.records import Document, RawDocument
from pipeline.stages.extract import extract
from pipeline.stages.ingest import ingest
from pipeline.stages.normalize import normalize
from pipeline.stages.normalize.language import require_vietnamese
from pipeline.stages.structure import Layout, layout
from pipeline.stages.validate import validate
from pipeline.version import __version__

Stage = Literal["ingest", "normalize", "structure", "extract", "validate"]
STAGES: tuple[Stage, ...] = get_args(Stage)
T = TypeVar("T")


Timings = dict[str, float]
"""Seconds spent in each stage, filled in by `run` when given one."""


Clock = Callable[[], float]
"""What `timings` are read from: time.perf_counter (wall seconds, the default) or time.process_time (CPU seconds)."""


def run(
    path: str | Path, options: Options | None = None, timings: Timings | None = None, clock: Clock = time.perf_counter
) -> Plan:
    """Read one document and return its validated plan. Raises a VnplanError naming its stage."""
    options = options or Options()
    with deadline(options) as limited, until(limited.ingest.deadline):
        raw = _stage("ingest", (timings, clock), limited, ingest, path, limited.ingest)
        return _rest(raw, limited, (timings, clock), str(path))


def run_raw(
    raw: RawDocument, options: Options | None = None, timings: Timings | None = None, clock: Clock = time.perf_counter
) -> Plan:
    """The stages after ingest, for a document already read (`ingest_bytes`)."""
    options = options or Options()
    with deadline(options) as limited, until(limited.ingest.deadline):
        return _rest(raw, limited, (timings, clock), raw.path)


Timer = tuple["Timings | None", Clock]


def _rest(raw: RawDocument, options: Options, timings: Timer, name: str) -> Plan:
    doc = _stage("normalize", timings, options, _normalize, raw, options.normalize)
    lay = _stage("structure", timings, options, layout, doc)
    plan = _stage("extract", timings, options, extract, doc, lay, __version__)
    return _stage("validate", timings, options, validate, plan, path=name)


def _normalize(raw: RawDocument, options: NormalizeOptions) -> Document:
    doc = normalize(raw, options)
    require_vietnamese(doc)
    return doc


_OUTPUT: dict[Stage, type] = {
    "ingest": RawDocument, "normalize": Document, "structure": Layout, "extract": Plan, "validate": Plan,
}  # fmt: skip


def _stage(name: Stage, timer: Timer, options: Options, fn: Callable[..., T], *args: Any, **kw: Any) -> T:
    """Run one stage: past the deadline it does not start; its errors leave tagged with its name; what it returns
    is checked against what the next stage expects."""
    timings, clock = timer
    started = clock()
    try:
        if options.ingest.deadline is not None and time.monotonic() > options.ingest.deadline:
            raise Timeout(f"took longer than --timeout {options.timeout:g} s")
        out = fn(*args, **kw)
    except VnplanError as e:
        e.stage = e.stage or name
        raise
    except MemoryError:
        raise  # the worker's --max-memory limit: the batch reports it as too_large
    except RecursionError as e:
        raise InternalError(f"{name}: nesting too deep to follow ({e})", stage=name) from e
    except Exception as e:
        raise InternalError(f"{type(e).__name__}: {e}", stage=name) from e
    if not isinstance(out, _OUTPUT[name]):
        raise InternalError(f"stage {name} returned {type(out).__name__}, not {_OUTPUT[name].__name__}", stage=name)
    if timings is not None:
        timings[name] = timings.get(name, 0.0) + clock() - started
    return out


def _alarm(signum: int, frame: Any) -> None:
    raise Timeout("took longer than --timeout")


@contextmanager
def deadline(options: Options) -> Iterator[Options]:
    """Options carrying the document's deadline (`timeout` seconds from now), and a SIGALRM backstop on the main
    thread. The deadline is checked between stages and pages and caps every Tesseract call, so it holds on a dask
    worker's thread too, where no signal can be used; the alarm stops pure-Python work that runs past it."""
    if options.timeout <= 0 or options.ingest.deadline is not None:
        yield options
        return
    limited = replace(options, ingest=replace(options.ingest, deadline=time.monotonic() + options.timeout))
    alarm = threading.current_thread() is threading.main_thread()
    if alarm:
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, options.timeout)
    try:
        yield limited
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

"""Where documents are converted: one function, `convert`, run by an executor in local worker processes or on a
dask.distributed cluster. Nothing is written there: each answer (an Outcome, and the result's JSON text) goes back to
the batch, which alone writes into the output folder.
"""

from __future__ import annotations

import resource
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from pipeline.errors import ExecutorUnavailable, InternalError, VnplanError
from pipeline.options import Options
from pipeline.tools.workers import Supervisor


@dataclass
class Outcome:
    """What happened to one document."""

    file: str
    output: str | None
    status: str  # done | skipped | failed
    sha256: str
    pages: int = 0
    ocr_pages: int = 0
    seconds: float = 0.0
    peak_rss_mb: float = 0.0  # the worker process's peak resident memory when it finished this document
    error: dict[str, str] | None = None
    warnings: list[str] = field(default_factory=list)  # codes of the result's warnings
    review_error: dict[str, str] | None = None  # the review page asked for could not be written


def _peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports kilobytes)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


Job = tuple[str, str, Options]
"""One document to convert: its path, its SHA-256 and the options (with the timeout) to run it with."""
Converted = tuple["Outcome", str | None]
"""A document's outcome and, when it succeeded, the JSON text of its result."""
Progress = Callable[[Job, Any], None]
"""Called with a job and what it reported: (page, pages) as each page of a PDF starts."""


def convert(path: str, sha: str, options: Options) -> Converted:
    """Extract one document where it runs (a worker process, or a dask worker); every error becomes an Outcome.

    Nothing is written here: the result's JSON goes back to the batch, which alone writes into the output folder,
    so a worker on another machine needs to read its input and nothing else. In a local worker, each page's start
    is reported to the batch, for its progress bar.
    """
    from pipeline.runner import run
    from pipeline.stages.write import dumps
    from pipeline.tools.workers import in_worker, report

    if in_worker():
        options = replace(options, ingest=replace(options.ingest, progress=lambda page, pages: report((page, pages))))
    started = time.perf_counter()
    try:
        plan = run(path, options)
        outcome = Outcome(path, None, "done", sha, plan.source.pages, len(plan.source.ocr_pages),
                          round(time.perf_counter() - started, 2), peak_rss_mb=_peak_rss_mb(),
                          warnings=[w.code for w in plan.warnings])  # fmt: skip
        return outcome, dumps(plan)
    except MemoryError:  # the worker's --max-memory address-space limit
        return failed_outcome(
            path, sha, None, "too_large", "needed more memory than --max-memory allows", started
        ), None
    except VnplanError as e:  # recorded, and the batch goes on; a defect of ours keeps where it happened
        trace = traceback.format_exc() if isinstance(e, InternalError) else None
        return failed_outcome(path, sha, e.stage, e.code, e.message, started, trace), None
    except Exception as e:  # a defect outside the stages (serialising the result)
        return failed_outcome(
            path, sha, None, "internal", f"{type(e).__name__}: {e}", started, traceback.format_exc()
        ), None


def failed_outcome(
    path: str,
    sha: str,
    stage: str | None,
    code: str,
    message: str,
    started: float | None = None,
    trace: str | None = None,
) -> Outcome:
    """A failed document's outcome. `started` (perf_counter) when it ran in this process, which then reports its
    time and peak memory; `trace` for a defect of ours."""
    error = {"stage": stage or "unknown", "type": code, "message": message} | ({"traceback": trace} if trace else {})
    if started is None:
        return Outcome(path, None, "failed", sha, error=error)
    seconds = round(time.perf_counter() - started, 2)
    return Outcome(path, None, "failed", sha, seconds=seconds, peak_rss_mb=_peak_rss_mb(), error=error)


class Executor(Protocol):
    """Runs `convert` on many documents and yields each answer as it comes, in any order; `progress`, when the
    executor can, receives what the documents report while they run."""

    def map_unordered(self, jobs: list[Job], progress: Progress | None = None) -> Iterator[Converted]: ...


@dataclass
class LocalExecutor:
    """Supervised worker processes on this machine (see workers.py): a document that overruns --timeout by
    `grace` seconds, even inside C code, has its worker killed; a worker that dies costs only its document."""

    workers: int
    grace: float = 30.0
    memory_mb: int = 0  # address-space limit per worker (0: none)

    def map_unordered(self, jobs: list[Job], progress: Progress | None = None) -> Iterator[Converted]:
        supervisor: Supervisor[Converted] = Supervisor(
            convert, _lost, self.workers, limit=_limit, grace=self.grace, memory_mb=self.memory_mb,
            preload=("pipeline.runner",), progress=progress,
        )  # fmt: skip
        yield from supervisor.run(list(jobs))


def _limit(job: tuple[Any, ...]) -> float:
    options: Options = job[2]
    return options.timeout


def _lost(job: tuple[Any, ...], code: str, message: str) -> Converted:
    """The answer for a document whose worker was killed or died: in which stage is not known."""
    return failed_outcome(str(job[0]), str(job[1]), None, code, message), None


@dataclass
class DaskExecutor:
    """The workers of a dask.distributed cluster (`tcp://HOST:PORT`); each must see the inputs at the same path.
    Documents report no per-page progress from there."""

    scheduler: str
    connect_timeout: float = 10.0  # seconds to reach the scheduler

    def map_unordered(self, jobs: list[Job], progress: Progress | None = None) -> Iterator[Converted]:
        try:
            from distributed import Client, as_completed
        except ImportError as e:
            raise ExecutorUnavailable("--executor dask needs dask.distributed: pip install 'vnplan[dask]'") from e
        try:
            client = Client(self.scheduler, timeout=f"{self.connect_timeout}s", set_as_default=False)  # type: ignore[no-untyped-call]
        except OSError as e:
            raise ExecutorUnavailable(f"cannot reach the dask scheduler at {self.scheduler}: {e}") from e
        with client, client.as_current():
            # pure=False: a document is converted again when asked again, never taken from a stale cache
            futures = [client.submit(convert, *job, pure=False, key=f"vnplan-{job[1][:16]}-{i}")
                       for i, job in enumerate(jobs)]  # fmt: skip
            for future in as_completed(futures):  # type: ignore[no-untyped-call]
                yield future.result()
                future.release()

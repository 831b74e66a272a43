"""Batch: many documents in worker processes, resumable, safe to interrupt, one failure never stops the rest.

- A manifest (`OUT/manifest.json`) records each input's SHA-256 and the pipeline version that wrote its result;
  a later run skips what is unchanged and redoes what changed. It is rewritten atomically after every document,
  so killing the batch at any moment loses nothing already written.
- A failed document is recorded in `OUT/errors.jsonl` (file, stage, error type, message) and the batch goes on.
- `--timeout` is enforced inside the worker (a deadline checked between pages and stages that also caps each OCR
  call, and SIGALRM on a process's main thread), so a runaway document stops, not the batch.
- Documents run in local worker processes or on a dask.distributed cluster; only the batch writes files.
- A lock file keeps two batches from writing into one folder at once.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import resource
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from pipeline import Options, __version__, extract_file
from pipeline.errors import InvalidOutput, OcrFailed, OcrUnavailable, Timeout, VnplanError
from pipeline.stages.ingest import SUPPORTED
from pipeline.stages.write import write_atomic, write_result
from pipeline.tools.workers import Supervisor

MANIFEST = "manifest.json"
ERRORS = "errors.jsonl"
LOCK = ".vnplan.lock"


class BatchLocked(VnplanError):
    code = "locked"
    exit_code = 2


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


@dataclass
class Summary:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def pages(self) -> int:
        return sum(o.pages for o in self.outcomes if o.status == "done")

    @property
    def ocr_pages(self) -> int:
        return sum(o.ocr_pages for o in self.outcomes if o.status == "done")

    @property
    def worker_peak_mb(self) -> float:
        return max((o.peak_rss_mb for o in self.outcomes), default=0.0)


def find_inputs(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED)


def output_stem(root: Path, path: Path) -> str:
    """The result's name: the input's path under the input folder, `/` as `__`, without its suffix."""
    rel = path.relative_to(root)
    return "__".join([*rel.parts[:-1], rel.stem])


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def stage_of(error: BaseException) -> str:
    if isinstance(error, InvalidOutput):
        return "validate"
    if isinstance(error, OcrFailed | OcrUnavailable | Timeout) or (
        isinstance(error, VnplanError) and error.exit_code == 2
    ):
        return "ingest"
    return "internal"


def _alarm(signum: int, frame: Any) -> None:
    raise Timeout("took longer than --timeout")


def _peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports kilobytes)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


@contextmanager
def time_limit(options: Options, seconds: float) -> Iterator[Options]:
    """Options carrying a deadline `seconds` from now (0: none), and a SIGALRM backstop on the main thread.

    The deadline is checked between pages and stages and caps every Tesseract call, so it also holds on a dask
    worker's thread, where no signal can be used; the alarm stops pure-Python work that runs past it.
    """
    if seconds <= 0:
        yield options
        return
    limited = replace(options, ingest=replace(options.ingest, deadline=time.monotonic() + seconds))
    alarm = threading.current_thread() is threading.main_thread()
    if alarm:
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield limited
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def convert(path: str, sha: str, options: Options, timeout: float) -> tuple[Outcome, dict[str, Any] | None]:
    """Extract one document where it runs (a worker process, or a dask worker); every error becomes an Outcome.

    Nothing is written here: the result goes back to the batch, which alone writes into the output folder, so a
    worker on another machine needs to read its input and nothing else.
    """
    started = time.perf_counter()
    try:
        with time_limit(options, timeout) as limited:
            result = extract_file(path, limited)
        src = result["source"]
        outcome = Outcome(path, None, "done", sha, src["pages"], len(src["ocr_pages"]),
                          round(time.perf_counter() - started, 2), peak_rss_mb=_peak_rss_mb())  # fmt: skip
        return outcome, result
    except MemoryError:  # the worker's --max-memory address-space limit
        return _failed(path, sha, "ingest", "too_large", "needed more memory than --max-memory allows", started), None
    except Exception as e:  # recorded, and the batch goes on
        if isinstance(e, VnplanError):
            return _failed(path, sha, stage_of(e), e.code, e.message, started), None
        # a defect of ours: keep where it happened for the bug report
        message = f"{type(e).__name__}: {e}"
        return _failed(path, sha, "internal", "internal", message, started, traceback.format_exc()), None


def _failed(
    path: str, sha: str, stage: str, code: str, message: str, started: float | None = None, trace: str | None = None
) -> Outcome:
    """A failed document's outcome. `started` (perf_counter) when it ran in this process, which then reports its
    time and peak memory; `trace` for a defect of ours."""
    error = {"stage": stage, "type": code, "message": message} | ({"traceback": trace} if trace else {})
    if started is None:
        return Outcome(path, None, "failed", sha, error=error)
    seconds = round(time.perf_counter() - started, 2)
    return Outcome(path, None, "failed", sha, seconds=seconds, peak_rss_mb=_peak_rss_mb(), error=error)


Converted = tuple[Outcome, "dict[str, Any] | None"]


class Executor(Protocol):
    """Runs `convert` on many documents and yields each answer as it comes, in any order."""

    def map_unordered(self, jobs: list[tuple[str, str, Options, float]]) -> Iterator[Converted]: ...


@dataclass
class LocalExecutor:
    """Supervised worker processes on this machine (see workers.py): a document that overruns --timeout by
    `grace` seconds, even inside C code, has its worker killed; a worker that dies costs only its document."""

    workers: int
    grace: float = 30.0
    memory_mb: int = 0  # address-space limit per worker (0: none)

    def map_unordered(self, jobs: list[tuple[str, str, Options, float]]) -> Iterator[Converted]:
        supervisor: Supervisor[Converted] = Supervisor(
            convert, _lost, self.workers, limit=lambda job: float(job[3]), grace=self.grace, memory_mb=self.memory_mb
        )
        yield from supervisor.run(list(jobs))


def _lost(job: tuple[Any, ...], code: str, message: str) -> Converted:
    """The answer for a document whose worker was killed or died."""
    return _failed(str(job[0]), str(job[1]), "ingest" if code == "timeout" else "internal", code, message), None


@dataclass
class DaskExecutor:
    """The workers of a dask.distributed cluster (`tcp://HOST:PORT`); each must see the inputs at the same path."""

    scheduler: str
    connect_timeout: float = 10.0  # seconds to reach the scheduler

    def map_unordered(self, jobs: list[tuple[str, str, Options, float]]) -> Iterator[Converted]:
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


class ExecutorUnavailable(VnplanError):
    code = "executor_unavailable"
    exit_code = 3


@contextmanager
def locked(out_dir: Path) -> Iterator[None]:
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / LOCK).open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            raise BatchLocked(
                f"another vnplan batch is writing into {out_dir}; wait for it or use another folder"
            ) from e
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def load_manifest(out_dir: Path) -> dict[str, Any]:
    path = out_dir / MANIFEST
    if not path.is_file():
        return {"documents": {}}
    try:
        data: dict[str, Any] = json.loads(path.read_text("utf-8"))
        return data if isinstance(data.get("documents"), dict) else {"documents": {}}
    except (OSError, json.JSONDecodeError):
        return {"documents": {}}  # an unreadable manifest only costs a redo


def _append_error(out_dir: Path, outcome: Outcome) -> None:
    line = json.dumps({"file": outcome.file, **(outcome.error or {})}, ensure_ascii=False) + "\n"
    with (out_dir / ERRORS).open("a", encoding="utf-8") as f:  # one write per line: lines never interleave
        f.write(line)
        f.flush()
        os.fsync(f.fileno())


def run_batch(
    input_dir: Path,
    out_dir: Path,
    options: Options | None = None,
    workers: int | None = None,
    timeout: float = 0.0,
    force: bool = False,
    on_outcome: Callable[[Outcome, int], None] | None = None,
    executor: Executor | None = None,
    review: bool = False,
) -> Summary:
    """Process every .pdf/.txt/.md under input_dir into out_dir. `on_outcome(outcome, total)` reports progress.

    `executor` runs the documents (default: `workers` processes on this machine); results are written here.
    `review` also writes `OUT/review/STEM.html`, the review page of each converted document.
    """
    options = options or Options()
    executor = executor or LocalExecutor(workers or os.cpu_count() or 1)
    started = time.perf_counter()
    summary = Summary()
    with locked(out_dir):
        manifest = load_manifest(out_dir)
        docs: dict[str, Any] = manifest["documents"]
        inputs = find_inputs(input_dir)
        stems: dict[str, str] = {}
        jobs: list[tuple[str, str, Options, float]] = []
        root = input_dir.resolve()

        def record(outcome: Outcome) -> None:
            if outcome.status == "failed":
                _append_error(out_dir, outcome)
            summary.outcomes.append(outcome)
            if on_outcome:
                on_outcome(outcome, len(inputs))

        for path in inputs:
            if not path.resolve().is_relative_to(root):  # a link out of the input folder: not ours to read
                message = f"is a link to {path.resolve()}, outside the input folder; not read"
                record(_failed(str(path), "", "ingest", "outside_input", message))
                continue
            stem, sha = output_stem(input_dir, path), sha256_of(path)
            seen = docs.get(stem)
            if not force and seen and _unchanged(seen, sha, out_dir):
                record(Outcome(str(path), seen["output"], "skipped", sha))
            else:
                stems[str(path)] = stem
                jobs.append((str(path), sha, options, timeout))
        for outcome, result in executor.map_unordered(jobs):
            stem = stems[outcome.file]
            if result is not None:
                outcome.output = write_result(result, out_dir, stem).name
                if review:
                    _write_review(result, out_dir, stem, Path(outcome.file))
                docs[stem] = {"sha256": outcome.sha256, "pipeline_version": __version__,
                              "output": outcome.output, "file": outcome.file}  # fmt: skip
            else:
                docs.pop(stem, None)
            write_atomic(out_dir / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
            record(outcome)
    summary.seconds = round(time.perf_counter() - started, 2)
    return summary


def _write_review(result: dict[str, Any], out_dir: Path, stem: str, source: Path) -> None:
    from pipeline.tools.review import review_page

    write_atomic(out_dir / "review" / f"{Path(stem).name}.html", review_page(result, source))


def _unchanged(seen: dict[str, Any], sha: str, out_dir: Path) -> bool:
    return (
        seen.get("sha256") == sha
        and seen.get("pipeline_version") == __version__
        and (out_dir / seen.get("output", "")).is_file()
    )


def summary_dict(summary: Summary) -> dict[str, Any]:
    return {
        "done": summary.count("done"),
        "skipped": summary.count("skipped"),
        "failed": summary.count("failed"),
        "pages": summary.pages,
        "ocr_pages": summary.ocr_pages,
        "seconds": summary.seconds,
        "worker_peak_mb": summary.worker_peak_mb,
        "failures": [asdict(o) for o in summary.outcomes if o.status == "failed"],
    }

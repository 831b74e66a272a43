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
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pipeline.errors import BatchLocked, ExecutorUnavailable, ExitCode, InternalError, VnplanError, exit_code_of
from pipeline.options import Options
from pipeline.stages.ingest.kinds import SUPPORTED
from pipeline.stages.write import write_atomic
from pipeline.tools.workers import Supervisor
from pipeline.version import __version__

MANIFEST = "manifest.json"
ERRORS = "errors.jsonl"
LOCK = ".vnplan.lock"


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

    def exit_code(self) -> ExitCode:
        """As `vnplan extract` ends: the highest exit code among the failures, 0 when none failed."""
        codes = [exit_code_of(o.error["type"]) for o in self.outcomes if o.status == "failed" and o.error]
        return max(codes, default=ExitCode.OK)


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


def _peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports kilobytes)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


Job = tuple[str, str, Options]
"""One document to convert: its path, its SHA-256 and the options (with the timeout) to run it with."""
Converted = tuple["Outcome", str | None]
"""A document's outcome and, when it succeeded, the JSON text of its result."""


def convert(path: str, sha: str, options: Options) -> Converted:
    """Extract one document where it runs (a worker process, or a dask worker); every error becomes an Outcome.

    Nothing is written here: the result's JSON goes back to the batch, which alone writes into the output folder,
    so a worker on another machine needs to read its input and nothing else.
    """
    from pipeline.runner import run
    from pipeline.stages.write import dumps

    started = time.perf_counter()
    try:
        plan = run(path, options)
        outcome = Outcome(path, None, "done", sha, plan.source.pages, len(plan.source.ocr_pages),
                          round(time.perf_counter() - started, 2), peak_rss_mb=_peak_rss_mb())  # fmt: skip
        return outcome, dumps(plan)
    except MemoryError:  # the worker's --max-memory address-space limit
        return _failed(path, sha, None, "too_large", "needed more memory than --max-memory allows", started), None
    except VnplanError as e:  # recorded, and the batch goes on; a defect of ours keeps where it happened
        trace = traceback.format_exc() if isinstance(e, InternalError) else None
        return _failed(path, sha, e.stage, e.code, e.message, started, trace), None
    except Exception as e:  # a defect outside the stages (serialising the result)
        return _failed(path, sha, None, "internal", f"{type(e).__name__}: {e}", started, traceback.format_exc()), None


def _failed(
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
    """Runs `convert` on many documents and yields each answer as it comes, in any order."""

    def map_unordered(self, jobs: list[Job]) -> Iterator[Converted]: ...


@dataclass
class LocalExecutor:
    """Supervised worker processes on this machine (see workers.py): a document that overruns --timeout by
    `grace` seconds, even inside C code, has its worker killed; a worker that dies costs only its document."""

    workers: int
    grace: float = 30.0
    memory_mb: int = 0  # address-space limit per worker (0: none)

    def map_unordered(self, jobs: list[Job]) -> Iterator[Converted]:
        supervisor: Supervisor[Converted] = Supervisor(
            convert, _lost, self.workers, limit=_limit, grace=self.grace, memory_mb=self.memory_mb,
            preload=("pipeline.runner",),
        )  # fmt: skip
        yield from supervisor.run(list(jobs))


def _limit(job: tuple[Any, ...]) -> float:
    options: Options = job[2]
    return options.timeout


def _lost(job: tuple[Any, ...], code: str, message: str) -> Converted:
    """The answer for a document whose worker was killed or died: in which stage is not known."""
    return _failed(str(job[0]), str(job[1]), None, code, message), None


@dataclass
class DaskExecutor:
    """The workers of a dask.distributed cluster (`tcp://HOST:PORT`); each must see the inputs at the same path."""

    scheduler: str
    connect_timeout: float = 10.0  # seconds to reach the scheduler

    def map_unordered(self, jobs: list[Job]) -> Iterator[Converted]:
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
        jobs: list[Job] = []
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
                jobs.append((str(path), sha, options))
        for outcome, result in executor.map_unordered(jobs):
            stem = stems[outcome.file]
            if result is not None:
                outcome.output = write_atomic(out_dir / f"{Path(stem).name}.json", result).name
                if review:
                    _write_review(out_dir / outcome.output, out_dir, stem, Path(outcome.file))
                docs[stem] = {"sha256": outcome.sha256, "pipeline_version": __version__,
                              "output": outcome.output, "file": outcome.file}  # fmt: skip
            else:
                docs.pop(stem, None)
            write_atomic(out_dir / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
            record(outcome)
    summary.seconds = round(time.perf_counter() - started, 2)
    return summary


def _write_review(result: Path, out_dir: Path, stem: str, source: Path) -> None:
    from pipeline.tools.results import load_plan
    from pipeline.tools.review import review_page

    write_atomic(out_dir / "review" / f"{Path(stem).name}.html", review_page(load_plan(result), source))


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

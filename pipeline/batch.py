"""Batch: many documents in worker processes, resumable, safe to interrupt, one failure never stops the rest.

- A manifest (`OUT/manifest.json`) records each input's SHA-256 and the pipeline version that wrote its result;
  a later run skips what is unchanged and redoes what changed. It is rewritten atomically after every document,
  so killing the batch at any moment loses nothing already written.
- A failed document is recorded in `OUT/errors.jsonl` (file, stage, error type, message) and the batch goes on.
- `--timeout` is enforced inside the worker (SIGALRM), so a runaway document stops, not the batch.
- A lock file keeps two batches from writing into one folder at once.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import signal
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pipeline import Options, __version__, extract_file
from pipeline.errors import InvalidOutput, OcrFailed, OcrUnavailable, Timeout, VnplanError
from pipeline.ingest import SUPPORTED
from pipeline.write import write_atomic, write_result

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


def process_one(path: str, out_dir: str, stem: str, sha: str, options: Options, timeout: float) -> Outcome:
    """Extract one document in a worker; every error becomes an Outcome, never an exception."""
    started = time.perf_counter()
    if timeout > 0:
        signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        result = extract_file(path, options)
        out = write_result(result, Path(out_dir), stem)
        src = result["source"]
        return Outcome(path, out.name, "done", sha, src["pages"], len(src["ocr_pages"]),
                       round(time.perf_counter() - started, 2))  # fmt: skip
    except Exception as e:  # recorded, and the batch goes on
        code = e.code if isinstance(e, VnplanError) else "internal"
        message = e.message if isinstance(e, VnplanError) else f"{type(e).__name__}: {e}"
        error = {"stage": stage_of(e), "type": code, "message": message}
        return Outcome(path, None, "failed", sha, seconds=round(time.perf_counter() - started, 2), error=error)
    finally:
        if timeout > 0:
            signal.setitimer(signal.ITIMER_REAL, 0)


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
) -> Summary:
    """Process every .pdf/.txt/.md under input_dir into out_dir. `on_outcome(outcome, total)` reports progress."""
    options = options or Options()
    started = time.perf_counter()
    summary = Summary()
    with locked(out_dir):
        manifest = load_manifest(out_dir)
        docs: dict[str, Any] = manifest["documents"]
        inputs = find_inputs(input_dir)
        todo: list[tuple[Path, str, str]] = []
        for path in inputs:
            stem, sha = output_stem(input_dir, path), sha256_of(path)
            seen = docs.get(stem)
            if (
                not force
                and seen
                and seen.get("sha256") == sha
                and seen.get("pipeline_version") == __version__
                and (out_dir / seen.get("output", "")).is_file()
            ):
                outcome = Outcome(str(path), seen["output"], "skipped", sha)
                summary.outcomes.append(outcome)
                if on_outcome:
                    on_outcome(outcome, len(inputs))
            else:
                todo.append((path, stem, sha))
        with ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
            pending: dict[Future[Outcome], str] = {}
            for path, stem, sha in todo:
                pending[pool.submit(process_one, str(path), str(out_dir), stem, sha, options, timeout)] = stem
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    stem = pending.pop(future)
                    outcome = future.result()
                    summary.outcomes.append(outcome)
                    if outcome.status == "done":
                        docs[stem] = {"sha256": outcome.sha256, "pipeline_version": __version__,
                                      "output": outcome.output, "file": outcome.file}  # fmt: skip
                    else:
                        docs.pop(stem, None)
                        _append_error(out_dir, outcome)
                    write_atomic(out_dir / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
                    if on_outcome:
                        on_outcome(outcome, len(inputs))
    summary.seconds = round(time.perf_counter() - started, 2)
    return summary


def summary_dict(summary: Summary) -> dict[str, Any]:
    return {
        "done": summary.count("done"),
        "skipped": summary.count("skipped"),
        "failed": summary.count("failed"),
        "pages": summary.pages,
        "ocr_pages": summary.ocr_pages,
        "seconds": summary.seconds,
        "failures": [asdict(o) for o in summary.outcomes if o.status == "failed"],
    }

"""Batch: many documents in worker processes, resumable, safe to interrupt, one input never stops the rest.

- A manifest (`OUT/manifest.json`) records each input (by its path under the input folder) with its SHA-256, the
  vnplan version that wrote its result, the result's name and the input's absolute path; a later run skips what
  is unchanged and redoes what changed. It is rewritten atomically after every document, so killing the batch at
  any moment loses nothing already written. A manifest that cannot be used, whatever its shape, only costs a redo.
- A failed document is recorded in `OUT/errors.jsonl` (time, file, stage, error type, message) and the batch goes
  on; its earlier result, now stale, is removed. Results of inputs no longer there are removed too, and the error
  log keeps only the inputs that still fail.
- Result names come from `names.py`: never two inputs on one name, never the manifest's.
- `--timeout` is enforced inside the worker (a deadline checked between pages and stages that also caps each OCR
  call, and SIGALRM on a process's main thread), so a runaway document stops, not the batch.
- Documents run in local worker processes or on a dask.distributed cluster (executors.py); only the batch writes
  files. Its own files (manifest, error log, lock) are in manifest.py.
- A lock file keeps two batches from writing into one folder at once.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import ExecutorUnavailable, ExitCode, UsageError, VnplanError, exit_code_of
from pipeline.options import Options
from pipeline.stages.ingest.kinds import SUPPORTED
from pipeline.stages.write import append_line, check_destination, make_subdir, remove_file, write_atomic
from pipeline.tools.console import utf8
from pipeline.tools.executors import DaskExecutor, Executor, Job, LocalExecutor, Outcome, convert, failed_outcome
from pipeline.tools.manifest import ERRORS, MANIFEST, REVIEW, Manifest, load_manifest, locked, now, read_own_file
from pipeline.tools.names import output_names
from pipeline.version import __version__

__all__ = [  # the batch's names, some of them defined where documents are converted (executors.py)
    "DaskExecutor", "Executor", "ExecutorUnavailable", "LocalExecutor", "Outcome", "Summary", "convert",
    "find_inputs", "locked", "run_batch", "summary_dict",
]  # fmt: skip


@dataclass
class Summary:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # what the batch did besides converting (stale results removed…)

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def with_warnings(self) -> int:
        return sum(o.status == "done" and bool(o.warnings) for o in self.outcomes)

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
        """As `vnplan extract` ends: the highest exit code among the failures (a review page that could not be
        written counts), 0 when none failed."""
        errors = [o.error for o in self.outcomes if o.status == "failed"] + [o.review_error for o in self.outcomes]
        return max((exit_code_of(e["type"]) for e in errors if e), default=ExitCode.OK)


def find_inputs(root: Path) -> list[Path]:
    """Every .pdf/.txt/.md (…) regular file under `root`, in name order; links to files are listed (and checked
    later), FIFOs and devices are not."""
    return sorted(p for p in root.rglob("*") if p.suffix.lower() in SUPPORTED and p.is_file())


def output_stem(root: Path, path: Path) -> str:
    """The result's name of one input alone: its path under the input folder, `/` as `__`, without its suffix
    (see names.py for how clashes between inputs are resolved)."""
    return output_names({"k": path.relative_to(root).as_posix()})["k"]


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _text(name: str) -> str:
    """A file name as text for the logs: bytes that are not UTF-8 shown as U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _regular(path: Path) -> bool:
    """A regular file, not a link to one."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def run_batch(
    input_dir: Path,
    out_dir: Path,
    options: Options | None = None,
    workers: int | None = None,
    force: bool = False,
    on_outcome: Callable[[Outcome, int], None] | None = None,
    executor: Executor | None = None,
    review: bool = False,
    on_page: Callable[[str, int, int], None] | None = None,
) -> Summary:
    """Process every supported file under input_dir into out_dir. `on_outcome(outcome, total)` reports each
    document; `on_page(file, page, pages)` each page of a PDF as it starts (local workers only).

    `executor` runs the documents (default: `workers` processes on this machine); results are written here.
    `review` also writes `OUT/review/NAME.html`, the review page of each document that has none yet.
    """
    batch = _Batch(input_dir, out_dir, options or Options(), force, review, on_outcome)
    with locked(out_dir):
        batch.run(executor or LocalExecutor(workers or os.cpu_count() or 1), on_page)
    return batch.summary


class _Batch:
    """One run of a batch: what it reads at the start, and what it writes as documents come back."""

    def __init__(self, input_dir: Path, out_dir: Path, options: Options, force: bool, review: bool,
                 on_outcome: Callable[[Outcome, int], None] | None) -> None:  # fmt: skip
        self.input_dir, self.out_dir, self.options = input_dir, out_dir, options
        self.force, self.review, self.on_outcome = force, review, on_outcome
        self.root = input_dir.resolve()
        self.summary = Summary()
        self.started = time.perf_counter()
        self.manifest = Manifest()
        self.inputs: dict[str, Path] = {}  # path under the input folder -> path
        self.names: dict[str, str] = {}  # path under the input folder -> result name without .json
        self.rel_of: dict[str, str] = {}  # str(path) -> path under the input folder
        self.errors: list[dict[str, Any]] = []  # this run's error log entries
        self.carried: dict[str, list[dict[str, Any]]] = {}  # earlier entries of inputs not yet redone
        self.dirty = False  # the manifest changed since it was last written

    @property
    def docs(self) -> dict[str, dict[str, Any]]:
        return self.manifest.documents

    def run(self, executor: Executor, on_page: Callable[[str, int, int], None] | None) -> None:
        self._read_state()
        jobs, reviews = self._plan()
        progress = (lambda job, payload: on_page(job[0], *payload)) if on_page else None
        try:
            for outcome, result in executor.map_unordered(jobs, progress):
                self._finished(outcome, result)
            for rel in reviews:
                self._review_skipped(rel)
        except BaseException:  # interrupted, or the folder failed: the log is settled if it can be, the cause kept
            with contextlib.suppress(VnplanError):
                self._write_errors()
            raise
        else:
            self._write_errors()
        finally:
            self.summary.seconds = round(time.perf_counter() - self.started, 2)

    # ---- the state at the start --------------------------------------------------------------------------------

    def _read_state(self) -> None:
        self._check_own_files()
        self.manifest = load_manifest(self.out_dir)
        self.summary.notes += self.manifest.notes
        if not utf8(str(self.root)):
            raise UsageError(f"{self.input_dir}: the input folder's path is not valid UTF-8; rename it")
        if self.docs and self.manifest.root not in (None, str(self.root)):
            raise UsageError(
                f"{self.out_dir} holds the results of a batch of {self.manifest.root}; a batch of {self.root} "
                f"would replace or remove them. Use another output folder, or remove {self.out_dir / MANIFEST} to "
                "start over"
            )
        self.manifest.root = str(self.root)
        for path in find_inputs(self.input_dir):
            rel = path.relative_to(self.input_dir).as_posix()
            self.inputs[rel], self.rel_of[str(path)] = path, rel
        self.names = output_names({rel: rel for rel in self.inputs})
        gone = [rel for rel in self.docs if rel not in self.inputs]
        for rel in gone:
            self._drop(rel)
        if gone:
            self.summary.notes.append(f"removed {len(gone)} result(s) of inputs no longer in {self.input_dir}")
        for rel in list(self.docs):
            self._follow_rename(rel)
        self.carried = self._earlier_errors()
        self._save()

    def _check_own_files(self) -> None:
        """The batch's own files must be regular files (or absent), its review folder a folder: a link or a FIFO
        planted at one of their names stops the batch before anything is converted, never written through."""
        for name in (MANIFEST, ERRORS):
            check_destination(self.out_dir / name)
        if self.review and os.path.lexists(self.out_dir / REVIEW):
            make_subdir(self.out_dir / REVIEW)

    def _follow_rename(self, rel: str) -> None:
        """A result whose name changed (another input now shares its name): moved to its new name when that is
        free, else redone."""
        old, new = self.docs[rel]["output"], f"{self.names[rel]}.json"
        if old == new:
            return
        if os.path.lexists(self.out_dir / new) or os.path.lexists(self._review_path(new)):
            self._drop(rel)
            return
        try:
            os.replace(self.out_dir / old, self.out_dir / new)
            if _regular(self._review_path(old)):
                os.replace(self._review_path(old), self._review_path(new))
        except OSError:
            self._drop(rel)
            return
        self.docs[rel]["output"] = new
        self.dirty = True

    def _earlier_errors(self) -> dict[str, list[dict[str, Any]]]:
        """The error log's entries, by input; the log is pruned at the end of the run to the inputs that still fail
        (an input removed or fixed leaves it)."""
        data = read_own_file(self.out_dir / ERRORS) or b""
        out: dict[str, list[dict[str, Any]]] = {}
        for line in data.decode("utf-8", "replace").splitlines():
            try:
                entry = json.loads(line)
            except (ValueError, RecursionError):
                continue
            if isinstance(entry, dict) and isinstance(entry.get("input"), str) and entry["input"] in self.inputs:
                out.setdefault(entry["input"], []).append(entry)
        return out

    # ---- what to do ----------------------------------------------------------------------------------------------

    def _plan(self) -> tuple[list[Job], list[str]]:
        """The documents to convert, and the unchanged ones that only need their review page."""
        jobs: list[Job] = []
        reviews: list[str] = []
        for rel, path in self.inputs.items():
            try:
                refused = self._refused(rel, path)
                sha = "" if refused else sha256_of(path)
            except OSError as e:
                refused = failed_outcome(str(path), "", "ingest", "input_error", f"cannot be read ({e.strerror})")
            if refused is not None:
                self._record(refused)
                continue
            seen = self.docs.get(rel)
            if not self.force and seen and self._unchanged(seen, sha):
                if self.review and not self._review_path(seen["output"]).is_file():
                    reviews.append(rel)
                else:
                    self._record(Outcome(str(path), seen["output"], "skipped", sha))
            else:
                jobs.append((str(path), sha, self.options))
        return jobs, reviews

    def _refused(self, rel: str, path: Path) -> Outcome | None:
        """The failure of an input that is not even read: a link out of the input folder, a name that is not
        UTF-8, a file over --max-bytes."""
        if not path.resolve().is_relative_to(self.root):
            message = f"is a link to {path.resolve()}, outside the input folder; not read"
            return failed_outcome(str(path), "", "ingest", "outside_input", message)
        if not utf8(rel):
            message = "has a name that is not valid UTF-8; rename it (results and logs are UTF-8)"
            return failed_outcome(str(path), "", "ingest", "input_error", message)
        size, limit = path.stat().st_size, self.options.ingest.max_bytes
        if size > limit:
            return failed_outcome(
                str(path), "", "ingest", "too_large", f"is {size:,} bytes, more than --max-bytes {limit:,}"
            )
        return None

    def _unchanged(self, seen: dict[str, Any], sha: str) -> bool:
        return (
            seen["sha256"] == sha
            and seen["pipeline_version"] == __version__
            and _regular(self.out_dir / seen["output"])
        )

    # ---- as documents come back ------------------------------------------------------------------------------------

    def _finished(self, outcome: Outcome, result: str | None) -> None:
        rel = self.rel_of[outcome.file]
        if result is not None:
            outcome = self._write_result(rel, outcome, result)
        self._record(outcome)

    def _write_result(self, rel: str, outcome: Outcome, result: str) -> Outcome:
        out = self.out_dir / f"{self.names[rel]}.json"
        try:
            write_atomic(out, result)
        except VnplanError as e:  # a link planted at its name, a full disk: this document's failure
            return failed_outcome(outcome.file, outcome.sha256, "write", e.code, e.message)
        previous = self.docs.get(rel)
        if previous and previous["output"] != out.name:
            self._remove_outputs(previous["output"])
        outcome.output = out.name
        self.docs[rel] = {"sha256": outcome.sha256, "pipeline_version": __version__, "output": out.name,
                          "file": str(self.inputs[rel].absolute()), "doc_id": outcome.sha256[:16]}  # fmt: skip
        self.dirty = True
        if self.review:
            outcome.review_error = self._write_review(rel)
        return outcome

    def _record(self, outcome: Outcome) -> None:
        rel = self.rel_of.get(outcome.file, outcome.file)
        self.carried.pop(rel, None)
        if outcome.status == "failed":
            self._drop(rel)  # its earlier result is stale now
            entry = {"time": now(), "file": _text(outcome.file), "input": _text(rel), **(outcome.error or {})}
            self.errors.append(entry)
            append_line(self.out_dir / ERRORS, json.dumps(entry, ensure_ascii=False) + "\n")
        self._save()
        self.summary.outcomes.append(outcome)
        if self.on_outcome:
            self.on_outcome(outcome, len(self.inputs))

    def _write_errors(self) -> None:
        """The error log as it should stand: this run's failures, and earlier ones of inputs it did not reach."""
        entries = [e for rest in self.carried.values() for e in rest] + self.errors
        if entries or os.path.lexists(self.out_dir / ERRORS):
            write_atomic(self.out_dir / ERRORS, "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries))

    # ---- results and review pages --------------------------------------------------------------------------------

    def _save(self) -> None:
        """Rewrite the manifest if anything in it changed (a finished batch of thousands is not rewritten each
        time a document is skipped)."""
        if self.dirty:
            write_atomic(self.out_dir / MANIFEST, self.manifest.dumps())
            self.dirty = False

    def _review_path(self, output: str) -> Path:
        return self.out_dir / REVIEW / f"{output.removesuffix('.json')}.html"

    def _drop(self, rel: str) -> None:
        """Forget an input's result, and remove its files."""
        entry = self.docs.pop(rel, None)
        if entry is not None:
            self._remove_outputs(entry["output"])
            self.dirty = True

    def _remove_outputs(self, output: str) -> None:
        remove_file(self.out_dir / output)
        remove_file(self._review_path(output))

    def _review_skipped(self, rel: str) -> None:
        seen = self.docs[rel]
        outcome = Outcome(str(self.inputs[rel]), seen["output"], "skipped", seen["sha256"])
        outcome.review_error = self._write_review(rel)
        self._record(outcome)

    def _write_review(self, rel: str) -> dict[str, str] | None:
        """Write one review page; any error (a page too large to render, a damaged source) is the page's own: it
        is reported, and the batch goes on."""
        from pipeline.tools.results import load_plan
        from pipeline.tools.review import review_page

        output = self.docs[rel]["output"]
        try:
            page = review_page(
                load_plan(self.out_dir / output), self.inputs[rel], max_pixels=self.options.ingest.max_pixels
            )
            make_subdir(self.out_dir / REVIEW)
            write_atomic(self._review_path(output), page)
        except VnplanError as e:
            return {"type": e.code, "message": f"review page not written: {e.message}"}
        except MemoryError:
            return {"type": "too_large", "message": "review page not written: its pages need too much memory"}
        except Exception as e:  # MuPDF's own errors (FzErrorLimit on a huge page)…, or a defect of ours
            return {"type": _review_code(e), "message": f"review page not written: {type(e).__name__}: {e}"}
        return None


def _review_code(e: Exception) -> str:
    """MuPDF refusing to render (a page too large: FzErrorLimit) or failing on the document is the document's
    problem, not a defect of ours."""
    import pymupdf

    if isinstance(e, pymupdf.mupdf.FzErrorBase):
        return "too_large" if isinstance(e, pymupdf.mupdf.FzErrorLimit) else "corrupt"
    return "internal"


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

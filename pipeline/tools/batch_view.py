"""What `vnplan batch` shows while it runs: a progress bar that moves with every page a worker starts (so a long
scan does not freeze the estimate), a line for each error, a line for each document with -v, and a summary table."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from pipeline.tools.batch import Executor, Outcome, Summary, run_batch
from pipeline.tools.console import plural, shown

if TYPE_CHECKING:
    from pipeline.options import Options


class BatchView:
    """`verbosity` 0: errors only, no bar; 1: the bar, errors and the summary; 2: a line per document too."""

    def __init__(self, verbosity: int, debug: bool) -> None:
        self.verbosity, self.debug = verbosity, debug
        self.console = Console(stderr=True, highlight=False)
        self.progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[pages]}"),
            TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TimeRemainingColumn(), console=self.console,
            disable=verbosity == 0,
        )  # fmt: skip
        self.task: TaskID | None = None
        self.finished = 0  # documents
        self.pages = 0  # pages of finished documents
        self.reading: dict[str, tuple[int, int]] = {}  # file -> (page started, pages) of documents in a worker
        self.started = time.perf_counter()
        self.output = Path()

    def run(self, input_dir: Path, output: Path, options: Options, executor: Executor, *, force: bool,
            review: bool) -> Summary:  # fmt: skip
        self.output = output
        with self.progress:
            self.task = self.progress.add_task("documents", total=None, pages="", rate="")
            summary = run_batch(input_dir, output, options, force=force, on_outcome=self.outcome, executor=executor,
                                review=review, on_page=self.page)  # fmt: skip
        self.summarise(input_dir, output, summary)
        return summary

    def line(self, text: str) -> None:
        self.console.print(escape(shown(text)), soft_wrap=True)

    def page(self, file: str, page: int, pages: int) -> None:
        self.reading[file] = (page, pages)
        self.redraw(None)

    def outcome(self, outcome: Outcome, total: int) -> None:
        self.reading.pop(outcome.file, None)
        self.finished += 1
        self.pages += outcome.pages
        self.redraw(total)
        if outcome.status == "failed" and outcome.error:
            self.error(outcome.file, outcome.error)
        if outcome.review_error:
            self.error(outcome.file, outcome.review_error)
        if outcome.status == "done" and self.verbosity >= 2:
            ocr = f", OCR on {outcome.ocr_pages}" if outcome.ocr_pages else ""
            warned = f", {plural(len(outcome.warnings), 'warning')}: {', '.join(sorted(set(outcome.warnings)))}"
            warned = warned if outcome.warnings else ""
            out, pages = self.output / (outcome.output or ""), plural(outcome.pages, "page")
            self.line(f"ok {outcome.file} -> {out} ({pages}{ocr}{warned}, {outcome.seconds:.1f} s)")

    def error(self, file: str, error: dict[str, str]) -> None:
        self.line(f"error [{error['type']}] {file}: {error['message']}")
        if self.debug and "traceback" in error:
            self.line(error["traceback"])

    def redraw(self, total: int | None) -> None:
        """Documents done, plus the share of each document in a worker that its pages say is done."""
        if self.task is None:
            return
        partial = sum((page - 1) / pages for page, pages in self.reading.values() if pages > 1)
        in_flight = sum(page - 1 for page, _ in self.reading.values())
        pages = self.pages + in_flight
        rate = f"{pages / max(time.perf_counter() - self.started, 1e-6):.1f} pages/s"
        done = self.finished + partial
        if total is not None:
            self.progress.update(self.task, total=total)
        self.progress.update(self.task, completed=done, pages=plural(pages, "page"), rate=rate)

    def summarise(self, input_dir: Path, output: Path, summary: Summary) -> None:
        for note in summary.notes:
            self.line(f"note: {note}")
        if self.verbosity == 0:
            return
        table = Table(title=escape(shown(f"vnplan batch: {input_dir} -> {output}")))
        columns = ("done", "with warnings", "skipped", "failed", "pages", "OCR pages", "seconds", "worker peak MB")
        for column in columns:
            table.add_column(column, justify="right")
        values = (summary.count("done"), summary.with_warnings, summary.count("skipped"), summary.count("failed"),
                  summary.pages, summary.ocr_pages, summary.seconds, summary.worker_peak_mb)  # fmt: skip
        table.add_row(*(str(v) for v in values))
        self.console.print(table)

"""The `vnplan` command: the only place that turns exceptions into exit codes and one-line messages.

`failed` prints an error and returns the exit code it ends a command with; every command is registered through
`command`, which hands whatever the command lets through to `failed`. Heavy modules (PyMuPDF, pandas, jsonschema…)
are imported inside the commands that use them, so `vnplan --help` and a batch with nothing to do start fast.
"""

from __future__ import annotations

import functools
import json
import os
import time
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from typer._click.exceptions import ClickException  # typer vendors click: its usage errors derive from this

from pipeline.errors import ExitCode, InternalError, NotAResult, UsageError, VnplanError
from pipeline.stages.ingest.kinds import SUPPORTED
from pipeline.version import __version__

if TYPE_CHECKING:
    from pipeline.options import Options

app = typer.Typer(
    help="vnplan: Vietnamese plan documents (Kế hoạch) to structured, schema-validated JSON.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_debug = False


def err(message: str) -> None:
    typer.echo(message, err=True)


def failed(e: BaseException, path: str | os.PathLike[str] | None = None) -> ExitCode:
    """Print one line for an error (its traceback too with --debug); return the exit code it ends a command with."""
    where = f" {path}:" if path is not None else ""
    if isinstance(e, VnplanError):
        where = where or (f" {e.path}:" if e.path else "")
        note = " (a vnplan bug; --debug shows where)" if isinstance(e, InternalError) else ""
        err(f"error [{e.code}]{where} {e.message}{note}")
        code = e.exit_code
    else:
        err(f"error [internal]{where} {type(e).__name__}: {e} (a vnplan bug; --debug shows where)")
        code = ExitCode.INTERNAL
    if _debug:
        traceback.print_exception(e)
    return code


F = TypeVar("F", bound=Callable[..., Any])


def command(name: str | None = None) -> Callable[[F], F]:
    """Register a command whose errors end it through `failed`: one line, the error's exit code, no traceback."""

    def register(fn: F) -> F:
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except (typer.Exit, typer.Abort, ClickException):
                raise  # typer's own ways out: an exit code, or a usage message
            except KeyboardInterrupt:
                err("vnplan: interrupted; files already written are complete")
                raise typer.Exit(ExitCode.INTERRUPTED) from None
            except Exception as e:
                raise typer.Exit(failed(e)) from e

        app.command(name)(run)
        return fn

    return register


def stop(e: BaseException) -> NoReturn:
    """End the command on an error that concerns it as a whole."""
    raise typer.Exit(failed(e))


def make_options(
    ocr: str = "auto", ocr_lang: str = "vie", ocr_dpi: int = 300, correct: bool = True, timeout: float = 0.0,
    **limits: int,
) -> Options:  # fmt: skip
    """Runner options from command-line values; a bad value is the user's to fix (exit 2, no traceback)."""
    from pipeline.options import NormalizeOptions, Options
    from pipeline.stages.ingest.options import IngestOptions

    try:
        ingest = IngestOptions(ocr=ocr, ocr_lang=ocr_lang, ocr_dpi=ocr_dpi, **limits)  # type: ignore[arg-type]
        return Options(ingest=ingest, normalize=NormalizeOptions(correct=correct), timeout=timeout)
    except ValueError as e:
        raise typer.BadParameter(str(e)) from e


def expand_inputs(paths: Iterable[Path]) -> list[Path]:
    """Files as given; folders walked (recursively) for .pdf, .txt and .md files, in name order."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED))
        else:
            out.append(path)
    return out


def output_names(inputs: list[Path]) -> dict[Path, str]:
    """Each input's output stem; inputs that share a stem are told apart by their full file name."""
    stems: dict[str, int] = {}
    for p in inputs:
        stems[p.stem] = stems.get(p.stem, 0) + 1
    return {p: (p.name if stems[p.stem] > 1 else p.stem) for p in inputs}


MaxPages = Annotated[int, typer.Option(help="Refuse documents with more pages than this.")]
MaxBytes = Annotated[int, typer.Option(help="Refuse files larger than this many bytes.")]
MaxPixels = Annotated[int, typer.Option(help="Largest page image rendered for OCR, in pixels.")]
TimeLimit = Annotated[float, typer.Option(help="Seconds one document may take (0: no limit).")]
Debug = Annotated[bool, typer.Option(help="Show tracebacks of errors.")]


@command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="Plan files (.pdf, .txt, .md) or folders of them.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the JSON results.")] = Path("output"),
    ocr: Annotated[str, typer.Option(help="auto: OCR pages without a usable text layer; always; never.")] = "auto",
    ocr_lang: Annotated[str, typer.Option(help="Tesseract language model(s), e.g. vie or vie+eng.")] = "vie",
    ocr_dpi: Annotated[
        int, typer.Option(help="Resolution for OCR of pages drawn in vectors; scans: their own, raised toward this.")
    ] = 300,
    no_correct: Annotated[
        bool, typer.Option("--no-correct", help="Only lossless Unicode clean-up: no tone or OCR-error correction.")
    ] = False,
    max_pages: MaxPages = 1000,
    max_bytes: MaxBytes = 200 * 1024 * 1024,
    max_pixels: MaxPixels = 40_000_000,
    timeout: TimeLimit = 600.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only.")] = False,
    debug: Debug = False,
) -> None:
    """Extract each plan into OUTPUT/NAME.json (validated, written atomically).

    A bad input gets a one-line error and no output; the other inputs are still written. The exit code is 0 when
    every input succeeded, else the highest error code (see the README's table of codes).
    """
    from pipeline.runner import run
    from pipeline.stages.write import write_result

    _set_debug(debug)
    options = make_options(ocr, ocr_lang, ocr_dpi, not no_correct, timeout, max_pages=max_pages,
                           max_bytes=max_bytes, max_pixels=max_pixels)  # fmt: skip
    inputs = expand_inputs(paths)
    if not inputs:
        stop(UsageError("no .pdf, .txt or .md files found in the given paths"))
    names = output_names(inputs)
    worst = ExitCode.OK
    for path in inputs:
        started = time.perf_counter()
        try:
            plan = run(path, options)
            out = write_result(plan, output, names[path])
        except Exception as e:  # each input's error is its own: report it, go on with the others
            worst = max(worst, failed(e, path))
            continue
        if not quiet:
            src = plan.source
            ocr_note = f", OCR on {len(src.ocr_pages)}" if src.ocr_pages else ""
            err(f"ok {path} -> {out} ({src.pages} pages{ocr_note}, {time.perf_counter() - started:.1f} s)")
    raise typer.Exit(worst)


@command()
def batch(
    input_dir: Annotated[Path, typer.Argument(help="Folder of plans (.pdf, .txt, .md), walked recursively.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for results, manifest and errors.")] = Path(
        "output"
    ),
    workers: Annotated[int, typer.Option(help="Worker processes (default: the number of cores).")] = 0,
    executor: Annotated[
        str, typer.Option(help="local: worker processes here; dask: the workers of --scheduler's cluster.")
    ] = "local",
    scheduler: Annotated[
        str | None, typer.Option(help="dask scheduler address, e.g. tcp://10.0.0.5:8786 (with --executor dask).")
    ] = None,
    timeout: TimeLimit = 600.0,
    max_pages: MaxPages = 1000,
    max_bytes: MaxBytes = 200 * 1024 * 1024,
    max_pixels: MaxPixels = 40_000_000,
    max_memory: Annotated[
        int, typer.Option(help="Address space of each local worker, in MiB (0: no limit); a worker peaks near 630.")
    ] = 2048,
    force: Annotated[bool, typer.Option("--force", help="Redo documents the manifest says are done.")] = False,
    ocr: Annotated[str, typer.Option(help="auto, always or never (see extract).")] = "auto",
    no_correct: Annotated[bool, typer.Option("--no-correct", help="No tone or OCR-error correction.")] = False,
    review: Annotated[
        bool, typer.Option("--review", help="Also write OUTPUT/review/NAME.html for each document.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    debug: Debug = False,
) -> None:
    """Convert a folder of plans in parallel, resumably: unchanged documents are skipped, failures are recorded in
    OUTPUT/errors.jsonl and the batch goes on. Exits like extract: 0 when nothing failed, else the highest code
    among the failures."""
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.table import Table

    from pipeline.tools.batch import DaskExecutor, Executor, LocalExecutor, Outcome, run_batch

    _set_debug(debug)
    if not input_dir.is_dir():
        stop(UsageError(f"{input_dir} is not a folder"))
    options = make_options(ocr, correct=not no_correct, timeout=timeout, max_pages=max_pages, max_bytes=max_bytes,
                           max_pixels=max_pixels)  # fmt: skip
    if executor not in ("local", "dask"):
        raise typer.BadParameter(f"--executor must be local or dask, not {executor!r}")
    if (executor == "dask") != (scheduler is not None):
        raise typer.BadParameter("--scheduler is needed with --executor dask, and only with it")
    runner: Executor = (
        DaskExecutor(scheduler) if scheduler else LocalExecutor(workers or os.cpu_count() or 1, memory_mb=max_memory)
    )
    console = Console(stderr=True)
    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[pages]} pages"),
        TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TimeRemainingColumn(), console=console, disable=quiet,
    )  # fmt: skip
    pages = 0
    started = time.perf_counter()

    def report(outcome: Outcome, total: int) -> None:
        nonlocal pages
        pages += outcome.pages
        rate = f"{pages / max(time.perf_counter() - started, 1e-6):.1f} pages/s"
        progress.update(task, total=total, advance=1, pages=pages, rate=rate)
        if outcome.status == "failed" and outcome.error:
            line = f"error [{outcome.error['type']}] {outcome.file}: {outcome.error['message']}"
            console.print(escape(line), soft_wrap=True)
            if debug and "traceback" in outcome.error:
                console.print(escape(outcome.error["traceback"]), soft_wrap=True)

    with progress:
        task = progress.add_task("documents", total=None, pages=0, rate="")
        summary = run_batch(input_dir, output, options, force=force, on_outcome=report, executor=runner,
                            review=review)  # fmt: skip
    table = Table(title=f"vnplan batch: {input_dir} -> {output}")
    for column in ("done", "skipped", "failed", "pages", "OCR pages", "seconds", "worker peak MB"):
        table.add_column(column, justify="right")
    table.add_row(*(str(v) for v in (summary.count("done"), summary.count("skipped"), summary.count("failed"),
                                     summary.pages, summary.ocr_pages, summary.seconds,
                                     summary.worker_peak_mb)))  # fmt: skip
    console.print(table)
    raise typer.Exit(summary.exit_code())


@command("export")
def export_cmd(
    results: Annotated[Path, typer.Argument(help="Folder of vnplan results (e.g. a batch's output).")],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="csv, jsonl or parquet (a folder of tables), sqlite, or spacy.")
    ] = "csv",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Folder (or file) to write.")] = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to", help="A PostgreSQL URL (postgresql://USER:PASSWORD@HOST:PORT/DB): upsert the tables there."
        ),
    ] = None,
) -> None:
    """Flat tables of every result in a folder: documents, targets, events, bodies, tasks, quota_rows, corrections;
    or, with `--format spacy`, a spaCy DocBin of the paragraphs with a span group per kind of fact."""
    from pipeline.tools.export import FORMATS, export, load_results

    if fmt not in FORMATS:
        raise typer.BadParameter(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if not results.is_dir():
        stop(UsageError(f"{results} is not a folder"))
    if fmt == "spacy":
        from pipeline.tools.export_spacy import export_spacy

        target = output or results / "vnplan.spacy"
        typer.echo(str(export_spacy(results, target)))
        return
    frames = load_results(results)
    if frames["documents"].empty:
        stop(UsageError(f"no vnplan results in {results}"))
    if to is not None:
        from pipeline.tools.export_postgres import export_postgres, redact

        report = export_postgres(frames, to)
        for name in report.written:
            typer.echo(f"{name}: {report.written[name]} rows written, {report.deleted[name]} deleted")
        err(f"ok {report.documents} documents -> {redact(to)}")
        return
    target = output or (results / "export" if fmt != "sqlite" else results / "vnplan.sqlite")
    for path in export(frames, fmt, target):
        typer.echo(str(path))


@command("validate")
def validate_cmd(
    files: Annotated[list[Path], typer.Argument(help="JSON files to check against schemas/plan.schema.json.")],
) -> None:
    """Check JSON files against the plan schema; print the failing JSON paths of each invalid one."""
    from pipeline.stages.validate import schema_errors

    worst = ExitCode.OK
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
            worst = max(worst, failed(NotAResult(f"not readable JSON ({e})"), path))
            continue
        errors = schema_errors(data)
        if errors:
            worst = max(worst, ExitCode.INVALID_OUTPUT)
            err(f"invalid {path}: {len(errors)} error(s)")
            for line in errors:
                err(f"  {line}")
        else:
            typer.echo(f"valid {path}")
    raise typer.Exit(worst)


@command("audit")
def audit_cmd(
    results: Annotated[list[Path], typer.Argument(help="vnplan result files (JSON) or folders of them.")],
    profile: Annotated[
        list[str],
        typer.Option(
            "--profile", "-p", help="A shipped profile (plan-basics, blood-donation) or a YAML file; repeatable."
        ),
    ] = ["plan-basics"],  # noqa: B006  # typer reads the default, it is never mutated
    fmt: Annotated[str, typer.Option("--format", "-f", help="json, md, html or csv.")] = "md",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of standard output.")
    ] = None,
    fail_on: Annotated[
        str | None, typer.Option("--fail-on", help="missing: exit 5 when a mandatory requirement is missing.")
    ] = None,
) -> None:
    """Audit plans against requirement profiles and for internal consistency; reads results, never PDFs."""
    from pipeline.stages.write import write_atomic
    from pipeline.tools.audit import audit, load_profile
    from pipeline.tools.report import RENDERERS
    from pipeline.tools.results import load_plan

    if fmt not in RENDERERS:
        raise typer.BadParameter(f"--format must be one of {', '.join(RENDERERS)}, not {fmt!r}")
    if fail_on not in (None, "missing"):
        raise typer.BadParameter("--fail-on takes 'missing'")
    profiles = [load_profile(p) for p in profile]
    files = [f for path in results for f in (sorted(path.glob("*.json")) if path.is_dir() else [path])]
    if not files:
        stop(UsageError("no result files given"))
    audits = [audit(load_plan(f), profiles, file=f.name) for f in files]
    text = RENDERERS[fmt](audits)
    if output:
        write_atomic(output, text)
    else:
        typer.echo(text, nl=False)
    if fail_on == "missing" and any(a.missing_mandatory() for a in audits):
        for a in audits:
            for f in a.missing_mandatory():
                err(f"missing [{f.requirement}] {a.file}: {f.title}")
        raise typer.Exit(ExitCode.REQUIREMENTS_MISSING)


@command("review")
def review_cmd(
    result_path: Annotated[Path, typer.Argument(help="A vnplan result (JSON).")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="The HTML file (default: RESULT.html).")] = None,
    source: Annotated[
        Path | None, typer.Option(help="The document it was read from (default: found through the batch manifest).")
    ] = None,
    audit_file: Annotated[
        Path | None, typer.Option("--audit", help="Findings from `vnplan audit -f json`, shown beside the facts.")
    ] = None,
) -> None:
    """A self-contained HTML page showing every fact on the page it came from (no server, no network)."""
    from pipeline.tools.results import load_plan
    from pipeline.tools.review import read_audit, write_review

    plan = load_plan(result_path)
    audit = read_audit(audit_file) if audit_file else None
    out = write_review(plan, result_path, output or result_path.with_suffix(".html"), source, audit)
    err(f"ok {result_path} -> {out} ({out.stat().st_size / 1e6:.1f} MB)")


@command("eval")
def eval_cmd(
    gold_dir: Annotated[Path, typer.Argument(help="Folder of gold files (the format of samples/gold/).")],
    results_dir: Annotated[Path, typer.Argument(help="Folder of vnplan results; NAME.* is scored against NAME.json.")],
    misses: Annotated[bool, typer.Option("--misses/--no-misses", help="List the gold facts not found.")] = True,
) -> None:
    """Score results against gold files: recall and precision per category, precision above confidence 0.5 and
    0.9, and the facts missed; then, per header field, the share of documents right and filled but wrong."""
    from pipeline.tools.evaluate import evaluate_dirs, evaluate_header_dirs

    for folder in (gold_dir, results_dir):
        if not folder.is_dir():
            stop(UsageError(f"{folder} is not a folder"))
    scored = evaluate_dirs(gold_dir, results_dir)
    if not scored:
        stop(UsageError(f"no result in {results_dir} has a gold file in {gold_dir}"))
    _print_fact_scores(scored, misses)
    header, missing = evaluate_header_dirs(gold_dir, results_dir)
    _print_header_scores(header, missing, misses)


def _print_fact_scores(scored: dict[str, Any], misses: bool) -> None:
    from pipeline.tools.evaluate import THRESHOLDS, Score

    heads = " ".join(f"P>={t:<3}" for t in THRESHOLDS)
    typer.echo(f"{'result':42} {'category':11} {'recall':>12} {'precision':>12} {heads}")
    totals: dict[str, Score] = {}
    for name, scores in scored.items():
        for category, s in scores.items():
            totals.setdefault(category, Score(category)).add(s)
            at = " ".join(f"{s.precision_at(t):6.2f}" for t in THRESHOLDS)
            typer.echo(f"{name:42} {category:11} {s.found:4}/{s.gold:<3} {s.recall:4.2f} {s.precision:12.2f} {at}")
            if misses:
                for miss in s.misses:
                    typer.echo(f"{'':42}   missed: {miss}")
    for category, s in totals.items():
        at = " ".join(f"{s.precision_at(t):6.2f}" for t in THRESHOLDS)
        typer.echo(f"{'ALL':42} {category:11} {s.found:4}/{s.gold:<3} {s.recall:4.2f} {s.precision:12.2f} {at}")


def _print_header_scores(header: dict[str, Any], missing: list[str], misses: bool) -> None:
    """Per header field: documents whose gold has it, the share right and the share filled but wrong."""
    from pipeline.tools.evaluate import header_totals

    typer.echo("")
    if misses:
        for doc_id, scores in header.items():
            for s in scores.values():
                for miss in s.misses:
                    typer.echo(f"{doc_id:42} header      {miss}")
    if missing:
        typer.echo(f"no result for {len(missing)} gold document(s), counted as null: {', '.join(missing)}")
    typer.echo(f"{'header field':14} {'docs':>5} {'right':>7} {'wrong':>7}")
    for name, s in header_totals(header).items():
        typer.echo(f"{name:14} {s.gold:5} {s.right_share:7.2f} {s.wrong_share:7.2f}")


def _set_debug(on: bool) -> None:
    global _debug
    _debug = on


@app.callback(invoke_without_command=True)
def root(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        typer.echo(f"vnplan {__version__}")
        raise typer.Exit(0)


def main() -> None:
    """The console script."""
    app()

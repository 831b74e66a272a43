"""The `vnplan` command: the only place that turns exceptions into exit codes and one-line messages.

`failed` prints an error and returns the exit code it ends a command with; every command is registered through
`command`, which hands whatever the command lets through to `failed`. Heavy modules (PyMuPDF, pandas, jsonschema…)
are imported inside the commands that use them, so `vnplan --help` and a batch with nothing to do start fast.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from typer._click.exceptions import ClickException  # typer vendors click: its usage errors derive from this

from pipeline.errors import (
    ExitCode,
    InputError,
    InternalError,
    NotAResult,
    NotFound,
    UsageError,
    VnplanError,
    WriteFailed,
)
from pipeline.stages.ingest.kinds import SUPPORTED
from pipeline.tools.console import PageProgress, Tally, plural, shown, utf8
from pipeline.version import __version__

if TYPE_CHECKING:
    from pipeline.options import Options
    from pipeline.plan import Plan
    from pipeline.tools.inputs import Input

app = typer.Typer(
    help="vnplan: Vietnamese plan documents (Kế hoạch) to structured, schema-validated JSON.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_debug = False


def err(message: str) -> None:
    typer.echo("\n".join(shown(line) for line in message.split("\n")), err=True)


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


# Options shared by extract and batch; each can also be set by an environment variable (VNPLAN_…).
Output = Annotated[Path, typer.Option("--output", "-o", envvar="VNPLAN_OUTPUT", help="Folder for the results.")]
Ocr = Annotated[
    str, typer.Option(envvar="VNPLAN_OCR", help="auto: OCR pages without a usable text layer; always; never.")
]
OcrLang = Annotated[str, typer.Option(envvar="VNPLAN_OCR_LANG", help="Tesseract language model(s): vie, vie+eng.")]
OcrDpi = Annotated[
    int,
    typer.Option(
        envvar="VNPLAN_OCR_DPI",
        help="Resolution for OCR of pages drawn in vectors; scans: their own, raised toward it.",
    ),
]
NoCorrect = Annotated[
    bool, typer.Option("--no-correct", help="Only lossless Unicode clean-up: no tone or OCR-error correction.")
]
MaxPages = Annotated[int, typer.Option(envvar="VNPLAN_MAX_PAGES", help="Refuse documents with more pages than this.")]
MaxBytes = Annotated[int, typer.Option(envvar="VNPLAN_MAX_BYTES", help="Refuse files larger than this many bytes.")]
MaxPixels = Annotated[
    int, typer.Option(envvar="VNPLAN_MAX_PIXELS", help="Largest page or image decoded for OCR, in pixels.")
]
TimeLimit = Annotated[float, typer.Option(envvar="VNPLAN_TIMEOUT", help="Seconds one document may take (0: none).")]
Verbose = Annotated[
    int, typer.Option("--verbose", "-v", count=True, help="More: each page as it is read, and each stage's time.")
]
Quiet = Annotated[int, typer.Option("--quiet", "-q", count=True, help="Less: errors only.")]
Debug = Annotated[bool, typer.Option(envvar="VNPLAN_DEBUG", help="Show tracebacks of errors.")]


def level(verbose: int, quiet: int) -> int:
    """0: errors only; 1: a line per document and a summary (the default); 2: pages and stage times too."""
    return max(0, min(2, 1 + verbose - quiet))


@command()
def extract(
    paths: Annotated[
        list[Path], typer.Argument(help="Plan files (.pdf, .docx, .doc, .txt, .md), folders of them, or - (stdin).")
    ],
    output: Output = Path("output"),
    ocr: Ocr = "auto",
    ocr_lang: OcrLang = "vie",
    ocr_dpi: OcrDpi = 300,
    no_correct: NoCorrect = False,
    max_pages: MaxPages = 1000,
    max_bytes: MaxBytes = 200 * 1024 * 1024,
    max_pixels: MaxPixels = 40_000_000,
    timeout: TimeLimit = 600.0,
    verbose: Verbose = 0,
    quiet: Quiet = 0,
    debug: Debug = False,
) -> None:
    """Extract each plan into OUTPUT/NAME.json (validated, written atomically); with `-o -`, to standard output as
    JSON Lines (one result a line).

    A bad input gets a one-line error and no output (an earlier result of it is removed); the other inputs are still
    written. The exit code is 0 when every input succeeded, else the highest error code (see the README's table).
    """
    _set_debug(debug)
    options = make_options(ocr, ocr_lang, ocr_dpi, not no_correct, timeout, max_pages=max_pages,
                           max_bytes=max_bytes, max_pixels=max_pixels)  # fmt: skip
    from pipeline.tools.inputs import expand_inputs

    inputs = expand_inputs(paths)
    if not inputs:
        stop(UsageError(f"no .pdf, .txt or .md files found in {', '.join(map(str, paths))}"))
    verbosity, tally = level(verbose, quiet), Tally()
    for item in inputs:
        _extract_one(item, options, output, verbosity, tally)
    if verbosity >= 1:
        err(tally.line())
    raise typer.Exit(tally.worst)


def _extract_one(item: Input, options: Options, output: Path, verbosity: int, tally: Tally) -> None:
    """Convert one input and write its result; its error is its own (printed, counted), never the run's."""
    started = time.perf_counter()
    progress = PageProgress(str(item.path), verbosity)
    timings: dict[str, float] = {}
    try:
        plan = _run_input(item, replace(options, ingest=replace(options.ingest, progress=progress)), timings)
        out = _write_plan(plan, item, output)
    except Exception as e:  # each input's error is its own: report it, go on with the others
        progress.clear()
        tally.failed += 1
        tally.worst = max(tally.worst, failed(e, None if isinstance(e, WriteFailed) else item.path))  # the output's
        stale = _remove_stale(item, output)
        if stale is not None:
            err(f"  removed {stale}, the result of an earlier run: it no longer stands for {item.path}")
        return
    progress.clear()
    src = plan.source
    tally.done, tally.warned = tally.done + 1, tally.warned + bool(plan.warnings)
    tally.pages, tally.ocr_pages = tally.pages + src.pages, tally.ocr_pages + len(src.ocr_pages)
    if verbosity >= 1:
        ocr_note = f", OCR on {len(src.ocr_pages)}" if src.ocr_pages else ""
        codes = ", ".join(sorted({w.code for w in plan.warnings}))
        warned = f", {plural(len(plan.warnings), 'warning')}: {codes}" if plan.warnings else ""
        seconds = time.perf_counter() - started
        err(f"ok {item.path} -> {out} ({plural(src.pages, 'page')}{ocr_note}{warned}, {seconds:.1f} s)")
    if verbosity >= 2:
        err("  " + ", ".join(f"{stage} {t:.2f} s" for stage, t in timings.items()))


def _run_input(item: Input, options: Options, timings: dict[str, float]) -> Plan:
    from pipeline.runner import deadline, run, run_raw

    if not item.is_stdin:
        if not utf8(str(item.path)):  # its name goes into the result, which is UTF-8 JSON
            raise InputError("has a name that is not valid UTF-8; rename it (results and logs are UTF-8)")
        return run(item.path, options, timings)
    from pipeline.stages.ingest import ingest_bytes
    from pipeline.tools.inputs import read_stdin

    data, name = read_stdin(options.ingest.max_bytes)
    with deadline(options) as limited:
        return run_raw(ingest_bytes(data, name, limited.ingest), limited, timings)


def _write_plan(plan: Plan, item: Input, output: Path) -> str:
    """Write the result (or print it, with `-o -`); what it went to."""
    from pipeline.stages.write import dumps, write_result

    if str(output) == "-":
        typer.echo(json.dumps(json.loads(dumps(plan)), ensure_ascii=False))
        return "standard output"
    return str(write_result(plan, output, item.name))


def _remove_stale(item: Input, output: Path) -> Path | None:
    """An earlier result of an input that now fails would pass for current: it is removed (only a regular file
    that is a vnplan result of a file of the same name)."""
    from pipeline.stages.write import remove_file
    from pipeline.tools.results import load_plan

    if item.is_stdin or str(output) == "-":
        return None
    path = output / f"{item.name}.json"
    try:
        same = load_plan(path).source.file == item.path.name
    except VnplanError:
        return None
    return path if same and remove_file(path) else None


@command()
def batch(
    input_dir: Annotated[Path, typer.Argument(help="Folder of plans (.pdf, .txt, .md), walked recursively.")],
    output: Output = Path("output"),
    workers: Annotated[
        int, typer.Option(envvar="VNPLAN_WORKERS", help="Worker processes (default: the number of cores).")
    ] = 0,
    executor: Annotated[
        str, typer.Option(help="local: worker processes here; dask: the workers of --scheduler's cluster.")
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(
            envvar="VNPLAN_SCHEDULER", help="dask scheduler address, e.g. tcp://10.0.0.5:8786 (--executor dask)."
        ),
    ] = None,
    timeout: TimeLimit = 600.0,
    max_pages: MaxPages = 1000,
    max_bytes: MaxBytes = 200 * 1024 * 1024,
    max_pixels: MaxPixels = 40_000_000,
    max_memory: Annotated[
        int,
        typer.Option(
            envvar="VNPLAN_MAX_MEMORY",
            help="Address space of each local worker, in MiB (0: no limit); a worker peaks near 630.",
        ),
    ] = 2048,
    force: Annotated[bool, typer.Option("--force", help="Redo documents the manifest says are done.")] = False,
    ocr: Ocr = "auto",
    ocr_lang: OcrLang = "vie",
    ocr_dpi: OcrDpi = 300,
    no_correct: NoCorrect = False,
    review: Annotated[
        bool, typer.Option("--review", help="Also write OUTPUT/review/NAME.html for each document lacking one.")
    ] = False,
    verbose: Verbose = 0,
    quiet: Quiet = 0,
    debug: Debug = False,
) -> None:
    """Convert a folder of plans in parallel, resumably: unchanged documents are skipped, failures are recorded in
    OUTPUT/errors.jsonl and the batch goes on. Exits like extract: 0 when nothing failed, else the highest code
    among the failures."""
    from pipeline.tools.batch import DaskExecutor, Executor, LocalExecutor, find_inputs

    _set_debug(debug)
    if not input_dir.is_dir():
        what = "is a file" if input_dir.is_file() else "does not exist"
        stop(UsageError(f"{input_dir} {what}: batch converts a folder (vnplan extract converts single files)"))
    if not find_inputs(input_dir):
        stop(UsageError(f"{input_dir} holds no .pdf, .txt or .md files (sub-folders included): nothing to do"))
    options = make_options(ocr, ocr_lang, ocr_dpi, not no_correct, timeout, max_pages=max_pages,
                           max_bytes=max_bytes, max_pixels=max_pixels)  # fmt: skip
    if executor not in ("local", "dask"):
        raise typer.BadParameter(f"--executor must be local or dask, not {executor!r}")
    if (executor == "dask") != (scheduler is not None):
        raise typer.BadParameter("--scheduler is needed with --executor dask, and only with it")
    runner: Executor = (
        DaskExecutor(scheduler) if scheduler else LocalExecutor(workers or os.cpu_count() or 1, memory_mb=max_memory)
    )
    from pipeline.tools.batch_view import BatchView

    view = BatchView(level(verbose, quiet), debug)
    summary = view.run(input_dir, output, options, runner, force=force, review=review)
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
    """Flat tables of every result in a folder: documents, targets, events, bodies, tasks, quota_rows, corrections,
    warnings; or, with `--format spacy`, a spaCy DocBin of the paragraphs with a span group per kind of fact."""
    from pipeline.tools.export import FORMATS, collect, export

    if fmt not in FORMATS:
        raise typer.BadParameter(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if not results.is_dir():
        stop(UsageError(f"{results} is not a folder"))
    if fmt == "spacy":
        from pipeline.tools.export_spacy import export_spacy

        target = output or results / "vnplan.spacy"
        typer.echo(str(export_spacy(results, target)))
        return
    tables = collect(results)
    for note in tables.notes:
        err(f"note: {note}")
    if tables.frames["documents"].empty:
        stop(UsageError(f"no vnplan results in {results}"))
    if to is not None:
        from pipeline.tools.export_postgres import export_postgres, redact

        report = export_postgres(tables.frames, to)
        for name in report.written:
            typer.echo(f"{name}: {report.written[name]} rows written, {report.deleted[name]} deleted")
        err(f"ok {report.documents} documents -> {redact(to)}")
        return
    target = output or (results / "export" if fmt != "sqlite" else results / "vnplan.sqlite")
    for path in export(tables.frames, fmt, target):
        typer.echo(str(path))


@command("validate")
def validate_cmd(
    files: Annotated[
        list[Path], typer.Argument(help="JSON files, or folders of them, to check against the plan schema.")
    ],
) -> None:
    """Check JSON files against the plan schema; print the failing JSON paths of each invalid one. A folder's JSON
    files are checked (not the batch's manifest)."""
    from pipeline.stages.validate import schema_errors
    from pipeline.tools.results import result_files

    paths = [f for path in files for f in (result_files(path) if path.is_dir() else [path])]
    if not paths:
        stop(UsageError(f"no JSON files in {', '.join(map(str, files))}"))
    worst = ExitCode.OK
    for path in paths:
        try:
            data = _read_json(path)
        except VnplanError as e:
            worst = max(worst, failed(e, path))
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


def _read_json(path: Path) -> Any:
    if not path.is_file():
        raise NotFound("no such file" if not path.exists() else "is not a file")
    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as e:
        hint = "; run `vnplan extract` on it first" if path.suffix.lower() in SUPPORTED else ""
        raise NotAResult(f"not readable JSON ({type(e).__name__}){hint}") from e


@command("audit")
def audit_cmd(
    results: Annotated[
        list[Path], typer.Argument(help="vnplan results (JSON), folders of them, or - (JSON Lines on stdin).")
    ],
    profile: Annotated[
        list[str],
        typer.Option(
            "--profile", "-p", help="A shipped profile (plan-basics, blood-donation) or a YAML file; repeatable."
        ),
    ] = ["plan-basics"],  # noqa: B006  # typer reads the default, it is never mutated
    fmt: Annotated[str, typer.Option("--format", "-f", help="json, md, html or csv.")] = "md",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of standard output (-: stdout).")
    ] = None,
    fail_on: Annotated[
        str | None, typer.Option("--fail-on", help="missing: exit 5 when a mandatory requirement is missing.")
    ] = None,
) -> None:
    """Audit plans against requirement profiles and for internal consistency; reads results, never PDFs. A folder
    is audited for its results (other files are skipped, with one line); a document found twice is audited once."""
    from pipeline.stages.write import write_atomic
    from pipeline.tools.audit import audit, load_profile
    from pipeline.tools.report import RENDERERS
    from pipeline.tools.results import gather_results

    if fmt not in RENDERERS:
        raise typer.BadParameter(f"--format must be one of {', '.join(RENDERERS)}, not {fmt!r}")
    if fail_on not in (None, "missing"):
        raise typer.BadParameter("--fail-on takes 'missing'")
    profiles = [load_profile(p) for p in profile]
    found, errors = gather_results(results, sys.stdin.buffer.read)
    worst = max((failed(e) for e in errors), default=ExitCode.OK)
    for note in found.notes():
        err(f"note: {note}")
    if not found.plans:
        stop(UsageError("no vnplan results among the files given"))
    audits = [audit(plan, profiles, file=path.name) for path, plan in found.plans]
    text = RENDERERS[fmt](audits)
    if output and str(output) != "-":
        write_atomic(output, text)
    else:
        typer.echo(text, nl=False)
    if fail_on == "missing" and any(a.missing_mandatory() for a in audits):
        for a in audits:
            for f in a.missing_mandatory():
                err(f"missing [{f.requirement}] {a.file}: {f.title}")
        worst = max(worst, ExitCode.REQUIREMENTS_MISSING)
    raise typer.Exit(worst)


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
    max_pixels: MaxPixels = 40_000_000,
) -> None:
    """A self-contained HTML page showing every fact on the page it came from (no server, no network)."""
    from pipeline.tools.results import load_plan
    from pipeline.tools.review import read_audit, write_review

    plan = load_plan(result_path)
    audit = read_audit(audit_file) if audit_file else None
    out = write_review(plan, result_path, output or result_path.with_suffix(".html"), source, audit, max_pixels)
    err(f"ok {result_path} -> {out} ({out.stat().st_size / 1e6:.1f} MB)")


@command("eval")
def eval_cmd(
    gold_dir: Annotated[Path, typer.Argument(help="Folder of gold files (the format of samples/gold/).")],
    results_dir: Annotated[Path, typer.Argument(help="Folder of vnplan results; NAME.* is scored against NAME.json.")],
    misses: Annotated[bool, typer.Option("--misses/--no-misses", help="List the gold facts not found.")] = True,
    only: Annotated[
        str | None, typer.Option("--only", help="Score only these gold ids (comma-separated, e.g. s01,s04).")
    ] = None,
) -> None:
    """Score results against gold files: recall and precision per category, precision above confidence 0.5 and
    0.9, and the facts missed; then, for all documents, the pooled figures (ALL) and the mean of each document's
    recall (MEAN); then, per header field, the share of documents right and filled but wrong. Gold files marked
    `"skip": true` are not scored."""
    from pipeline.tools.evaluate import evaluate_dirs, evaluate_header_dirs

    for folder in (gold_dir, results_dir):
        if not folder.is_dir():
            stop(UsageError(f"{folder} is not a folder"))
    wanted = {i.strip() for i in only.split(",") if i.strip()} if only else None
    scored = evaluate_dirs(gold_dir, results_dir, wanted)
    if not scored:
        stop(UsageError(f"no result in {results_dir} has a gold file in {gold_dir}"))
    _print_fact_scores(scored, misses)
    header, missing = evaluate_header_dirs(gold_dir, results_dir, wanted)
    _print_header_scores(header, missing, misses)


def _print_fact_scores(scored: dict[str, Any], misses: bool) -> None:
    from pipeline.tools.evaluate import THRESHOLDS, summarize

    heads = " ".join(f"P>={t:<3}" for t in THRESHOLDS)
    typer.echo(f"{'result':42} {'category':11} {'recall':>12} {'precision':>12} {heads}")
    for name, scores in scored.items():
        for category, s in scores.items():
            at = " ".join(f"{s.precision_at(t):6.2f}" for t in THRESHOLDS)
            typer.echo(f"{name:42} {category:11} {s.found:4}/{s.gold:<3} {s.recall:4.2f} {s.precision:12.2f} {at}")
            if misses:
                for miss in s.misses:
                    typer.echo(f"{'':42}   missed: {miss}")
    summary = summarize(scored)
    for category, sm in summary.items():
        s = sm.total
        at = " ".join(f"{s.precision_at(t):6.2f}" for t in THRESHOLDS)
        typer.echo(f"{'ALL':42} {category:11} {s.found:4}/{s.gold:<3} {s.recall:4.2f} {s.precision:12.2f} {at}")
    for category, sm in summary.items():
        label = f"MEAN of {sm.documents} documents"
        typer.echo(f"{label:42} {category:11} {'':8} {sm.mean_recall:4.2f}")


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

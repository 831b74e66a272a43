"""The `vnplan` command. The only place that turns exceptions into exit codes and one-line messages."""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

import typer

from pipeline import Options, __version__, extract_file
from pipeline.errors import VnplanError
from pipeline.stages.ingest import SUPPORTED, IngestOptions
from pipeline.stages.normalize import NormalizeOptions
from pipeline.stages.validate import schema_errors
from pipeline.stages.write import write_result
from pipeline.tools.batch import time_limit

app = typer.Typer(
    help="vnplan: Vietnamese plan documents (Kế hoạch) to structured, schema-validated JSON.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_OK = 0
EXIT_BUG = 1  # a defect of ours: please report it with --debug output


def err(message: str) -> None:
    typer.echo(message, err=True)


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


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="Plan files (.pdf, .txt, .md) or folders of them.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the JSON results.")] = Path("output"),
    ocr: Annotated[str, typer.Option(help="auto: OCR pages without a usable text layer; always; never.")] = "auto",
    ocr_lang: Annotated[str, typer.Option(help="Tesseract language model(s), e.g. vie or vie+eng.")] = "vie",
    ocr_dpi: Annotated[int, typer.Option(help="Resolution pages are rendered at for OCR.")] = 300,
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
    every input succeeded, else the highest error code (2 bad input, 3 OCR set-up, 4 invalid output, 1 a bug).
    """
    try:
        options = Options(
            ingest=IngestOptions(
                ocr=ocr,  # type: ignore[arg-type]  # checked by IngestOptions
                ocr_lang=ocr_lang,
                ocr_dpi=ocr_dpi,
                max_pages=max_pages,
                max_bytes=max_bytes,
                max_pixels=max_pixels,
            ),
            normalize=NormalizeOptions(correct=not no_correct),
        )
    except ValueError as e:
        raise typer.BadParameter(str(e)) from e
    inputs = expand_inputs(paths)
    if not inputs:
        err("vnplan: no .pdf, .txt or .md files found in the given paths")
        raise typer.Exit(2)
    names = output_names(inputs)
    worst = EXIT_OK
    for path in inputs:
        started = time.perf_counter()
        try:
            with time_limit(options, timeout) as limited:
                result = extract_file(path, limited)
            out = write_result(result, output, names[path])
        except VnplanError as e:
            worst = max(worst, e.exit_code)
            err(f"error [{e.code}] {path}: {e.message}")
            if debug:
                traceback.print_exc()
            continue
        except Exception as e:  # a defect of ours: say so, keep going with the other files
            worst = max(worst, EXIT_BUG)
            err(f"error [internal] {path}: {type(e).__name__}: {e} (a vnplan bug; --debug shows where)")
            if debug:
                traceback.print_exc()
            continue
        if not quiet:
            src = result["source"]
            ocr_note = f", OCR on {len(src['ocr_pages'])}" if src["ocr_pages"] else ""
            err(f"ok {path} -> {out} ({src['pages']} pages{ocr_note}, {time.perf_counter() - started:.1f} s)")
    raise typer.Exit(worst)


@app.command()
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
    OUTPUT/errors.jsonl and the batch goes on. Exit code 0 when nothing failed, else 2."""
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

    if not input_dir.is_dir():
        err(f"vnplan batch: {input_dir} is not a folder")
        raise typer.Exit(2)
    try:
        ingest_options = IngestOptions(
            ocr=ocr,  # type: ignore[arg-type]  # checked by IngestOptions
            max_pages=max_pages,
            max_bytes=max_bytes,
            max_pixels=max_pixels,
        )
        options = Options(ingest=ingest_options, normalize=NormalizeOptions(correct=not no_correct))
    except ValueError as e:
        raise typer.BadParameter(str(e)) from e
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

    try:
        with progress:
            task = progress.add_task("documents", total=None, pages=0, rate="")
            summary = run_batch(input_dir, output, options, timeout=timeout, force=force, on_outcome=report,
                                executor=runner, review=review)  # fmt: skip
    except VnplanError as e:
        err(f"error [{e.code}] {e}")
        raise typer.Exit(e.exit_code) from e
    table = Table(title=f"vnplan batch: {input_dir} -> {output}")
    for column in ("done", "skipped", "failed", "pages", "OCR pages", "seconds", "worker peak MB"):
        table.add_column(column, justify="right")
    table.add_row(*(str(v) for v in (summary.count("done"), summary.count("skipped"), summary.count("failed"),
                                     summary.pages, summary.ocr_pages, summary.seconds,
                                     summary.worker_peak_mb)))  # fmt: skip
    console.print(table)
    raise typer.Exit(2 if summary.count("failed") else 0)


@app.command("export")
def export_cmd(
    results: Annotated[Path, typer.Argument(help="Folder of vnplan results (e.g. a batch's output).")],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="csv, jsonl or parquet (a folder of tables), or sqlite.")
    ] = "csv",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Folder (or .sqlite file) to write.")] = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to", help="A PostgreSQL URL (postgresql://USER:PASSWORD@HOST:PORT/DB): upsert the tables there."
        ),
    ] = None,
) -> None:
    """Flat tables of every result in a folder: documents, targets, events, bodies, tasks, quota_rows, corrections."""
    from pipeline.tools.export import export, load_results

    if fmt not in ("csv", "jsonl", "parquet", "sqlite"):
        raise typer.BadParameter(f"--format must be csv, jsonl, parquet or sqlite, not {fmt!r}")
    if not results.is_dir():
        err(f"vnplan export: {results} is not a folder")
        raise typer.Exit(2)
    frames = load_results(results)
    if frames["documents"].empty:
        err(f"vnplan export: no vnplan results in {results}")
        raise typer.Exit(2)
    if to is not None:
        from pipeline.tools.export_postgres import export_postgres, redact

        try:
            report = export_postgres(frames, to)
        except VnplanError as e:
            err(f"error [{e.code}] {e}")
            raise typer.Exit(e.exit_code) from e
        for name in report.written:
            typer.echo(f"{name}: {report.written[name]} rows written, {report.deleted[name]} deleted")
        err(f"ok {report.documents} documents -> {redact(to)}")
        return
    target = output or (results / "export" if fmt != "sqlite" else results / "vnplan.sqlite")
    for path in export(frames, fmt, target):
        typer.echo(str(path))


@app.command("validate")
def validate_cmd(
    files: Annotated[list[Path], typer.Argument(help="JSON files to check against schemas/plan.schema.json.")],
) -> None:
    """Check JSON files against the plan schema; print the failing JSON paths of each invalid one."""
    bad = 0
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            err(f"invalid {path}: not readable JSON ({e})")
            bad += 1
            continue
        errors = schema_errors(data)
        if errors:
            bad += 1
            err(f"invalid {path}: {len(errors)} error(s)")
            for line in errors:
                err(f"  {line}")
        else:
            typer.echo(f"valid {path}")
    raise typer.Exit(4 if bad else 0)


@app.command("audit")
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
    from pipeline.tools.audit import audit, load_profile, load_result
    from pipeline.tools.report import RENDERERS

    if fmt not in RENDERERS:
        raise typer.BadParameter(f"--format must be one of {', '.join(RENDERERS)}, not {fmt!r}")
    if fail_on not in (None, "missing"):
        raise typer.BadParameter("--fail-on takes 'missing'")
    try:
        profiles = [load_profile(p) for p in profile]
        files = [f for path in results for f in (sorted(path.glob("*.json")) if path.is_dir() else [path])]
        if not files:
            raise VnplanError("no result files given")
        audits = [audit(load_result(f), profiles, file=f.name) for f in files]
    except VnplanError as e:
        err(f"error [{e.code}] {e}")
        raise typer.Exit(e.exit_code) from e
    text = RENDERERS[fmt](audits)
    if output:
        write_atomic(output, text)
    else:
        typer.echo(text, nl=False)
    if fail_on == "missing" and any(a.missing_mandatory() for a in audits):
        for a in audits:
            for f in a.missing_mandatory():
                err(f"missing [{f.requirement}] {a.file}: {f.title}")
        raise typer.Exit(5)


@app.command("review")
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
    from pipeline.tools.audit import load_result
    from pipeline.tools.review import write_review

    try:
        result = load_result(result_path)
        audit = _read_json(audit_file) if audit_file else None
        out = write_review(result, result_path, output or result_path.with_suffix(".html"), source, audit)
    except VnplanError as e:
        err(f"error [{e.code}] {e}")
        raise typer.Exit(e.exit_code) from e
    err(f"ok {result_path} -> {out} ({out.stat().st_size / 1e6:.1f} MB)")


def _read_json(path: Path) -> Any:
    from pipeline.errors import InputError, NotFound

    if not path.is_file():
        raise NotFound("no such file", path=str(path))
    try:
        return json.loads(path.read_text("utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise InputError(f"is not JSON ({e})", path=str(path)) from e


@app.command("eval")
def eval_cmd(
    gold_dir: Annotated[Path, typer.Argument(help="Folder of gold files (the format of samples/gold/).")],
    results_dir: Annotated[Path, typer.Argument(help="Folder of vnplan results; NAME.* is scored against NAME.json.")],
    misses: Annotated[bool, typer.Option("--misses/--no-misses", help="List the gold facts not found.")] = True,
) -> None:
    """Score results against gold files: recall and precision per category, precision above confidence 0.5 and
    0.9, and the facts missed; then, per header field, the share of documents right and filled but wrong."""
    from pipeline.tools.evaluate import evaluate_dirs, evaluate_header_dirs

    if not gold_dir.is_dir() or not results_dir.is_dir():
        err(f"vnplan eval: {gold_dir if not gold_dir.is_dir() else results_dir} is not a folder")
        raise typer.Exit(2)
    scored = evaluate_dirs(gold_dir, results_dir)
    if not scored:
        err(f"vnplan eval: no result in {results_dir} has a gold file in {gold_dir}")
        raise typer.Exit(2)
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


@app.callback(invoke_without_command=True)
def root(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        typer.echo(f"vnplan {__version__}")
        raise typer.Exit(0)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        err("vnplan: interrupted; files already written are complete")
        sys.exit(130)

"""Reading results back: a vnplan result file as a validated Plan, the id of its document, and the results of a
folder, for every tool that reads results (audit, review, export)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from pipeline.errors import NotAResult, NotFound, VnplanError
from pipeline.plan import SCHEMA_VERSION, Plan
from pipeline.stages.ingest.kinds import SUPPORTED


def validation_lines(error: ValidationError) -> list[str]:
    """`[$.path] message` lines, as `vnplan validate` prints them."""
    lines = []
    for e in error.errors(include_url=False):
        path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e["loc"])
        lines.append(f"[{path}] {e['msg']}")
    return lines


def _schema_version(data: bytes) -> str | None:
    found = re.search(rb'"schema_version"\s*:\s*"([^"]{1,20})"', data[:4096])
    return found.group(1).decode("ascii", "replace") if found else None


def load_plan(path: Path) -> Plan:
    """The result in `path`, validated against the plan model; NotAResult for anything else."""
    if not path.is_file():
        raise NotFound("no such file" if not path.exists() else "is not a file", path=str(path))
    try:
        data = path.read_bytes()
    except OSError as e:
        raise NotAResult(f"cannot be read ({e.strerror})", path=str(path)) from e
    if data.lstrip()[:1] != b"{":
        hint = "; run `vnplan extract` on it first" if path.suffix.lower() in SUPPORTED else ""
        raise NotAResult(f"is not a vnplan result (not a JSON object){hint}", path=str(path))
    return plan_from_json(data, str(path))


def plan_from_json(data: bytes, name: str) -> Plan:
    """A result's JSON text, validated against the plan model; NotAResult (naming `name`) for anything else."""
    try:
        return Plan.model_validate_json(data)
    except ValidationError as e:
        version = _schema_version(data)
        if version is not None and version != SCHEMA_VERSION:
            raise NotAResult(
                f"was written with plan schema {version}; this vnplan reads {SCHEMA_VERSION}: run `vnplan extract` "
                "on its document again",
                path=name,
            ) from e
        lines = validation_lines(e)
        raise NotAResult(f"is not a vnplan result ({lines[0] if lines else e})", path=name) from e
    except RecursionError as e:
        raise NotAResult("is not a vnplan result (nested too deeply)", path=name) from e


def doc_id(plan: Plan) -> str:
    """A document's id in every table and report: the first 16 hex digits of the SHA-256 of its input's bytes (as
    `source.sha256` records it). It comes from the content, so the same file has the same id whatever it was named,
    wherever it was found and whichever command read it (`extract` or `batch`); two copies of one file are one
    document."""
    return plan.source.sha256[:16]


BATCH_FILES = frozenset({"manifest.json"})  # the batch's own JSON: never a result, skipped without a word


@dataclass
class Results:
    """The results found among some paths, in order, once per document; and what was left out, with why."""

    plans: list[tuple[Path, Plan]] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # files that are not results
    duplicates: list[tuple[Path, Path]] = field(default_factory=list)  # (left out, the same document kept)

    def notes(self) -> list[str]:
        """One line for the files skipped, one for the documents found twice (nothing when there are none)."""
        out = []
        if self.skipped:
            shown = "; ".join(f"{p.name}: {why}" for p, why in self.skipped[:3])
            more = f"; and {len(self.skipped) - 3} more" if len(self.skipped) > 3 else ""
            out.append(f"skipped {len(self.skipped)} file(s) that are not vnplan results ({shown}{more})")
        if self.duplicates:
            shown = "; ".join(f"{a.name} is {b.name}" for a, b in self.duplicates[:3])
            more = f"; and {len(self.duplicates) - 3} more" if len(self.duplicates) > 3 else ""
            out.append(f"left out {len(self.duplicates)} result(s) of a document already read ({shown}{more})")
        return out


def result_files(folder: Path) -> list[Path]:
    """The JSON files of a folder (not its sub-folders) that may be results: not the batch's manifest."""
    return [p for p in sorted(folder.glob("*.json")) if p.name not in BATCH_FILES]


def read_results(folder: Path) -> Results:
    """Every result of a folder, each document once (the first file in name order); other JSON files skipped."""
    found = Results()
    seen: dict[str, Path] = {}
    for path in result_files(folder):
        try:
            plan = load_plan(path)
        except VnplanError as e:
            found.skipped.append((path, e.message))
            continue
        first = seen.setdefault(doc_id(plan), path)
        if first is path:
            found.plans.append((path, plan))
        else:
            found.duplicates.append((path, first))
    return found


STDIN = "-"


def gather_results(paths: list[Path], read_stdin: Callable[[], bytes]) -> tuple[Results, list[VnplanError]]:
    """The results among paths, each document once: a folder for its results (its other JSON files skipped), a file
    as given (one that is not a result is an error of its own; the batch's manifest is skipped), `-` for standard
    input (one result, or JSON Lines as `vnplan extract -o -` prints them)."""
    found, errors = Results(), []
    candidates: list[tuple[Path, Plan]] = []
    for path in paths:
        try:
            if str(path) == STDIN:
                candidates += stdin_results(read_stdin())
            elif path.is_dir():
                folder = read_results(path)
                found.skipped += folder.skipped
                candidates += folder.plans
                found.duplicates += folder.duplicates
            elif path.name in BATCH_FILES:
                found.skipped.append((path, "the batch's manifest"))
            else:
                candidates.append((path, load_plan(path)))
        except VnplanError as e:
            errors.append(e)
    seen: dict[str, Path] = {}
    for path, plan in candidates:
        first = seen.setdefault(doc_id(plan), path)
        if first is path:
            found.plans.append((path, plan))
        else:
            found.duplicates.append((path, first))
    return found, errors


def stdin_results(data: bytes) -> list[tuple[Path, Plan]]:
    """Results given on standard input: one JSON document, or JSON Lines; named `stdin`, `stdin:1`, `stdin:2`…"""
    lines = [line for line in data.splitlines() if line.strip()]
    if len(lines) > 1 and all(line.lstrip().startswith(b"{") for line in lines):
        return [(Path(f"stdin:{n}"), plan_from_json(line, f"stdin:{n}")) for n, line in enumerate(lines, 1)]
    return [(Path("stdin"), plan_from_json(data, "stdin"))]

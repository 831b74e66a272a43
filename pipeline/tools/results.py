"""Reading results back: a vnplan result file as a validated Plan, for every tool that reads results."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import ValidationError

from pipeline.errors import NotAResult, NotFound
from pipeline.plan import SCHEMA_VERSION, Plan


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
        raise NotFound("no such file", path=str(path))
    try:
        data = path.read_bytes()
    except OSError as e:
        raise NotAResult(f"cannot be read ({e.strerror})", path=str(path)) from e
    if data.lstrip()[:1] != b"{":
        hint = "; run `vnplan extract` on it first" if path.suffix.lower() in (".pdf", ".txt", ".md", ".docx") else ""
        raise NotAResult(f"is not a vnplan result (not a JSON object){hint}", path=str(path))
    try:
        return Plan.model_validate_json(data)
    except ValidationError as e:
        version = _schema_version(data)
        if version is not None and version != SCHEMA_VERSION:
            raise NotAResult(
                f"was written with plan schema {version}; this vnplan reads {SCHEMA_VERSION}: run `vnplan extract` "
                "on its document again",
                path=str(path),
            ) from e
        lines = validation_lines(e)
        raise NotAResult(f"is not a vnplan result ({lines[0] if lines else e})", path=str(path)) from e
    except RecursionError as e:
        raise NotAResult("is not a vnplan result (nested too deeply)", path=str(path)) from e

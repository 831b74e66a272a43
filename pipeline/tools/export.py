"""Export: the results of a folder as flat tables with stable keys, for pandas, CSV, JSON Lines, Parquet and SQLite.

Tables and keys (`doc_id` is the result's file name without `.json`; each item's id is `doc_id:kind:index`):
- `documents` (doc_id), `targets` (target_id), `events` (event_id), `bodies` (body_id), `tasks` (task_id, body_id),
  `quota_rows` (row_id), `corrections` (correction_id). Every item row keeps its page and its evidence text.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

import pandas as pd
from pydantic import BaseModel

from pipeline import plan
from pipeline.errors import MissingExtra, VnplanError
from pipeline.plan import Body, Correction, Event, Plan, QuotaRow, Signer, Source, Target, Task
from pipeline.tools.results import load_plan

TABLES = ("documents", "targets", "events", "bodies", "tasks", "quota_rows", "corrections")
FORMATS = ("csv", "jsonl", "parquet", "sqlite", "spacy")
ColumnKind = Literal["text", "int", "float"]


def _kind(annotation: Any) -> ColumnKind | None:
    """The column type a model field flattens to; None for nested records (they have tables of their own)."""
    args = [a for a in get_args(annotation) if a is not type(None)]
    origin = get_origin(annotation)
    if origin is Annotated:
        return _kind(args[0])
    if origin in (Union, UnionType):
        kinds = {_kind(a) for a in args}
        return "float" if kinds == {"int", "float"} else (kinds.pop() if len(kinds) == 1 else None)
    if origin is list:
        return "text" if _kind(args[0]) in ("text", "int", "float") else None  # a list of values: one cell
    if origin is Literal or annotation is str:
        return "text"
    if annotation is bool or annotation is int:
        return "int"
    if annotation is float:
        return "float"
    return None


def model_columns(model: type[BaseModel], skip: tuple[str, ...] = ()) -> dict[str, ColumnKind]:
    """A model's fields that flatten to one column each, with their types, in the model's order."""
    hints = get_type_hints(model, include_extras=True)
    out: dict[str, ColumnKind] = {}
    for name in model.model_fields:
        kind = _kind(hints[name])
        if kind is not None and name not in skip:
            out[name] = kind
    return out


_SIGNER = {f"signer_{k}": v for k, v in model_columns(Signer).items()}
# Every table's columns and their types (text, int, float), read from the plan model; the first column is the
# table's stable key. Frames always carry exactly these columns, so an empty folder still gives tables of the right
# shape, and a database schema can be made from them. Each item row also keeps the page of its evidence.
COLUMNS: dict[str, dict[str, ColumnKind]] = {
    "documents": {
        "doc_id": "text", **model_columns(Source, skip=("page_sizes", "ocr_pages")), "ocr_pages": "int",
        **model_columns(plan.Document, skip=("referenced_documents",)), **_SIGNER, "schema_version": "text",
    },
    "targets": {"target_id": "text", "doc_id": "text", **model_columns(Target), "page": "int"},
    "events": {"event_id": "text", "doc_id": "text", **model_columns(Event), "page": "int"},
    "bodies": {"body_id": "text", "doc_id": "text", **model_columns(Body), "page": "int"},
    "tasks": {"task_id": "text", "body_id": "text", "doc_id": "text", **model_columns(Task), "page": "int"},
    "quota_rows": {
        "row_id": "text", "doc_id": "text", "table_no": "int", "table_title": "text", **model_columns(QuotaRow),
        "page": "int",
    },
    "corrections": {"correction_id": "text", "doc_id": "text", **model_columns(Correction)},
}  # fmt: skip
_DTYPES = {"text": "string", "int": "Int64", "float": "Float64"}


def key_of(table: str) -> str:
    return next(iter(COLUMNS[table]))


def _frame(table: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A table with exactly its documented columns and nullable types (missing values are <NA>, never NaN)."""
    columns = COLUMNS[table]
    frame = pd.DataFrame(rows, columns=list(columns))
    return frame.astype({name: _DTYPES[kind] for name, kind in columns.items()})


def _cells(item: BaseModel, table: str) -> dict[str, Any]:
    """An item's own columns of a table: lists joined into one cell (`1, 5, 11`; `Sở Y tế; Tỉnh đoàn`)."""
    out: dict[str, Any] = {}
    for name in COLUMNS[table]:
        if name in type(item).model_fields:
            value = getattr(item, name)
            if isinstance(value, list):
                value = (", " if value and not isinstance(value[0], str) else "; ").join(str(v) for v in value)
            out[name] = value
    return out


def _rows(doc_id: str, plan_: Plan) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
    doc, src = plan_.document, plan_.source
    signer = {f"signer_{k}": v for k, v in doc.signer.model_dump().items()}
    out["documents"].append({**_cells(src, "documents"), **_cells(doc, "documents"), **signer, "doc_id": doc_id,
                             "ocr_pages": len(src.ocr_pages), "schema_version": plan_.schema_version})  # fmt: skip
    for i, t in enumerate(plan_.targets):
        out["targets"].append({**_cells(t, "targets"), "target_id": f"{doc_id}:target:{i}", "doc_id": doc_id,
                               "page": t.source.page})  # fmt: skip
    for i, e in enumerate(plan_.events):
        out["events"].append({**_cells(e, "events"), "event_id": f"{doc_id}:event:{i}", "doc_id": doc_id,
                              "page": e.source.page})  # fmt: skip
    for i, b in enumerate(plan_.responsible_bodies):
        body_id = f"{doc_id}:body:{i}"
        out["bodies"].append({**_cells(b, "bodies"), "body_id": body_id, "doc_id": doc_id, "page": b.source.page})
        for j, task in enumerate(b.tasks):
            out["tasks"].append({**_cells(task, "tasks"), "task_id": f"{body_id}:task:{j}", "body_id": body_id,
                                 "doc_id": doc_id, "page": task.source.page})  # fmt: skip
    for n, table in enumerate(plan_.quota_tables):
        for i, row in enumerate(table.rows):
            out["quota_rows"].append({**_cells(row, "quota_rows"), "row_id": f"{doc_id}:quota:{n}:{i}",
                                      "doc_id": doc_id, "table_no": n, "table_title": table.title,
                                      "page": row.source.page})  # fmt: skip
    for i, c in enumerate(plan_.corrections):
        out["corrections"].append({**_cells(c, "corrections"), "correction_id": f"{doc_id}:fix:{i}", "doc_id": doc_id})
    return out


def result_files(folder: Path) -> list[Path]:
    """The results in a folder: its JSON files that are not the batch's own (manifest)."""
    return [p for p in sorted(folder.glob("*.json")) if p.name != "manifest.json"]


def load_results(folder: str | Path) -> dict[str, pd.DataFrame]:
    """Every vnplan result in a folder as flat tables (other JSON files, such as the batch manifest, are skipped)."""
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
    for path in result_files(Path(folder)):
        try:
            plan_ = load_plan(path)
        except VnplanError:
            continue
        for table, items in _rows(path.stem, plan_).items():
            rows[table].extend(items)
    return {t: _frame(t, rows[t]) for t in TABLES}


def export(frames: dict[str, pd.DataFrame], fmt: str, target: Path) -> list[Path]:
    """Write the tables: a folder of CSV/JSONL/Parquet files, or one SQLite database. Returns what was written."""
    if fmt == "parquet":
        try:
            import pyarrow  # type: ignore[import-untyped]  # noqa: F401  # pandas writes Parquet through it
        except ImportError as e:
            raise MissingExtra("--format parquet needs pyarrow: pip install 'vnplan[parquet]'") from e
    if fmt == "sqlite":
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.unlink(missing_ok=True)
        with sqlite3.connect(tmp) as con:
            for name, frame in frames.items():
                frame.to_sql(name, con, index=False, if_exists="replace")
        tmp.replace(target)  # the database appears whole or not at all
        return [target]
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in frames.items():
        path = target / f"{name}.{'jsonl' if fmt == 'jsonl' else fmt}"
        tmp = path.with_name(f".{path.name}.tmp")
        if fmt == "csv":
            frame.to_csv(tmp, index=False)
        elif fmt == "jsonl":
            frame.to_json(tmp, orient="records", lines=True, force_ascii=False)
        elif fmt == "parquet":
            frame.to_parquet(tmp, index=False)
        else:
            raise ValueError(f"unknown export format {fmt!r}")
        tmp.replace(path)
        written.append(path)
    return written

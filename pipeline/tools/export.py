"""Export: the results of a folder as flat tables with stable keys, for pandas, CSV, JSON Lines, Parquet and SQLite.

Tables and keys (`doc_id` is the document's id, from its content: see `results.doc_id`; each item's id is
`doc_id:kind:index`):
- `documents` (doc_id), `targets` (target_id), `events` (event_id), `bodies` (body_id), `tasks` (task_id, body_id),
  `quota_rows` (row_id), `corrections` (correction_id), `warnings` (warning_id). Every item row keeps its page and
  its evidence text. SQLite gets each key as primary key, `doc_id` (and `body_id`) as indexed foreign keys.
- A document found twice (two copies of one file) is exported once; files that are not results are skipped.
- Dates of issue are dates (Parquet `date32`, SQLite `DATE` holding ISO text, `datetime.date` in pandas); event
  dates keep the precision the plan wrote (`2021-05`, `2021-05-19`) and so stay text.
- CSV text cells are neutralised against formula injection (cells.py).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

import pandas as pd
from pydantic import BaseModel

from pipeline import plan
from pipeline.errors import MissingExtra
from pipeline.plan import Body, Correction, Event, Plan, PlanWarning, QuotaRow, Signer, Source, Target, Task
from pipeline.stages.write import atomic_file, atomic_path, make_dir
from pipeline.tools.cells import safe_cell
from pipeline.tools.results import doc_id, read_results

TABLES = ("documents", "targets", "events", "bodies", "tasks", "quota_rows", "corrections", "warnings")
FORMATS = ("csv", "jsonl", "parquet", "sqlite", "spacy")
ColumnKind = Literal["text", "int", "float", "date"]


def _kind(annotation: Any) -> ColumnKind | None:
    """The column type a model field flattens to; None for nested records (they have tables of their own)."""
    if annotation is plan.IsoDate:
        return "date"
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
        "doc_id": "text", "result": "text", **model_columns(Source, skip=("page_sizes",)),
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
    "warnings": {"warning_id": "text", "doc_id": "text", **model_columns(PlanWarning)},
}  # fmt: skip
PARENTS = {"tasks": {"body_id": "bodies"}}  # foreign keys besides every item table's doc_id -> documents
_DTYPES = {"text": "string", "int": "Int64", "float": "Float64"}  # dates: an object column of datetime.date


def key_of(table: str) -> str:
    return next(iter(COLUMNS[table]))


def _frame(table: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A table with exactly its documented columns and nullable types (missing values are <NA>, never NaN)."""
    columns = COLUMNS[table]
    frame = pd.DataFrame(rows, columns=list(columns))
    for name, kind in columns.items():
        if kind == "date":
            frame[name] = [dt.date.fromisoformat(v) if isinstance(v, str) else None for v in frame[name]]
    return frame.astype({name: _DTYPES[kind] for name, kind in columns.items() if kind != "date"})


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


def _rows(did: str, result: str, plan_: Plan) -> dict[str, list[dict[str, Any]]]:
    """The rows of one result in every table; `did` is its document's id, `result` its file's name."""
    out: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
    doc, src = plan_.document, plan_.source
    signer = {f"signer_{k}": v for k, v in doc.signer.model_dump().items()}
    out["documents"].append({**_cells(src, "documents"), **_cells(doc, "documents"), **signer, "doc_id": did,
                             "result": result, "schema_version": plan_.schema_version})  # fmt: skip
    for i, t in enumerate(plan_.targets):
        out["targets"].append({**_cells(t, "targets"), "target_id": f"{did}:target:{i}", "doc_id": did,
                               "page": t.source.page})  # fmt: skip
    for i, e in enumerate(plan_.events):
        out["events"].append({**_cells(e, "events"), "event_id": f"{did}:event:{i}", "doc_id": did,
                              "page": e.source.page})  # fmt: skip
    for i, b in enumerate(plan_.responsible_bodies):
        body_id = f"{did}:body:{i}"
        out["bodies"].append({**_cells(b, "bodies"), "body_id": body_id, "doc_id": did, "page": b.source.page})
        for j, task in enumerate(b.tasks):
            out["tasks"].append({**_cells(task, "tasks"), "task_id": f"{body_id}:task:{j}", "body_id": body_id,
                                 "doc_id": did, "page": task.source.page})  # fmt: skip
    for n, table in enumerate(plan_.quota_tables):
        for i, row in enumerate(table.rows):
            out["quota_rows"].append({**_cells(row, "quota_rows"), "row_id": f"{did}:quota:{n}:{i}",
                                      "doc_id": did, "table_no": n, "table_title": table.title,
                                      "page": row.source.page})  # fmt: skip
    for i, c in enumerate(plan_.corrections):
        out["corrections"].append({**_cells(c, "corrections"), "correction_id": f"{did}:fix:{i}", "doc_id": did})
    for i, w in enumerate(plan_.warnings):
        out["warnings"].append({**_cells(w, "warnings"), "warning_id": f"{did}:warning:{i}", "doc_id": did})
    return out


@dataclass
class Tables:
    """The tables of a folder's results, and what was left out of them (one line each, for the command)."""

    frames: dict[str, pd.DataFrame]
    notes: list[str] = field(default_factory=list)


def collect(folder: str | Path) -> Tables:
    """Every vnplan result in a folder as flat tables, each document once; other JSON files are skipped."""
    found = read_results(Path(folder))
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
    for path, plan_ in found.plans:
        for table, items in _rows(doc_id(plan_), path.name, plan_).items():
            rows[table].extend(items)
    return Tables({t: _frame(t, rows[t]) for t in TABLES}, found.notes())


def load_results(folder: str | Path) -> dict[str, pd.DataFrame]:
    """Every vnplan result in a folder as flat tables (other JSON files, such as the batch manifest, are skipped)."""
    return collect(folder).frames


def export(frames: dict[str, pd.DataFrame], fmt: str, target: Path) -> list[Path]:
    """Write the tables: a folder of CSV/JSONL/Parquet files, or one SQLite database. Returns what was written."""
    if fmt == "parquet":
        try:
            import pyarrow  # type: ignore[import-untyped]  # noqa: F401  # pandas writes Parquet through it
        except ImportError as e:
            raise MissingExtra("--format parquet needs pyarrow: pip install 'vnplan[parquet]'") from e
    if fmt == "sqlite":
        with atomic_path(target) as tmp:  # the database appears whole or not at all
            write_sqlite(frames, tmp)
        return [target]
    if fmt not in ("csv", "jsonl", "parquet"):
        raise ValueError(f"unknown export format {fmt!r}")
    make_dir(target)
    written = []
    for name, frame in frames.items():
        path = target / f"{name}.{fmt}"
        with atomic_file(path) as f:
            if fmt == "parquet":
                frame.to_parquet(f, index=False)
            else:
                f.write(_text(name, frame, fmt).encode("utf-8"))
        written.append(path)
    return written


def _text(name: str, frame: pd.DataFrame, fmt: str) -> str:
    """A table as CSV (text cells made safe for spreadsheets) or JSON Lines (dates as ISO text)."""
    frame = frame.copy()
    for column, kind in COLUMNS[name].items():
        if kind == "date":
            frame[column] = [d.isoformat() if isinstance(d, dt.date) else None for d in frame[column]]
        elif kind == "text" and fmt == "csv":
            frame[column] = frame[column].map(safe_cell, na_action="ignore")
    if fmt == "csv":  # CRLF, as RFC 4180 has it: a cell holding a carriage return is then quoted, never split
        return str(frame.to_csv(index=False, lineterminator="\r\n"))
    return str(frame.to_json(orient="records", lines=True, force_ascii=False)) + ("\n" if len(frame) else "")


_SQL = {"text": "TEXT", "int": "INTEGER", "float": "REAL", "date": "DATE"}


def schema_sql(name: str) -> list[str]:
    """The SQLite statements that make one table: its key as primary key, `doc_id` (and a task's `body_id`) as
    foreign keys to their tables, each with an index."""
    key = key_of(name)
    parents = {"doc_id": "documents", **PARENTS.get(name, {})} if name != "documents" else {}
    columns = []
    for column, kind in COLUMNS[name].items():
        primary = " PRIMARY KEY" if column == key else ""
        required = " NOT NULL" if column == key or column in parents else ""
        columns.append(f'"{column}" {_SQL[kind]}{primary}{required}')
    columns += [f'FOREIGN KEY ("{c}") REFERENCES "{t}" ("{key_of(t)}")' for c, t in parents.items()]
    out = [f'CREATE TABLE "{name}" ({", ".join(columns)})']
    return out + [f'CREATE INDEX "{name}_{c}" ON "{name}" ("{c}")' for c in parents]


def _sql_value(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return value.item() if hasattr(value, "item") else value


def write_sqlite(frames: dict[str, pd.DataFrame], path: Path) -> None:
    """The tables into a new SQLite database at `path`, with their keys checked as they are inserted."""
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA foreign_keys = ON")
        with con:
            for name in TABLES:  # documents first, bodies before tasks: each parent before its children
                for statement in schema_sql(name):
                    con.execute(statement)
                frame = frames[name]
                marks = ", ".join("?" * len(frame.columns))
                rows = ([_sql_value(v) for v in row] for row in frame.itertuples(index=False, name=None))
                con.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)
    finally:
        con.close()

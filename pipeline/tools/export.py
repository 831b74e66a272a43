"""Export: the results of a folder as flat tables with stable keys, for pandas, CSV, JSON Lines, Parquet and SQLite.

Tables and keys (`doc_id` is the result's file name without `.json`; each item's id is `doc_id:kind:index`):
- `documents` (doc_id), `targets` (target_id), `events` (event_id), `bodies` (body_id), `tasks` (task_id, body_id),
  `quota_rows` (row_id), `corrections` (correction_id). Every item row keeps its page and its evidence text.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.stages.validate import schema_errors

TABLES = ("documents", "targets", "events", "bodies", "tasks", "quota_rows", "corrections")

# Every table's columns and their types (text, int, float); the first column is the table's stable key. Frames
# always carry exactly these columns, so an empty folder still gives tables of the right shape, and a database
# schema can be made from them.
COLUMNS: dict[str, dict[str, str]] = {
    "documents": {
        "doc_id": "text", "file": "text", "sha256": "text", "input_kind": "text", "pages": "int", "ocr_pages": "int",
        "doc_type": "text", "number": "text", "date": "text", "place": "text", "province": "text",
        "plan_year": "int", "issuer": "text", "title": "text", "signer_name": "text", "signer_title": "text",
        "signer_authority": "text", "schema_version": "text",
    },
    "targets": {
        "target_id": "text", "doc_id": "text", "value": "float", "unit": "text", "comparator": "text",
        "subject": "text", "metric": "text", "period": "text", "kind": "text", "confidence": "float", "page": "int",
        "text": "text",
    },
    "events": {
        "event_id": "text", "doc_id": "text", "name": "text", "kind": "text", "date_start": "text",
        "date_end": "text", "period_text": "text", "organizers": "text", "location": "text", "confidence": "float",
        "page": "int", "text": "text",
    },
    "bodies": {
        "body_id": "text", "doc_id": "text", "name": "text", "canonical_name": "text", "role": "text",
        "deadline": "text", "confidence": "float", "page": "int",
    },
    "tasks": {"task_id": "text", "body_id": "text", "doc_id": "text", "text": "text", "page": "int"},
    "quota_rows": {
        "row_id": "text", "doc_id": "text", "table_no": "int", "table_title": "text", "no": "int", "group": "text",
        "unit": "text", "quota": "float", "months": "text", "page": "int", "confidence": "float",
    },
    "corrections": {
        "correction_id": "text", "doc_id": "text", "original": "text", "corrected": "text", "rule": "text",
        "page": "int", "paragraph": "int", "table": "int", "row": "int", "col": "int", "start": "int", "end": "int",
    },
}  # fmt: skip
_DTYPES = {"text": "string", "int": "Int64", "float": "Float64"}


def key_of(table: str) -> str:
    return next(iter(COLUMNS[table]))


def _frame(table: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A table with exactly its documented columns and nullable types (missing values are <NA>, never NaN)."""
    columns = COLUMNS[table]
    frame = pd.DataFrame(rows, columns=list(columns))
    return frame.astype({name: _DTYPES[kind] for name, kind in columns.items()})


def _rows(doc_id: str, r: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    d, src = r["document"], r["source"]
    signer = d.get("signer") or {}
    out: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
    out["documents"].append({
        "doc_id": doc_id, "file": src["file"], "sha256": src["sha256"], "input_kind": src["input_kind"],
        "pages": src["pages"], "ocr_pages": len(src["ocr_pages"]), "doc_type": d.get("doc_type"),
        "number": d.get("number"), "date": d.get("date"), "place": d.get("place"), "province": d.get("province"),
        "plan_year": d.get("plan_year"), "issuer": d.get("issuer"), "title": d.get("title"),
        "signer_name": signer.get("name"), "signer_title": signer.get("title"),
        "signer_authority": signer.get("authority"),
        "schema_version": r["schema_version"],
    })  # fmt: skip
    for i, t in enumerate(r["targets"]):
        out["targets"].append({
            "target_id": f"{doc_id}:target:{i}", "doc_id": doc_id, "value": t["value"], "unit": t.get("unit"),
            "comparator": t["comparator"], "subject": t.get("subject"), "metric": t.get("metric"),
            "period": t.get("period"), "kind": t.get("kind"), "confidence": t["confidence"],
            "page": t["source"]["page"], "text": t["text"],
        })  # fmt: skip
    for i, e in enumerate(r["events"]):
        out["events"].append({
            "event_id": f"{doc_id}:event:{i}", "doc_id": doc_id, "name": e["name"], "kind": e.get("kind"),
            "date_start": e.get("date_start"), "date_end": e.get("date_end"), "period_text": e.get("period_text"),
            "organizers": "; ".join(e.get("organizers", [])), "location": e.get("location"),
            "confidence": e["confidence"], "page": e["source"]["page"], "text": e["text"],
        })  # fmt: skip
    for i, b in enumerate(r["responsible_bodies"]):
        body_id = f"{doc_id}:body:{i}"
        out["bodies"].append({
            "body_id": body_id, "doc_id": doc_id, "name": b["name"], "canonical_name": b["canonical_name"],
            "role": b["role"], "deadline": b.get("deadline"), "confidence": b["confidence"],
            "page": b["source"]["page"],
        })  # fmt: skip
        for j, task in enumerate(b["tasks"]):
            out["tasks"].append({"task_id": f"{body_id}:task:{j}", "body_id": body_id, "doc_id": doc_id,
                                 "text": task["text"], "page": task["source"]["page"]})  # fmt: skip
    for n, table in enumerate(r["quota_tables"]):
        for i, row in enumerate(table["rows"]):
            out["quota_rows"].append({
                "row_id": f"{doc_id}:quota:{n}:{i}", "doc_id": doc_id, "table_no": n, "table_title": table.get("title"),
                "no": row.get("no"), "group": row.get("group"), "unit": row["unit"], "quota": row["quota"],
                "months": ", ".join(str(m) for m in row.get("months", [])), "page": row["source"]["page"],
                "confidence": row.get("confidence"),
            })  # fmt: skip
    for i, c in enumerate(r["corrections"]):
        out["corrections"].append({"correction_id": f"{doc_id}:fix:{i}", "doc_id": doc_id, **c})
    return out


def load_results(folder: str | Path) -> dict[str, pd.DataFrame]:
    """Every vnplan result in a folder as flat tables (other JSON files, such as the batch manifest, are skipped)."""
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
    for path in sorted(Path(folder).glob("*.json")):
        try:
            result = json.loads(path.read_text("utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        if not isinstance(result, dict) or "schema_version" not in result or schema_errors(result):
            continue
        for table, items in _rows(path.stem, result).items():
            rows[table].extend(items)
    return {t: _frame(t, rows[t]) for t in TABLES}


def export(frames: dict[str, pd.DataFrame], fmt: str, target: Path) -> list[Path]:
    """Write the tables: a folder of CSV/JSONL/Parquet files, or one SQLite database. Returns what was written."""
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

"""Exports: flat tables with stable keys; one doc_id per document whichever command read it; SQLite keys, indexes
and foreign keys; dates as dates; warnings as a table; CSV cells a spreadsheet cannot run; the umask's modes."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline import load_results
from pipeline.tools.cli import app
from pipeline.tools.export import COLUMNS, TABLES, export
from pipeline.tools.results import doc_id, load_plan

from .conftest import SAMPLES

runner = CliRunner()
LAO_CAI, THAI_NGUYEN = "000_475196faf128e58a", "001_3e86aff22814d78e.layer"


def ids(results: Path) -> dict[str, str]:
    """Each result file's document id, read from the result itself."""
    return {name: load_plan(results / f"{name}.json").source.sha256[:16] for name in (LAO_CAI, THAI_NGUYEN)}


def test_load_results_tables_and_keys(results: Path) -> None:
    frames = load_results(results)
    assert set(frames) == set(TABLES)
    docs = frames["documents"]
    assert list(docs["doc_id"]) == [ids(results)[LAO_CAI], ids(results)[THAI_NGUYEN]]
    assert list(docs["result"]) == [f"{LAO_CAI}.json", f"{THAI_NGUYEN}.json"]
    assert frames["targets"]["target_id"].is_unique and frames["tasks"]["task_id"].is_unique
    rows = frames["quota_rows"]
    assert len(rows) == 29 and rows["quota"].sum() == 24500
    assert rows.iloc[0][["no", "unit", "months"]].tolist() == [1, "Đại học Sư phạm", "1, 5, 11"]
    assert docs.iloc[0]["date"] == dt.date(2021, 1, 29)  # a date, not text


def test_sqlite_round_trip_holds_every_item(results: Path, tmp_path: Path) -> None:
    db = tmp_path / "plans.sqlite"
    export(load_results(results), "sqlite", db)
    con = sqlite3.connect(db)
    for name, did in ids(results).items():
        result = json.loads((results / f"{name}.json").read_text("utf-8"))

        def count(table: str, doc: str = did) -> int:
            return int(con.execute(f"select count(*) from {table} where doc_id = ?", (doc,)).fetchone()[0])

        assert count("targets") == len(result["targets"])
        assert count("events") == len(result["events"])
        assert count("bodies") == len(result["responsible_bodies"])
        assert count("tasks") == sum(len(b["tasks"]) for b in result["responsible_bodies"])
        assert count("quota_rows") == sum(len(t["rows"]) for t in result["quota_tables"])
        assert count("corrections") == len(result["corrections"])
        assert count("warnings") == len(result["warnings"])
        values = [r[0] for r in con.execute("select value from targets where doc_id = ? order by rowid", (did,))]
        assert values == [t["value"] for t in result["targets"]]
    query = "select number, date from documents where doc_id = ?"
    number, date = con.execute(query, (ids(results)[LAO_CAI],)).fetchone()
    assert (number, date) == ("33/KH-BCĐ", "2021-01-29")


def test_sqlite_tables_have_keys_indexes_and_foreign_keys(results: Path, tmp_path: Path) -> None:
    db = tmp_path / "plans.sqlite"
    export(load_results(results), "sqlite", db)
    con = sqlite3.connect(db)
    for table in TABLES:
        info = {row[1]: row for row in con.execute(f'PRAGMA table_info("{table}")')}
        key = next(iter(COLUMNS[table]))
        assert info[key][5] == 1 and info[key][3] == 1, table  # the primary key, NOT NULL
        if table != "documents":
            fks = {(row[3], row[2], row[4]) for row in con.execute(f'PRAGMA foreign_key_list("{table}")')}
            assert ("doc_id", "documents", "doc_id") in fks, table
            indexed = {row[1] for row in con.execute(f'PRAGMA index_list("{table}")')}
            assert f"{table}_doc_id" in indexed, table
    assert ("body_id", "bodies", "body_id") in {
        (r[3], r[2], r[4]) for r in con.execute('PRAGMA foreign_key_list("tasks")')
    }
    assert info_type(con, "documents", "date") == "DATE" and info_type(con, "targets", "value") == "REAL"
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    con.execute("PRAGMA foreign_keys = ON")
    with pytest.raises(sqlite3.IntegrityError):
        con.execute("insert into targets (target_id, doc_id) values ('x:target:0', 'no such document')")


def info_type(con: sqlite3.Connection, table: str, column: str) -> str:
    return next(str(row[2]) for row in con.execute(f'PRAGMA table_info("{table}")') if row[1] == column)


def test_one_doc_id_from_extract_and_batch_and_audit_joins_on_it(tmp_path: Path) -> None:
    src = tmp_path / "in" / "2021"
    src.mkdir(parents=True)
    shutil.copy(SAMPLES / "000_475196faf128e58a.txt", src / "lao-cai.txt")
    assert runner.invoke(app, ["extract", str(src / "lao-cai.txt"), "-o", str(tmp_path / "a"), "-q"]).exit_code == 0
    assert runner.invoke(app, ["batch", str(tmp_path / "in"), "-o", str(tmp_path / "b"), "-q"]).exit_code == 0
    one = load_results(tmp_path / "a")["documents"]
    two = load_results(tmp_path / "b")["documents"]
    assert list(one["result"]) == ["lao-cai.json"] and list(two["result"]) == ["2021__lao-cai.json"]
    assert list(one["doc_id"]) == list(two["doc_id"]) == [doc_id(load_plan(tmp_path / "a" / "lao-cai.json"))]
    audit = runner.invoke(app, ["audit", str(tmp_path / "b"), "-f", "csv"])
    (row,) = list(csv.DictReader(audit.stdout.splitlines()))
    assert row["doc_id"] == one["doc_id"][0]


def test_a_document_found_twice_is_exported_once(results: Path) -> None:
    shutil.copy(results / f"{LAO_CAI}.json", results / "copy-of-lao-cai.json")
    (results / "notes.json").write_text('{"not": "a result"}')
    res = runner.invoke(app, ["export", str(results), "-f", "csv", "-o", str(results / "out")])
    assert res.exit_code == 0
    assert len(pd.read_csv(results / "out" / "documents.csv")) == 2
    notes = [line for line in res.stderr.splitlines() if line.startswith("note:")]
    assert len(notes) == 2
    assert notes[0].startswith("note: skipped 1 file(s) that are not vnplan results (notes.json: is not a vnplan")
    assert notes[1] == f"note: left out 1 result(s) of a document already read (copy-of-lao-cai.json is {LAO_CAI}.json)"


def test_warnings_and_ocr_pages_are_in_the_tables(results: Path) -> None:
    path = results / f"{LAO_CAI}.json"
    result = json.loads(path.read_text("utf-8"))
    result["warnings"] = [{"code": "number_missing", "message": "the number could not be read", "page": 1}]
    result["source"]["ocr_pages"] = [1, 3]
    path.write_text(json.dumps(result, ensure_ascii=False), "utf-8")
    frames = load_results(results)
    did = ids(results)[LAO_CAI]
    warnings = frames["warnings"]
    assert warnings.to_dict("records") == [{"warning_id": f"{did}:warning:0", "doc_id": did, "code": "number_missing",
                                            "message": "the number could not be read", "page": 1}]  # fmt: skip
    assert frames["documents"].set_index("doc_id").loc[did, "ocr_pages"] == "1, 3"  # as the JSON's list, one cell


def test_csv_cells_cannot_run_as_formulas(results: Path, tmp_path: Path) -> None:
    path = results / f"{LAO_CAI}.json"
    result = json.loads(path.read_text("utf-8"))
    result["targets"][0]["subject"] = '=HYPERLINK("http://evil.example","click")'
    result["targets"][0]["metric"] = "+1+cmd|' /C calc'!A0"
    result["targets"][0]["unit"] = "@SUM(1)"
    result["targets"][0]["value"] = -5
    result["responsible_bodies"][0]["tasks"][0]["text"] = "- Sở Y tế chủ trì"
    path.write_text(json.dumps(result, ensure_ascii=False), "utf-8")
    export(load_results(results), "csv", tmp_path / "csv")
    with (tmp_path / "csv" / "targets.csv").open(encoding="utf-8") as f:
        first = next(csv.DictReader(f))
    assert first["subject"] == '\'=HYPERLINK("http://evil.example","click")'
    assert first["metric"] == "'+1+cmd|' /C calc'!A0" and first["unit"] == "'@SUM(1)"
    assert first["value"] == "-5.0"  # a number stays a number
    with (tmp_path / "csv" / "tasks.csv").open(encoding="utf-8") as f:
        assert next(csv.DictReader(f))["text"] == "'- Sở Y tế chủ trì"
    for path in (tmp_path / "csv").glob("*.csv"):  # no cell of any table starts like a formula
        for row in csv.reader(path.open(encoding="utf-8")):
            assert not any(cell[:1] in ("=", "+", "@", "\t", "\r") for cell in row), path.name


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_folder_formats(fmt: str, results: Path, tmp_path: Path) -> None:
    res = runner.invoke(app, ["export", str(results), "-f", fmt, "-o", str(tmp_path / fmt)])
    assert res.exit_code == 0
    path = tmp_path / fmt / f"targets.{fmt}"
    frame = {"csv": pd.read_csv, "parquet": pd.read_parquet}.get(fmt, lambda p: pd.read_json(p, lines=True))(path)
    assert len(frame) == len(load_results(results)["targets"])
    assert not list((tmp_path / fmt).glob(".*.tmp"))


def test_dates_are_dates_where_the_format_has_them(results: Path, tmp_path: Path) -> None:
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    export(load_results(results), "parquet", tmp_path / "pq")
    assert str(pq.read_schema(tmp_path / "pq" / "documents.parquet").field("date").type) == "date32[day]"
    export(load_results(results), "jsonl", tmp_path / "jl")
    first = json.loads((tmp_path / "jl" / "documents.jsonl").read_text("utf-8").splitlines()[0])
    assert first["date"] == "2021-01-29"  # JSON has no dates: ISO text, no time of day


def test_exports_respect_the_umask(results: Path, tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        export(load_results(results), "sqlite", tmp_path / "db" / "plans.sqlite")
        export(load_results(results), "csv", tmp_path / "csv")
    finally:
        os.umask(old)
    for path in [tmp_path / "db" / "plans.sqlite", *(tmp_path / "csv").iterdir()]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path
    assert stat.S_IMODE((tmp_path / "csv").stat().st_mode) == 0o755


def test_export_of_a_folder_without_results(tmp_path: Path) -> None:
    res = runner.invoke(app, ["export", str(tmp_path)])
    assert res.exit_code == 2 and "no vnplan results" in res.stderr

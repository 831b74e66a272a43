"""Exports: flat tables with stable keys; the SQLite tables hold every item of the JSON."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline import load_results
from pipeline.tools.cli import app
from pipeline.tools.export import TABLES, export

runner = CliRunner()


def test_load_results_tables_and_keys(results: Path) -> None:
    frames = load_results(results)
    assert set(frames) == set(TABLES)
    assert list(frames["documents"]["doc_id"]) == ["000_475196faf128e58a", "001_3e86aff22814d78e.layer"]
    assert frames["targets"]["target_id"].is_unique and frames["tasks"]["task_id"].is_unique
    rows = frames["quota_rows"]
    assert len(rows) == 29 and rows["quota"].sum() == 24500
    assert rows.iloc[0][["no", "unit", "months"]].tolist() == [1, "Đại học Sư phạm", "1, 5, 11"]


def test_sqlite_round_trip_holds_every_item(results: Path, tmp_path: Path) -> None:
    db = tmp_path / "plans.sqlite"
    export(load_results(results), "sqlite", db)
    con = sqlite3.connect(db)
    for name in ("000_475196faf128e58a", "001_3e86aff22814d78e.layer"):
        result = json.loads((results / f"{name}.json").read_text("utf-8"))

        def count(table: str, doc: str = name) -> int:
            return int(con.execute(f"select count(*) from {table} where doc_id = ?", (doc,)).fetchone()[0])

        assert count("targets") == len(result["targets"])
        assert count("events") == len(result["events"])
        assert count("bodies") == len(result["responsible_bodies"])
        assert count("tasks") == sum(len(b["tasks"]) for b in result["responsible_bodies"])
        assert count("quota_rows") == sum(len(t["rows"]) for t in result["quota_tables"])
        assert count("corrections") == len(result["corrections"])
        values = [r[0] for r in con.execute("select value from targets where doc_id = ? order by rowid", (name,))]
        assert values == [t["value"] for t in result["targets"]]
    (number,) = con.execute("select number from documents where doc_id = '000_475196faf128e58a'").fetchone()
    assert number == "33/KH-BCĐ"


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_folder_formats(fmt: str, results: Path, tmp_path: Path) -> None:
    res = runner.invoke(app, ["export", str(results), "-f", fmt, "-o", str(tmp_path / fmt)])
    assert res.exit_code == 0
    path = tmp_path / fmt / f"targets.{fmt}"
    frame = {"csv": pd.read_csv, "parquet": pd.read_parquet}.get(fmt, lambda p: pd.read_json(p, lines=True))(path)
    assert len(frame) == len(load_results(results)["targets"])
    assert not list((tmp_path / fmt).glob(".*.tmp"))


def test_export_of_a_folder_without_results(tmp_path: Path) -> None:
    res = runner.invoke(app, ["export", str(tmp_path)])
    assert res.exit_code == 2 and "no vnplan results" in res.stderr

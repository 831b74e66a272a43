"""vnplan export --to postgresql://: a real server on loopback; the round trip, idempotence and replacement."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from pipeline import load_results
from pipeline.tools.cli import app
from pipeline.tools.export import TABLES
from pipeline.tools.export_postgres import DatabaseError, engine_url, export_postgres, redact, scrub
from pipeline.tools.results import doc_id, load_plan

from .hostile import SECRET, SECRET_URLS
from .postgres import postgres_url  # noqa: F401  # the fixture

runner = CliRunner()
FILES = ("000_475196faf128e58a", "001_3e86aff22814d78e.layer")


@pytest.fixture
def docs(results: Path) -> dict[str, str]:
    """Each result file's document id (the tables' doc_id), read from the result."""
    return {name: doc_id(load_plan(results / f"{name}.json")) for name in FILES}


@pytest.fixture
def db(postgres_url: str) -> Any:  # noqa: F811
    """A clean database for each test: the tables dropped before and the engine disposed after."""
    engine = sa.create_engine(engine_url(postgres_url))
    with engine.begin() as conn:
        for name in TABLES:
            conn.execute(sa.text(f'DROP TABLE IF EXISTS "{name}"'))
    yield engine
    engine.dispose()


def count(engine: Any, table: str, doc: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text(f"SELECT count(*) FROM {table} WHERE doc_id = :d"), {"d": doc}).scalar_one())


def versions(engine: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every row with its xmin (the transaction that last wrote it): equal only if nothing was rewritten."""
    with engine.connect() as conn:
        return {t: sorted(map(tuple, conn.execute(sa.text(f"SELECT xmin::text, * FROM {t}")))) for t in TABLES}


def test_round_trip_holds_every_item(results: Path, db: Any, postgres_url: str, docs: dict[str, str]) -> None:  # noqa: F811
    report = export_postgres(load_results(results), postgres_url)
    assert report.documents == 2
    for file, name in docs.items():
        result = json.loads((results / f"{file}.json").read_text("utf-8"))
        assert count(db, "targets", name) == len(result["targets"])
        assert count(db, "events", name) == len(result["events"])
        assert count(db, "bodies", name) == len(result["responsible_bodies"])
        assert count(db, "tasks", name) == sum(len(b["tasks"]) for b in result["responsible_bodies"])
        assert count(db, "quota_rows", name) == sum(len(t["rows"]) for t in result["quota_tables"])
        assert count(db, "corrections", name) == len(result["corrections"])
        with db.connect() as conn:
            values = conn.execute(
                sa.text("SELECT value FROM targets WHERE doc_id = :d ORDER BY split_part(target_id, ':', 3)::int"),
                {"d": name},
            ).scalars()
            assert list(values) == [t["value"] for t in result["targets"]]
            number, title = conn.execute(
                sa.text("SELECT number, title FROM documents WHERE doc_id = :d"), {"d": name}
            ).one()
        assert (number, title) == (result["document"]["number"], result["document"]["title"])
    with db.connect() as conn:
        quota = conn.execute(sa.text("SELECT sum(quota) FROM quota_rows WHERE doc_id = :d"), {"d": docs[FILES[1]]})
        assert quota.scalar_one() == 24500


def test_exporting_twice_changes_nothing(results: Path, db: Any, postgres_url: str) -> None:  # noqa: F811
    frames = load_results(results)
    export_postgres(frames, postgres_url)
    before = versions(db)
    again = export_postgres(frames, postgres_url)
    assert sum(again.written.values()) == 0 and sum(again.deleted.values()) == 0
    assert versions(db) == before


def test_a_re_extracted_document_replaces_its_rows(
    results: Path,
    db: Any,
    postgres_url: str,  # noqa: F811
    docs: dict[str, str],
) -> None:
    export_postgres(load_results(results), postgres_url)
    other_before = {t: versions(db)[t] for t in ("targets",)}
    first_id, second_id = docs[FILES[0]], docs[FILES[1]]
    path = results / f"{FILES[0]}.json"
    result = json.loads(path.read_text("utf-8"))
    n = len(result["targets"])
    result["targets"][0]["value"] = 7000
    del result["targets"][-1]
    path.write_text(json.dumps(result, ensure_ascii=False), "utf-8")

    report = export_postgres(load_results(results), postgres_url)
    assert report.written["targets"] == 1 and report.deleted["targets"] == 1
    assert count(db, "targets", first_id) == n - 1
    with db.connect() as conn:
        first = conn.execute(sa.text("SELECT value FROM targets WHERE target_id = :k"), {"k": f"{first_id}:target:0"})
        assert first.scalar_one() == 7000
    untouched = [row for row in other_before["targets"] if row[2] == second_id]
    assert [row for row in versions(db)["targets"] if row[2] == second_id] == untouched


def test_cli_export_to_postgres(results: Path, db: Any, postgres_url: str, docs: dict[str, str]) -> None:  # noqa: F811
    done = runner.invoke(app, ["export", str(results), "--to", postgres_url + "?password=hunter2secret"])
    assert done.exit_code == 0, done.output
    assert "targets:" in done.stdout and "rows written" in done.stdout
    assert count(db, "documents", docs[FILES[0]]) == 1
    assert done.stderr.strip() == f"ok 2 documents -> {postgres_url}?password=***"  # the success line hides it too


def test_foreign_tables_of_the_same_name_are_refused(results: Path, db: Any, postgres_url: str) -> None:  # noqa: F811
    with db.begin() as conn:
        conn.execute(sa.text("CREATE TABLE targets (id int primary key, what text)"))
    with pytest.raises(DatabaseError, match="table 'targets' exists with other columns or types"):
        export_postgres(load_results(results), postgres_url)


def test_unreachable_server_is_a_clear_error(results: Path) -> None:
    with pytest.raises(DatabaseError, match=r"PostgreSQL at postgresql://u:\*\*\*@127.0.0.1:9/x"):
        export_postgres(load_results(results), "postgresql://u:secret@127.0.0.1:9/x")
    done = runner.invoke(app, ["export", str(results), "--to", "mysql://u@h/x"])
    assert done.exit_code == 3 and "not a PostgreSQL URL: mysql://u@h/x" in done.output


def test_urls() -> None:
    assert engine_url("postgresql://u@h:5/d") == "postgresql+psycopg://u@h:5/d"
    assert engine_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert redact("postgresql://me:pw@host:5432/db") == "postgresql://me:***@host:5432/db"
    assert redact("postgresql://me@host/db") == "postgresql://me@host/db"


@pytest.mark.parametrize("url", SECRET_URLS)
def test_a_password_is_never_printed(url: str, results: Path) -> None:
    done = runner.invoke(app, ["export", str(results), "--to", url])
    assert done.exit_code == 3 and done.output.startswith("error [database] PostgreSQL at ")
    assert "Traceback" not in done.output
    for piece in (SECRET, "hunter2", "ter2/secret", "secret@"):
        assert piece not in done.output, done.output
    assert "hunter2" not in redact(url) and scrub(f"could not connect: {url}", url).count("hunter2") == 0

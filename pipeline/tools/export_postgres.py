"""Export to PostgreSQL: the export tables (see export.py), upserted on their stable keys, one document at a time.

- Tables are created when missing, with the documented columns and a primary key on each table's stable key.
- Each document is written in one transaction: its rows are inserted or updated, and its rows that a new extraction
  no longer has are deleted, so a reader sees the old version or the new one, never a mix.
- A row whose values did not change is not written at all (`IS DISTINCT FROM`), so exporting the same results twice
  changes nothing, not even the rows' versions.
- Documents absent from the results folder are left alone: an export adds and replaces, it never prunes.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import pandas as pd

from pipeline.errors import DatabaseError
from pipeline.tools.export import COLUMNS, TABLES, key_of


@dataclass
class PgReport:
    """How many rows each table had written (inserted or changed) and deleted."""

    written: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))
    deleted: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))
    documents: int = 0


def engine_url(url: str) -> str:
    """`postgresql://…` with the psycopg 3 driver (SQLAlchemy's default for a bare URL is psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    if url.startswith("postgresql+"):
        return url
    raise DatabaseError(f"not a PostgreSQL URL: {redact(url)} (expected postgresql://USER@HOST:PORT/DB)")


_SECRET_PARAM = re.compile(r"(?i)((?:^|[?&;])\s*(?:password|passwd|pwd|pass|sslpassword|sslkey)\s*=)[^&;#]*")


def redact(url: str) -> str:
    """The URL without its secrets, for messages: the password of `USER:PASSWORD@`, and any `password=` (or
    `sslpassword=`…) parameter. A URL too malformed to tell where its password ends loses everything between `//`
    and its last `@`, never a character of the password."""
    url = _SECRET_PARAM.sub(r"\1***", url)
    scheme, slashes, rest = url.partition("//")
    if not slashes or "@" not in rest:
        return url
    creds, _, host = rest.rpartition("@")  # a password may hold an unescaped `@`: the host follows the last one
    user = creds.split(":", 1)[0] if "/" not in creds.split(":", 1)[0] else "…"
    return f"{scheme}//{user}:***@{host}" if ":" in creds or user == "…" else url


def _secrets(url: str) -> list[str]:
    """The secret strings a URL holds (its password, in the form given and decoded), to scrub from messages."""
    found = [m.group(0).split("=", 1)[1] for m in _SECRET_PARAM.finditer(url)]
    creds = url.partition("//")[2].rpartition("@")[0]
    if ":" in creds:
        found.append(creds.split(":", 1)[1])
    return [x for s in found if s for x in {s, unquote(s)} if len(x) >= 3]


def scrub(message: str, url: str) -> str:
    """A message from the driver or SQLAlchemy, without the URL's secrets (some echo the URL they were given)."""
    for secret in sorted(_secrets(url), key=len, reverse=True):
        message = message.replace(secret, "***")
    return message


def _plain(value: Any) -> Any:
    """A pandas cell as a value the driver takes: <NA>/NaN as NULL, numpy scalars as Python ones."""
    if value is None or value is pd.NA:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def export_postgres(frames: dict[str, pd.DataFrame], url: str) -> PgReport:
    """Upsert every document of `frames` (as load_results gives them) into the database at `url`."""
    try:
        import sqlalchemy as sa
    except ImportError as e:
        raise DatabaseError("--to postgresql:// needs SQLAlchemy and psycopg: pip install 'vnplan[postgres]'") from e

    meta = sa.MetaData()
    tables = {name: _table(sa, meta, name) for name in TABLES}
    report = PgReport()
    try:
        engine = sa.create_engine(engine_url(url))
        with engine.begin() as conn:
            meta.create_all(conn)
            _check_columns(conn, sa.inspect(conn))
        by_doc = {name: dict(tuple(frame.groupby("doc_id", sort=False))) for name, frame in frames.items()}
        for doc_id in frames["documents"]["doc_id"]:
            with engine.begin() as conn:  # one document, one transaction
                for name in TABLES:
                    _upsert(sa, conn, tables[name], name, _records(by_doc[name].get(doc_id, frames[name].iloc[:0])),
                            doc_id, report)  # fmt: skip
            report.documents += 1
        engine.dispose()
    except (sa.exc.SQLAlchemyError, ValueError, TypeError) as e:  # a malformed URL is a ValueError of its parser
        reason = str(getattr(e, "orig", None) or e).strip().splitlines()
        raise DatabaseError(
            f"PostgreSQL at {redact(url)}: {scrub(reason[0] if reason else type(e).__name__, url)}"
        ) from None
    return report


def _upsert(
    sa: Any, conn: Any, table: Any, name: str, rows: list[dict[str, Any]], doc_id: str, report: PgReport
) -> None:
    """One document's rows of one table: inserted, or updated where they changed; rows it no longer has deleted."""
    from sqlalchemy.dialects.postgresql import insert

    key = key_of(name)
    if rows:
        stmt = insert(table).values(rows)
        changed = [table.c[c].is_distinct_from(stmt.excluded[c]) for c in COLUMNS[name] if c != key]
        stmt = stmt.on_conflict_do_update(
            index_elements=[key], set_={c: stmt.excluded[c] for c in COLUMNS[name] if c != key}, where=sa.or_(*changed)
        )
        report.written[name] += len(conn.execute(stmt.returning(table.c[key])).all())
    if name != "documents":
        gone = table.delete().where(table.c.doc_id == doc_id, table.c[key].not_in([r[key] for r in rows]))
        report.deleted[name] += conn.execute(gone).rowcount


def _table(sa: Any, meta: Any, name: str) -> Any:
    types = {"text": sa.Text, "int": sa.BigInteger, "float": sa.Float, "date": sa.Date}
    columns = [
        sa.Column(col, types[kind](), primary_key=col == key_of(name), index=col == "doc_id" and name != "documents")
        for col, kind in COLUMNS[name].items()
    ]
    return sa.Table(name, meta, *columns)


_PYTHON = {"text": str, "int": int, "float": float, "date": dt.date}


def _python_type(column: dict[str, Any]) -> Any:
    try:
        return column["type"].python_type
    except NotImplementedError:
        return None


def _check_columns(conn: Any, inspector: Any) -> None:
    """Refuse to write into tables of the same names made by something else (or by another vnplan schema)."""
    for name in TABLES:
        have = {c["name"]: _python_type(c) for c in inspector.get_columns(name)}
        want = {c: _PYTHON[k] for c, k in COLUMNS[name].items()}
        if have != want:
            differ = sorted(set(have) ^ set(want)) or sorted(c for c in want if have[c] != want[c])
            raise DatabaseError(
                f"table {name!r} exists with other columns or types ({', '.join(differ)} differ); "
                "export into another database or schema, or drop the tables of an older vnplan"
            )

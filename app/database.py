"""Engine set-up per backend and the unit of work that every use case runs in.

SQLite: WAL, foreign keys on, and write transactions that start with ``BEGIN IMMEDIATE`` so
that two writers queue on the busy timeout instead of one failing on a stale snapshot.
PostgreSQL: plain read-committed transactions; the optimistic lock on the unit row decides
races.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from operator import itemgetter
from typing import Any

import psycopg
from flask import current_app, g
from psycopg.rows import namedtuple_row
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Unit


def configure_engine(engine: Engine) -> None:
    """Install the SQLite pragmas and transaction handling; nothing for other backends."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """Run one use case: yield the session for writing, commit at the end, roll back on error.

    The session is the request's (or job's) scoped session; the caller never commits. Work
    running under ``fenced`` checks its fences in the same transaction, just before the commit.
    """
    session = db.session()
    if "locked_units" in session.info:
        # Entered inside another: rolling back here would discard the outer writes, and
        # committing would commit them half done. A use case that needs another's writes
        # calls its in-transaction function (one that takes the session) instead.
        raise NestedUnitOfWork("a unit of work is already open in this session")
    if session.in_transaction():
        # A read earlier in the request opened a deferred transaction: end it so the write
        # transaction starts fresh (and, on SQLite, takes the write lock up front).
        session.rollback()
    session.info["locked_units"] = set()
    try:
        session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
        yield session
        for check in g.get("write_fences", ()):
            check(session)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info.pop("locked_units", None)


class NestedUnitOfWork(RuntimeError):
    """A unit of work entered while another is open in the same session: a programming
    error, refused before anything is discarded."""


@contextmanager
def fenced(check: Callable[[Session], None]) -> Iterator[None]:
    """Every unit of work inside (in this app context) runs ``check`` before it commits.

    ``check`` raises to refuse the commit: the scheduler's jobs use it so that a process that
    lost its lease while it worked writes nothing (``app.services.lease.Fence``).
    """
    fences: list[Callable[[Session], None]] = g.setdefault("write_fences", [])
    fences.append(check)
    try:
        yield
    finally:
        fences.remove(check)


def lock_unit_row(session: Session, unit_id: int) -> None:
    """Serialise writers of one unit: ``SELECT ... FOR UPDATE`` once per transaction.

    SQLite needs nothing: ``BEGIN IMMEDIATE`` already holds the database's write lock.
    """
    locked: set[int] = session.info.setdefault("locked_units", set())
    if unit_id in locked:
        return
    if session.get_bind().dialect.name != "sqlite":
        session.get(Unit, unit_id, with_for_update=True, populate_existing=True)
    locked.add(unit_id)


_COMPILED: dict[str, Any] = {}


def read_only(statement: Any, params: dict[str, Any], key: str | None = None) -> list[Any]:
    """Rows of one read-only statement, for the public lookup (attribute access by column).

    On PostgreSQL it runs straight on a pooled psycopg connection in autocommit mode, without
    a pre-ping: one round trip instead of four (ping, BEGIN, query, ROLLBACK), a server-side
    prepared statement, and none of the ORM's per-call bookkeeping; a single statement sees one
    snapshot anyway. ``key`` names a constant statement so that it is compiled once per
    process. A connection the server dropped is retried once on a fresh one. SQLite (the
    embedded default) reads through the request's session.
    """
    if db.engine.dialect.name == "sqlite":
        return list(db.session.execute(statement, params).all())
    engine = _read_only_engine()
    compiled = _COMPILED.get(key) if key else None
    if compiled is None:
        compiled = statement.compile(dialect=engine.dialect)
        if key:
            _COMPILED[key] = compiled
    sql, values = str(compiled), compiled.construct_params(params)
    for attempt in (1, 2):
        conn = engine.raw_connection()
        try:
            cursor: Any = conn.driver_connection.cursor(row_factory=namedtuple_row)  # type: ignore[union-attr]
            with cursor:
                cursor.execute(sql, values, prepare=key is not None)
                return list(cursor.fetchall())
        except psycopg.OperationalError:
            conn.invalidate()  # the server dropped it: never hand it out again
            if attempt == 2:
                raise
        finally:
            conn.close()  # back to the pool (a no-op after invalidate)
    raise AssertionError("unreachable")


def _read_only_engine() -> Engine:
    engine: Engine | None = current_app.extensions.get("read_only_engine")
    if engine is None:
        options = {k: v for k, v in current_app.config["SQLALCHEMY_ENGINE_OPTIONS"].items()
                   if k != "pool_pre_ping"}
        engine = create_engine(current_app.config["SQLALCHEMY_DATABASE_URI"], **options,
                               isolation_level="AUTOCOMMIT", pool_reset_on_return=None)
        current_app.extensions["read_only_engine"] = engine
    return engine


def dispose_engines() -> None:
    """Close every pooled connection of the app (its engine and the read-only one)."""
    db.engine.dispose()
    extra = current_app.extensions.pop("read_only_engine", None)
    if extra is not None:
        extra.dispose()


def bulk_insert(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (all with the same keys) into ``table`` in the session's transaction,
    set-based: PostgreSQL's COPY (one stream, no per-row statement), elsewhere one
    executemany. JSON columns take Python values."""
    if not rows:
        return
    dialect = session.get_bind().dialect
    columns = list(rows[0])
    raw: Any = session.connection().connection.driver_connection
    if dialect.name != "postgresql":  # the driver's executemany, values bound as the types bind
        take = itemgetter(*columns)  # a row's values in column order, as one tuple
        bound = [(i, b) for i, b in enumerate(table.c[c].type.bind_processor(dialect)
                                               for c in columns) if b is not None]
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)

        def values(row: dict[str, Any]) -> Any:
            taken = take(row)
            if len(columns) == 1:
                taken = (taken,)
            if not bound:
                return taken
            out = list(taken)  # only the columns whose type binds (dates, JSON) pass a function
            for i, bind in bound:
                out[i] = bind(out[i])
            return out

        raw.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})',
                        map(values, rows))
        return
    json_columns = {c.name for c in table.columns if c.type.__class__.__name__ == "JSON"}
    names = ", ".join(f'"{c}"' for c in columns)
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') \
            as copy:
        for row in rows:
            copy.write_row([_json(row[c]) if c in json_columns and row[c] is not None
                            else row[c] for c in columns])


def reserve_ids(session: Session, table: Any, count: int) -> list[int]:
    """``count`` new primary keys of ``table`` for rows this transaction will insert with
    them, so that a bulk insert needs no read-back of its ids. PostgreSQL: drawn from the
    column's sequence in one statement. SQLite: the next ones after the highest, which is safe
    because a unit of work holds the database's write lock (``BEGIN IMMEDIATE``) until it
    commits."""
    if count <= 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return list(session.execute(text(
            "SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
            {"t": table.name, "n": count}).scalars())
    highest = int(session.execute(
        text(f'SELECT coalesce(max(id), 0) FROM "{table.name}"')).scalar_one())
    return list(range(highest + 1, highest + 1 + count))


def _json(value: Any) -> str:
    """A JSON column's text as the engine writes it (Chinese kept readable)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

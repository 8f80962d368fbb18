"""Engine set-up per backend and the unit of work that every use case runs in.

SQLite: WAL, foreign keys on, and write transactions that start with ``BEGIN IMMEDIATE`` so
that two writers queue on the busy timeout instead of one failing on a stale snapshot.
PostgreSQL: plain read-committed transactions; the optimistic lock on the unit row decides
races.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.extensions import db


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

    The session is the request's (or job's) scoped session; the caller never commits.
    """
    session = db.session()
    if session.in_transaction():
        # A read earlier in the request opened a deferred transaction: end it so the write
        # transaction starts fresh (and, on SQLite, takes the write lock up front).
        session.rollback()
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
    session.info["locked_units"] = set()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info.pop("locked_units", None)


def lock_unit_row(session: Session, unit_id: int) -> None:
    """Serialise writers of one unit: ``SELECT ... FOR UPDATE`` once per transaction.

    SQLite needs nothing: ``BEGIN IMMEDIATE`` already holds the database's write lock.
    """
    locked: set[int] = session.info.setdefault("locked_units", set())
    if unit_id in locked:
        return
    if session.get_bind().dialect.name != "sqlite":
        from app.models import Unit

        session.get(Unit, unit_id, with_for_update=True, populate_existing=True)
    locked.add(unit_id)

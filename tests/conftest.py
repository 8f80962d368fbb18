"""Fixtures: an app on a real database whose schema the migrations built.

SQLite by default (a fresh copy of a migrated template file per test); PostgreSQL when
``TEST_DATABASE_URL`` is set (migrated once per run, tables truncated before each test).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import create_engine, text

from app import create_app
from app.config import normalise_database_url
from app.database import dispose_engines
from app.extensions import db

PG_URL = os.environ.get("TEST_DATABASE_URL")
# The test run is one deployment: the apps of the fixtures and the processes tests start share
# one secret key and one audit key, as every process of a scaled-out deployment must (with
# PostgreSQL a process refuses to start without them).
os.environ.setdefault("CREDITFLOW_SECRET_KEY", "test-run-secret-key-0123456789abcdef")
os.environ.setdefault("CREDITFLOW_AUDIT_KEY", "test-run-audit-key-0123456789abcdef")
# and the deploying authority's own code (PostgreSQL refuses the shipped placeholder).
os.environ.setdefault("CREDITFLOW_AUTHORITY_USCC", "11120110MB0000001P")


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app({"DATABASE_URL": url, "TESTING": True})
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The migrated database: a template file (SQLite) or the PostgreSQL test database."""
    if PG_URL:
        engine = create_engine(normalise_database_url(PG_URL))
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        _migrate(PG_URL)
        return PG_URL
    path = tmp_path_factory.mktemp("template") / "template.db"
    _migrate(f"sqlite:///{path}")
    return str(path)


def _truncate_all(url: str) -> None:
    engine = create_engine(normalise_database_url(url))
    tables = ", ".join(t.name for t in db.metadata.sorted_tables)
    with engine.begin() as conn:
        # The audit trail refuses TRUNCATE; the test harness empties it as a replica would.
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def database_url(template_db: str, tmp_path) -> str:  # type: ignore[no-untyped-def]
    """A fresh, migrated, empty database for one test."""
    if PG_URL:
        _truncate_all(template_db)
        return template_db
    path = tmp_path / "creditflow.db"
    shutil.copyfile(template_db, path)
    return f"sqlite:///{path}"


@pytest.fixture
def app(database_url: str, tmp_path) -> Iterator[Flask]:  # type: ignore[no-untyped-def]
    app = create_app({"DATABASE_URL": database_url, "TESTING": True,
                      "UPLOAD_DIR": str(tmp_path / "uploads")})
    if PG_URL:  # emptied by TRUNCATE: the administration trail opens again, as migrated
        from app.database import unit_of_work
        from app.services.audit.admin_trail import open_trail

        with app.app_context():
            with unit_of_work() as session:
                open_trail(session)
            db.session.remove()
    yield app
    with app.app_context():
        dispose_engines()


@pytest.fixture
def make_app(tmp_path):  # type: ignore[no-untyped-def]
    """More apps of a test's own settings, their connections closed when the test ends."""
    made: list[Flask] = []

    def make(overrides: dict[str, object]) -> Flask:
        app = create_app({"TESTING": True, "UPLOAD_DIR": str(tmp_path / "uploads"), **overrides})
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            dispose_engines()


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    """An app context, for calling services directly."""
    with app.app_context():
        yield app


@pytest.fixture
def client(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()

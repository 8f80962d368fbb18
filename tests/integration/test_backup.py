"""Backups as docs/operations.md gives them: the database dumped and restored into a fresh one,
after which `creditflow audit verify` finds every chain intact (PostgreSQL: pg_dump and
pg_restore; SQLite: the sqlite3 shell's .backup)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from app.config import normalise_database_url
from app.demo import load_demo
from app.models import AuditEvent, DisclosureItem, Unit
from tests.conftest import PG_URL
from tests.processes import service_env


def _counts(url: str) -> tuple[int, int, int]:
    engine = create_engine(normalise_database_url(url))
    with engine.connect() as conn:
        found = tuple(int(conn.execute(select(func.count()).select_from(t)).scalar() or 0)
                      for t in (Unit, AuditEvent, DisclosureItem))
    engine.dispose()
    return found  # type: ignore[return-value]


def _verify(url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app.cli", "audit", "verify"],
                          env=service_env(DATABASE_URL=url), capture_output=True, text=True,
                          timeout=300)


@pytest.fixture
def district(ctx, database_url):  # type: ignore[no-untyped-def]
    load_demo(unit_count=40, seed=7)
    from app.extensions import db

    db.session.remove()
    return database_url


@pytest.mark.skipif(not PG_URL, reason="pg_dump and pg_restore: PostgreSQL runs")
def test_a_postgresql_dump_restored_into_a_fresh_database_verifies(district, tmp_path):
    source = make_url(district)
    restored = source.set(database=f"{source.database}_restored")
    admin = normalise_database_url(source.set(database="postgres").render_as_string(False))
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{restored.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{restored.database}"'))
    dump = tmp_path / "creditflow.dump"
    base = [f"--host={source.host}", f"--port={source.port or 5432}",
            f"--username={source.username}"]
    env = {**os.environ, "PGPASSWORD": source.password or ""}
    try:
        subprocess.run(["pg_dump", *base, "--format=custom", f"--file={dump}",
                        str(source.database)], check=True, env=env, timeout=300)
        subprocess.run(["pg_restore", *base, "--no-owner", f"--dbname={restored.database}",
                        str(dump)], check=True, env=env, timeout=300)
        url = restored.render_as_string(hide_password=False)
        assert _counts(url) == _counts(district) and _counts(url)[1] > 100
        checked = _verify(url)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "0 chains broken" in checked.stdout
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{restored.database}" WITH (FORCE)'))
        engine.dispose()


@pytest.mark.skipif(bool(PG_URL), reason="the sqlite3 shell's .backup: SQLite runs")
def test_a_sqlite_backup_restored_verifies(district, tmp_path):
    source = make_url(district).database
    copy = tmp_path / "backup.db"
    subprocess.run(["sqlite3", str(source), f".backup '{copy}'"], check=True, timeout=120)
    url = f"sqlite:///{copy}"
    assert _counts(url) == _counts(district) and _counts(url)[1] > 100
    checked = _verify(url)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "0 chains broken" in checked.stdout


def test_a_restore_under_another_audit_key_is_reported(district, tmp_path):
    """The audit key is backed up apart from the database: a restore verified under the wrong
    key says so (and exits 1) instead of passing."""
    env = service_env(DATABASE_URL=district)
    env["CREDITFLOW_AUDIT_KEY"] = "a-different-key-of-another-deployment"
    checked = subprocess.run([sys.executable, "-m", "app.cli", "audit", "verify"], env=env,
                             capture_output=True, text=True, timeout=300)
    assert checked.returncode == 1 and "chains broken" in checked.stdout

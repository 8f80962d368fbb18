"""``/healthz`` answers while the process is up; ``/readyz`` only while the database answers and
its schema is at the migrations' head."""

from __future__ import annotations

import sqlite3

from app import create_app
from app.health import head_revision


def test_healthz_and_readyz_on_a_ready_service(client):
    assert client.get("/healthz").get_json() == {"status": "up"}
    ready = client.get("/readyz")
    body = ready.get_json()
    assert ready.status_code == 200 and body["ready"] is True and body["database"] == "ok"
    assert body["migrations"] == {"current": head_revision(), "head": head_revision()}
    assert body["scheduler"] == {"leader": None, "lease_until": None}  # none started here
    assert "Set-Cookie" not in ready.headers


def test_readyz_is_false_while_the_database_is_unreachable(tmp_path):
    app = create_app({"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/nowhere",
                      "TESTING": True, "SECRET_KEY": "s" * 16})
    client = app.test_client()
    assert client.get("/healthz").status_code == 200  # the process itself is up
    down = client.get("/readyz")
    assert down.status_code == 503 and down.get_json()["ready"] is False
    assert down.get_json()["database"].startswith("unreachable")


def test_readyz_is_false_on_a_database_not_yet_upgraded(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        conn.execute("INSERT INTO alembic_version VALUES ('0016')")
        conn.execute("CREATE TABLE scheduler_leases (name VARCHAR(40) PRIMARY KEY, "
                     "holder VARCHAR(100), expires_at DATETIME, acquired_at DATETIME, term INT)")
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "TESTING": True,
                      "SECRET_KEY": "s" * 16})
    behind = app.test_client().get("/readyz")
    assert behind.status_code == 503
    assert behind.get_json()["migrations"] == {"current": "0016", "head": head_revision()}


def test_readyz_names_the_scheduler_leader(app, client):
    from app.scheduler_lease import SCHEDULER, try_acquire

    with app.app_context():
        assert try_acquire(SCHEDULER, "host-a:4242", 60)
    scheduler = client.get("/readyz").get_json()["scheduler"]
    assert scheduler["leader"] == "host-a:4242" and scheduler["lease_until"]


def test_the_health_command_answers_for_processes_without_http(app, runner):
    from app import scheduler_lease as lease

    ready = runner.invoke(args=["health"])
    assert ready.exit_code == 0 and '"ready": true' in ready.output
    assert runner.invoke(args=["health", "--scheduler"]).exit_code == 1  # nobody leads
    with app.app_context():
        assert lease.try_acquire(lease.SCHEDULER, "host-b:7:abc", 45)
    led = runner.invoke(args=["health", "--scheduler"])
    assert led.exit_code == 0 and "host-b:7:abc" in led.output

"""Logs, request ids, /metrics and Sentry as the operator sees them; a stopped `serve` gives
the scheduler's lease up."""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import create_engine, select, text

from app import scheduler_lease as lease
from app.config import normalise_database_url
from app.jobs import bind, expiry_sweep
from app.models import SchedulerLease
from app.observability import configure_logging
from tests.processes import free_port, migrated_sqlite, service_env, wait_http


@pytest.fixture
def logs(app) -> Iterator[None]:  # type: ignore[no-untyped-def]
    yield
    root = logging.getLogger()
    for handler in [h for h in root.handlers if h.get_name() == "creditflow"]:
        root.removeHandler(handler)
    logging.getLogger("creditflow.access").disabled = False


def test_every_answer_carries_a_request_id(client):
    made = client.get("/healthz").headers["X-Request-ID"]
    assert len(made) == 32 and made != client.get("/healthz").headers["X-Request-ID"]
    kept = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.2"})
    assert kept.headers["X-Request-ID"] == "lb-7f3a.2"
    replaced = client.get("/healthz", headers={"X-Request-ID": "bad id\\n<script>"})
    assert replaced.headers["X-Request-ID"] != "bad id\\n<script>"


def test_text_log_lines_carry_time_level_role_and_request_id(app, client, capsys, logs):
    configure_logging(app.config, "web")
    answer = client.get("/public/", headers={"X-Request-ID": "req-123"})
    lines = [line for line in capsys.readouterr().err.splitlines() if "creditflow.access" in line]
    assert len(lines) == 1
    assert " INFO [web req-123] creditflow.access: 127.0.0.1 GET /public/ 200 " in lines[0]
    assert lines[0][:4].isdigit() and answer.status_code == 200


def test_json_log_lines_for_a_collector(app, client, capsys, logs):
    app.config.update(LOG_FORMAT="json")
    configure_logging(app.config, "scheduler")
    client.get("/healthz", headers={"X-Request-ID": "abc"})
    logging.getLogger("creditflow.disclosure").warning("batch %s (%s) attempt %d failed", "B1",
                                                      "penalty", 2)
    records = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    access = next(r for r in records if r["logger"] == "creditflow.access")
    assert access["level"] == "INFO" and access["role"] == "scheduler"
    assert access["request_id"] == "abc" and "GET /healthz 200" in access["message"]
    warning = next(r for r in records if r["logger"] == "creditflow.disclosure")
    assert warning["message"] == "batch B1 (penalty) attempt 2 failed"
    assert warning["request_id"] == "-" and warning["time"]


def test_the_access_log_can_be_switched_off(app, client, capsys, logs):
    app.config.update(ACCESS_LOG=False)
    configure_logging(app.config, "web")
    client.get("/healthz")
    assert "creditflow.access" not in capsys.readouterr().err


def test_metrics_show_requests_the_leader_jobs_and_waiting_reminders(app, client, ctx):
    client.get("/healthz")
    client.get("/no-such-page")
    assert lease.try_acquire(lease.SCHEDULER, "host-a:123:abc", 45)
    bind(app)
    expiry_sweep()
    body = client.get("/metrics").get_data(as_text=True)
    assert ('creditflow_http_requests_total{endpoint="healthz",method="GET",status="200"}'
            in body)
    assert 'endpoint="unmatched",method="GET",status="404"' in body
    assert 'creditflow_http_request_seconds_bucket{endpoint="healthz",le="0.005"}' in body
    assert 'creditflow_scheduler_leader{holder="host-a:123:abc"} 1.0' in body
    lease_line = next(x for x in body.splitlines()
                      if x.startswith("creditflow_scheduler_lease_seconds "))
    assert 40 <= float(lease_line.split()[1]) <= 45
    assert 'creditflow_job_last_success_timestamp_seconds{job="expiry sweep"}' in body
    assert 'creditflow_reminders_waiting{status="pending"} 0.0' in body


def test_errors_reach_a_sentry_server(tmp_path):
    received: list[str] = []

    class Sentry(BaseHTTPRequestHandler):
        def log_message(self, *args):  # type: ignore[no-untyped-def]
            pass

        def do_POST(self):  # type: ignore[no-untyped-def]  # noqa: N802
            received.append(self.path)
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(200)
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Sentry)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = service_env(DATABASE_URL=f"sqlite:///{tmp_path}/s.db", UPLOAD_DIR=str(tmp_path / "u"),
                      OUTBOX_DIR=str(tmp_path / "o"),
                      SENTRY_DSN=f"http://public@127.0.0.1:{server.server_port}/42")
    script = ("import logging, sentry_sdk\nfrom app.cli import checked_app\napp = checked_app()\n"
              "logging.getLogger('creditflow.test').error('the platform is on fire')\n"
              "sentry_sdk.flush(5)\n")
    try:
        done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                              text=True, timeout=60)
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 0, done.stderr
    assert "the platform is on fire" in done.stderr
    assert "/api/42/envelope/" in received


def test_a_stopped_serve_gives_the_scheduler_lease_up(tmp_path):
    url = migrated_sqlite(tmp_path / "serve.db")
    port = free_port()
    env = service_env(DATABASE_URL=url, UPLOAD_DIR=str(tmp_path / "u"),
                      OUTBOX_DIR=str(tmp_path / "o"), LEASE_RENEW_SECONDS="1")
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    engine = create_engine(normalise_database_url(url))
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz", proc)
        deadline = time.monotonic() + 20
        with engine.connect() as conn:
            while conn.execute(select(SchedulerLease.holder)).first() is None:
                assert time.monotonic() < deadline, "serve's scheduler did not lead"
                conn.rollback()
                time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=40)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, out
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM scheduler_leases")).scalar() == 0
    engine.dispose()


def test_a_console_handler_installed_before_is_replaced_so_lines_are_written_once(app, logs):
    stray = logging.StreamHandler()  # what Alembic's logging set-up leaves during db upgrade
    logging.getLogger().addHandler(stray)
    configure_logging(app.config, "web")
    assert stray not in logging.getLogger().handlers

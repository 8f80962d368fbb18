"""schemathesis against a live server on SQLite: every check (server errors, status codes,
content types, headers, response schemas, negative and positive data, unsupported methods,
…), bounded and seeded so that CI is repeatable."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CONFIG = Path(__file__).with_name("schemathesis.toml")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")),
                       reason="the schemathesis run is on the embedded default (SQLite)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cli(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run([sys.executable, "-m", "app.cli", *args], env=env, input=stdin,
                          capture_output=True, text=True, timeout=300, check=True)
    return done.stdout


def test_the_api_keeps_its_description_under_schemathesis(tmp_path):
    st = shutil.which("st", path=os.path.dirname(sys.executable)) or shutil.which("st")
    assert st, "schemathesis is part of the test extras"
    env = {**os.environ, "CREDITFLOW_DATABASE_URL": f"sqlite:///{tmp_path}/api.db",
           "CREDITFLOW_OUTBOX_DIR": str(tmp_path / "outbox"),
           "CREDITFLOW_UPLOAD_DIR": str(tmp_path / "uploads"),
           "CREDITFLOW_SCHEDULER_IN_SERVE": "false"}
    env.pop("TEST_DATABASE_URL", None)
    _cli(env, "db", "upgrade")
    _cli(env, "demo-data", "--units", "20")
    _cli(env, "users", "create", "st-supervisor", "--role", "supervisor", "--password-stdin",
         stdin="correct-horse-battery\n")
    token = _cli(env, "tokens", "create", "st-supervisor").strip()
    port = _free_port()
    # Its log (a line per request) goes to a file: a pipe nobody reads would fill and stall it.
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
                              env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    try:
        spec = f"http://127.0.0.1:{port}/api/openapi.json"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(spec):
                    break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "no server"
                time.sleep(0.2)
        run = subprocess.run(
            [st, "--config-file", str(CONFIG), "run", spec, "--checks", "all",
             "--max-examples", "25", "--seed", "20261129", "--workers", "1",
             "--request-timeout", "20", "--no-color", "-H", f"Authorization: Bearer {token}"],
            capture_output=True, text=True, timeout=540, cwd=tmp_path,
        )
    finally:
        server.terminate()
        server.communicate(timeout=10)
        log.close()
    report = run.stdout + run.stderr
    (Path("test-output") / "schemathesis.txt").parent.mkdir(exist_ok=True)
    (Path("test-output") / "schemathesis.txt").write_text(report, encoding="utf-8")
    assert run.returncode == 0, report[-6000:]
    assert "generated" in report and "Failures:" not in report

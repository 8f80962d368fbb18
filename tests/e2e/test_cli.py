"""The command line: accounts, tokens, demo data, and `creditflow serve` as a real process."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
import urllib.request

from sqlalchemy import func, select

from app.calendar.statutory import statutory_holidays
from app.extensions import db
from app.models import ApiToken, Unit, User
from app.services.staff.accounts import user_for_token


def test_users_and_tokens(app, runner):
    result = runner.invoke(
        args=["users", "create", "wang", "--role", "officer", "--password-stdin"],
        input="a-long-password\n",
    )
    assert result.exit_code == 0, result.output
    short = runner.invoke(
        args=["users", "create", "li", "--role", "officer", "--password-stdin"], input="short\n"
    )
    assert short.exit_code != 0 and "10" in short.output
    token = runner.invoke(args=["tokens", "create", "wang"])
    assert token.exit_code == 0
    value = token.output.strip()
    with app.app_context():
        assert user_for_token(value).username == "wang"
        stored = db.session.scalar(select(ApiToken.token_hash))
        assert value not in stored  # only the hash is kept
    assert runner.invoke(args=["tokens", "create", "nobody"]).exit_code != 0


def test_demo_data_fills_every_stage(app, runner):
    result = runner.invoke(args=["demo-data", "--units", "48"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        statuses = dict(
            db.session.execute(
                select(Unit.credit_status, func.count()).group_by(Unit.credit_status)
            ).all()
        )
        assert statuses["normal"] > 30
        assert sum(statuses.get(s, 0) for s in ("listed", "restoration_requested", "restored")) >= 3
        assert db.session.scalar(select(func.count()).select_from(User)) == 5
    again = runner.invoke(args=["demo-data", "--units", "48"])  # loading twice adds nothing
    assert again.exit_code == 0 and "units: 0" in again.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_creates_the_database_and_answers(tmp_path):
    port = _free_port()
    env = {**os.environ, "CREDITFLOW_DATABASE_URL": f"sqlite:///{tmp_path}/serve.db"}
    env.pop("TEST_DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/openapi.json") as r:
                    assert r.status == 200
                    break
            except OSError:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                assert time.monotonic() < deadline, "serve did not answer in 30 s"
                time.sleep(0.2)
        assert (tmp_path / "serve.db").exists()
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=10)
    assert f"http://127.0.0.1:{port}/" in out


def test_calendar_load_and_show(app, runner, tmp_path):
    schedule = tmp_path / "2027.csv"
    statutory = "".join(f"{d},holiday\n" for d in sorted(statutory_holidays(2027))
                        if d != dt.date(2027, 1, 1))
    schedule.write_text("# notice\n2027-01-01,holiday,元旦\n2027-01-04,holiday\n"
                        "2027-01-09,workday,调休\n", encoding="utf-8")
    refused = runner.invoke(args=["calendar", "load", "2027", str(schedule)])
    assert refused.exit_code != 0 and "2027-10-01" in refused.output  # 国庆 missing
    schedule.write_text("# notice\n2027-01-01,holiday,元旦\n2027-01-04,holiday\n"
                        "2027-01-09,workday,调休\n" + statutory, encoding="utf-8")
    loaded = runner.invoke(args=["calendar", "load", "2027", str(schedule)])
    assert loaded.exit_code == 0, loaded.output
    shown = runner.invoke(args=["calendar", "show", "2027"])
    assert "2027: entered" in shown.output and "2027-01-09 workday" in shown.output
    assert "2027-01-04 holiday" in shown.output
    schedule.write_text("2027-13-01,holiday\n", encoding="utf-8")
    assert runner.invoke(args=["calendar", "load", "2027", str(schedule)]).exit_code != 0


def test_tokens_expire_are_listed_with_their_last_use_and_can_be_revoked(app, runner):
    runner.invoke(args=["users", "create", "wang", "--role", "officer", "--password-stdin"],
                  input="a-long-password\n")
    value = runner.invoke(args=["tokens", "create", "wang", "--label", "gateway"]).output.strip()
    client = app.test_client()

    def status(token: str) -> int:
        return client.get("/api/v1/units", headers={"Authorization": f"Bearer {token}"}).status_code

    assert status(value) == 200
    row = runner.invoke(args=["tokens", "list"]).output.splitlines()[1].split("\t")
    assert row[1:3] == ["wang", "gateway"] and row[4] != "-" and row[5] != "-"  # expiry, use
    with app.app_context():
        db.session.execute(ApiToken.__table__.update().values(
            expires_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)))
        db.session.commit()
    assert status(value) == 401  # expired
    fresh = runner.invoke(args=["tokens", "create", "wang", "--days", "0"]).output.strip()
    assert status(fresh) == 200  # never expires
    with app.app_context():
        fresh_id = db.session.scalar(select(func.max(ApiToken.id)))
    assert runner.invoke(args=["tokens", "revoke", str(fresh_id)]).exit_code == 0
    assert status(fresh) == 401
    assert runner.invoke(args=["tokens", "revoke", "999999"]).exit_code != 0

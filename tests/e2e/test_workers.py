"""Several web processes: two gunicorn workers share one rate-limit budget through Redis; a
store that is away does not fail requests."""

from __future__ import annotations

import os
import secrets
import urllib.error
import urllib.request

import pytest
import redis
import requests
from sqlalchemy import select

from app.extensions import db
from app.models import RestorationFile
from tests import builders as b
from tests.pages import CSRF
from tests.processes import gunicorn, migrated_sqlite, s3_bucket, service_env, shared_service
from tests.selfservice import PDF, listed


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_timeout=2).ping()
        up = True
    except redis.RedisError:
        up = False
    return shared_service("Redis", url, up)


def _status(url: str) -> int:
    request = urllib.request.Request(url, headers={"Connection": "close"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)


def test_two_workers_share_one_budget_through_redis(tmp_path, redis_url):
    """Two web processes (as on two hosts), asked in turn: the sixth request overall is the
    last that passes, on either of them."""
    prefix = f"creditflow-test-{secrets.token_hex(4)}"
    env = service_env(DATABASE_URL=migrated_sqlite(tmp_path / "cf.db"),
                      RATELIMIT_STORAGE_URI=redis_url, RATELIMIT_KEY_PREFIX=prefix,
                      PUBLIC_RATE_LIMIT="6 per minute", UPLOAD_DIR=str(tmp_path / "up"),
                      OUTBOX_DIR=str(tmp_path / "out"))
    try:
        with gunicorn(env, workers=1) as first, gunicorn(env, workers=1) as second:
            answers = [(_status(f"{base}/public/")) for _ in range(5) for base in (first, second)]
    finally:
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
    assert answers == [200] * 6 + [429] * 4  # one budget, not one per process


def test_a_store_that_is_away_does_not_fail_requests(database_url, make_app):
    app = make_app({"DATABASE_URL": database_url,
                    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1",  # nothing listens
                    "PUBLIC_RATE_LIMIT": "2 per minute"})
    client = app.test_client()
    codes = [client.get("/public/").status_code for _ in range(3)]
    assert codes == [200, 200, 429]  # counted in the process's memory meanwhile


def test_a_proof_uploaded_on_one_host_is_read_on_another_through_s3(tmp_path, make_app):
    """Two web processes with separate local folders and one bucket: the unit applies with a
    proof on the first and downloads it from the second, in the same signed session."""
    bucket = s3_bucket()
    url = migrated_sqlite(tmp_path / "cf.db")
    world = make_app({"DATABASE_URL": url, **bucket, "UPLOAD_DIR": str(tmp_path / "w")})
    unit, code = listed(world, *_staff(world))
    hosts = [service_env(DATABASE_URL=url, UPLOAD_DIR=str(tmp_path / f"host{n}"),
                         OUTBOX_DIR=str(tmp_path / f"out{n}"), **bucket) for n in (1, 2)]
    with gunicorn(hosts[0], workers=1) as first, gunicorn(hosts[1], workers=1) as second:
        browser = requests.Session()
        signed_in = browser.post(f"{first}/self/login", allow_redirects=False, data={
            "uscc": unit.uscc, "access_code": code, "csrf_token": _csrf(browser, first,
                                                                        "/self/login")})
        assert signed_in.status_code == 302, signed_in.text
        applied = browser.post(f"{first}/self/apply", allow_redirects=False, data={
            "signed_name": unit.name, "signed_representative": "张伟", "agree": "y",
            "note": "已整改", "csrf_token": _csrf(browser, first, "/self/apply")},
            files={"proofs": ("证明.pdf", PDF, "application/pdf")})
        assert applied.status_code == 302, applied.text
        with world.app_context():
            file_id = db.session.scalar(select(RestorationFile.id))
        download = browser.get(f"{second}/self/files/{file_id}")
    assert download.status_code == 200 and download.content == PDF
    assert [f for n in (1, 2) for f in (tmp_path / f"host{n}").glob("**/*.*")] == []


def _staff(app):  # type: ignore[no-untyped-def]
    with app.app_context():
        return b.staff("officer", "wang"), b.staff("supervisor", "li")


def _csrf(browser: requests.Session, base: str, path: str) -> str:
    match = CSRF.search(browser.get(f"{base}{path}").text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)

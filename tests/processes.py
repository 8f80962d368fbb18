"""Real processes for tests: free ports, waiting for an answer, a migrated SQLite file, the
service under gunicorn, and the shared services (Redis, an S3-compatible store) that CI starts;
outside CI a test that needs one that is not running is skipped, in CI it fails."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, proc: subprocess.Popen[str] | None = None, seconds: float = 30) -> None:
    """Until ``url`` answers (any status); fails if ``proc`` dies or time runs out."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            if proc is not None and proc.poll() is not None:
                out = proc.stdout.read() if proc.stdout else ""
                pytest.fail(f"the process ended before answering: {out}")
            if time.monotonic() > deadline:
                pytest.fail(f"{url} did not answer in {seconds} s")
            time.sleep(0.2)


def service_env(**settings: str) -> dict[str, str]:
    """This environment without CREDITFLOW_* settings but the run's keys and authority code,
    plus ``settings``
    (names without the prefix)."""
    base = {k: v for k, v in os.environ.items()
            if not k.startswith("CREDITFLOW_")
            or k.endswith(("_SECRET_KEY", "_AUDIT_KEY", "_AUTHORITY_USCC"))}
    base.pop("TEST_DATABASE_URL", None)
    return {**base, **{f"CREDITFLOW_{k}": v for k, v in settings.items()}}


def creditflow(env: dict[str, str], *args: str, stdin: str | None = None,
               ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app.cli", *args], env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)


def migrated_sqlite(path: Path) -> str:
    url = f"sqlite:///{path}"
    done = creditflow(service_env(DATABASE_URL=url), "db", "upgrade")
    assert done.returncode == 0, done.stderr
    return url


@contextmanager
def gunicorn(env: dict[str, str], workers: int = 2) -> Iterator[str]:
    """The service under gunicorn (``app.wsgi``); yields its address. Its log goes to a file
    (a line per request would fill a pipe nobody reads)."""
    port = free_port()
    args = [sys.executable, "-m", "gunicorn", "--workers", str(workers),
            "--bind", f"127.0.0.1:{port}", "--graceful-timeout", "5"]
    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen([*args, "app.wsgi:application"], env=env, text=True,
                                stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_http(f"{base}/healthz", proc)
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def shared_service(name: str, url: str, reachable: bool) -> str:
    """``url`` if the service answers; otherwise skip (fail in CI, which starts it)."""
    if reachable:
        return url
    message = f"{name} is not running at {url} (.ci/run starts it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


S3_ENDPOINT = os.environ.get("TEST_S3_ENDPOINT", "http://127.0.0.1:9000")


def s3_bucket() -> dict[str, str]:
    """A new bucket on the S3-compatible test server: the settings that name it."""
    import boto3
    import botocore.exceptions

    client = boto3.client("s3", endpoint_url=S3_ENDPOINT, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
    bucket = f"creditflow-{os.getpid()}-{time.monotonic_ns()}"
    try:
        client.create_bucket(Bucket=bucket)
        up = True
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError):
        up = False
    shared_service("An S3-compatible server", S3_ENDPOINT, up)
    return {"STORAGE": "s3", "S3_ENDPOINT_URL": S3_ENDPOINT, "S3_BUCKET": bucket,
            "S3_REGION": "us-east-1", "S3_ACCESS_KEY_ID": "test",
            "S3_SECRET_ACCESS_KEY": "test"}

"""The HTTP publisher against a real HTTP server on 127.0.0.1 that fails on a share of requests."""

from __future__ import annotations

import json
import random
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import DisclosureBatch, DisclosureItem
from app.services.disclosure import pipeline
from tests import builders as b
from tests.platform import documented_receiver, receipt_for

SECRET = "shared-secret-of-the-platform"
VERIFY = documented_receiver()["verify"]


class Platform:
    """Records what it received; de-duplicates by Idempotency-Key like a real gateway."""

    def __init__(self, failure_share: float, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.failure_share = failure_share
        self.requests = 0
        self.accepted: dict[str, list[dict]] = {}
        self.bad_signatures = 0
        self.lock = threading.Lock()


def make_handler(platform: Platform):  # type: ignore[no-untyped-def]
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with platform.lock:
                platform.requests += 1
                roll = platform.rng.random()
            if roll < platform.failure_share / 3:
                self.send_response(503)
                self.end_headers()
                return
            if roll < 2 * platform.failure_share / 3:
                time.sleep(1.5)  # longer than the client's read timeout
                return
            if roll < platform.failure_share:
                self.connection.shutdown(socket.SHUT_RDWR)  # drop the connection
                return
            if VERIFY(SECRET.encode(), "POST", self.path, self.headers, body):
                platform.bad_signatures += 1
                self.send_response(401)
                self.end_headers()
                return
            key = self.headers["Idempotency-Key"]
            with platform.lock:
                if key not in platform.accepted:
                    platform.accepted[key] = [json.loads(x) for x in body.decode().splitlines()[1:]]
            self.send_response(200)
            self.end_headers()
            self.wfile.write(receipt_for(body))

    return Handler


@pytest.fixture
def platform(ctx):
    state = Platform(failure_share=0.5)
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ctx.config.update(
        PUBLISHER="http", PLATFORM_URL=f"http://127.0.0.1:{server.server_port}/batches",
        PLATFORM_SECRET=SECRET, PLATFORM_READ_TIMEOUT=0.5,
        BATCH_SIZE=5, RETRY_BASE_SECONDS=0, BATCH_GIVE_UP_ATTEMPTS=100,
    )
    yield state
    server.shutdown()
    server.server_close()


def test_everything_arrives_once_through_a_failing_platform(platform):
    officer = b.staff("officer")
    for i in range(12):
        u = b.unit(officer)
        b.inspection(officer, u.uscc, document_no=f"I-{i}")
        b.penalty(officer, u.uscc, document_no=f"P-{i}")
    for _ in range(60):  # one attempt per batch and run: the pipeline retries
        pipeline.run_disclosure()
        if not db.session.scalar(select(func.count()).where(DisclosureBatch.status != "delivered")):
            break
    assert platform.requests > len(platform.accepted)  # failures really happened
    received = [line["item_id"] for lines in platform.accepted.values() for line in lines]
    total = db.session.scalar(select(func.count()).select_from(DisclosureItem))
    assert sorted(received) == list(range(1, total + 1))
    assert platform.bad_signatures == 0
    statuses = db.session.scalars(select(DisclosureBatch.status).distinct()).all()
    assert statuses == ["delivered"]


def test_a_permanent_refusal_is_marked_failed(platform):
    platform.failure_share = 0
    from flask import current_app

    current_app.config["PLATFORM_SECRET"] = "wrong-secret-of-someone"  # the gateway answers 401
    officer = b.staff("officer")
    b.inspection(officer, b.unit(officer).uscc)
    summary = pipeline.run_disclosure()
    assert len(summary.failed) == 1
    batch = db.session.scalar(select(DisclosureBatch))
    assert batch.status == "failed" and batch.last_error.startswith("HTTP 401")

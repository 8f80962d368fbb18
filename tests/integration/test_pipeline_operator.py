"""The operator sees the pipeline: every attempt of a batch is kept (time, outcome, error, who
asked); a batch that keeps failing is given up and reaches the work queue; a delivered batch can
be re-sent under the same id; the platform's Retry-After is honoured. Against a real HTTP
server on 127.0.0.1 that answers as it is told."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select, update

from app.errors import Conflict
from app.extensions import db
from app.models import AdminEvent, BatchAttempt, DisclosureBatch
from app.models._types import utcnow
from app.publishers.base import RetryableError
from app.publishers.http import HttpPublisher, retry_after
from app.services.disclosure import claims, pipeline
from app.services.disclosure.batches import resend_batch, retry_batch
from app.services.staff.queue import work_queue
from tests import builders as b
from tests.platform import receipt_for


class Scripted:
    """A platform that answers each POST with the next (status, headers) of its script, and
    200 once the script is used up; it keeps the first body of every Idempotency-Key."""

    def __init__(self) -> None:
        self.script: list[tuple[int, dict[str, str]]] = []
        self.keys: list[str] = []
        self.kept: dict[str, bytes] = {}


@pytest.fixture
def platform(ctx) -> Iterator[Scripted]:  # type: ignore[no-untyped-def]
    state = Scripted()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # type: ignore[no-untyped-def]
            pass

        def do_POST(self):  # type: ignore[no-untyped-def]  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            key = self.headers["Idempotency-Key"]
            state.keys.append(key)
            status, headers = state.script.pop(0) if state.script else (200, {})
            if status == 200:
                state.kept.setdefault(key, body)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if status == 200:
                self.wfile.write(receipt_for(body))

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    ctx.config.update(PUBLISHER="http", PLATFORM_SECRET="s" * 16,
                      PLATFORM_URL=f"http://127.0.0.1:{server.server_port}/batches",
                      RETRY_BASE_SECONDS=60)
    yield state
    server.shutdown()
    server.server_close()


def _one_batch() -> str:
    officer = b.staff("officer")
    b.inspection(officer, b.unit(officer).uscc)
    pipeline.run_disclosure()
    return str(db.session.scalar(select(DisclosureBatch.id)))


def _batch(batch_id: str) -> DisclosureBatch:
    return db.session.get_one(DisclosureBatch, batch_id, populate_existing=True)


def _attempts(batch_id: str) -> list[BatchAttempt]:
    return list(db.session.scalars(select(BatchAttempt).where(BatchAttempt.batch_id == batch_id)
                                   .order_by(BatchAttempt.number)))


def _due_now(batch_id: str) -> None:
    db.session.execute(update(DisclosureBatch).where(DisclosureBatch.id == batch_id)
                       .values(next_attempt_at=None))
    db.session.commit()


def test_every_attempt_is_kept_and_retries_back_off_with_jitter(platform):
    platform.script = [(503, {}), (502, {})]
    started = utcnow()
    batch_id = _one_batch()
    batch = _batch(batch_id)
    wait = (batch.next_attempt_at - started).total_seconds()
    assert batch.status == "retrying" and 60 <= wait <= 75 + 5  # 60 s, up to a quarter more
    _due_now(batch_id)
    pipeline.run_disclosure()
    _due_now(batch_id)
    pipeline.run_disclosure()
    attempts = _attempts(batch_id)
    assert [(a.number, a.outcome) for a in attempts] == [(1, "retrying"), (2, "retrying"),
                                                         (3, "delivered")]
    assert attempts[0].error.startswith("HTTP 503") and attempts[2].error is None
    assert all(a.finished_at >= a.started_at and a.asked_by is None for a in attempts)


def test_a_batch_that_keeps_failing_is_given_up_and_heads_the_work_queue(platform, ctx):
    ctx.config.update(BATCH_GIVE_UP_ATTEMPTS=3)
    platform.script = [(503, {})] * 10
    batch_id = _one_batch()
    for _ in range(2):
        _due_now(batch_id)
        pipeline.run_disclosure()
    batch = _batch(batch_id)
    assert batch.status == "failed" and batch.next_attempt_at is None
    assert batch.last_error == "HTTP 503:  (gave up after 3 attempts in 0.0 h)"
    assert [a.outcome for a in _attempts(batch_id)] == ["retrying", "retrying", "failed"]
    assert [f.id for f in work_queue().failed_batches] == [batch_id]
    _due_now(batch_id)
    pipeline.run_disclosure()  # given up: the schedule leaves it to an admin
    assert len(platform.keys) == 3
    admin = b.staff("admin", "admin1")
    retry_batch(batch_id, admin)
    pipeline.run_disclosure()
    assert _batch(batch_id).status == "failed"  # still refused: one more attempt, given up
    platform.script = []
    retry_batch(batch_id, admin)
    pipeline.run_disclosure()
    assert _batch(batch_id).status == "delivered"
    assert [a.asked_by for a in _attempts(batch_id)][-2:] == ["admin1", "admin1"]


def test_a_batch_failing_for_longer_than_allowed_is_given_up(platform, ctx):
    ctx.config.update(BATCH_GIVE_UP_HOURS=24)
    platform.script = [(503, {})] * 3
    batch_id = _one_batch()
    db.session.execute(update(DisclosureBatch).values(
        created_at=utcnow() - dt.timedelta(hours=25), next_attempt_at=None))
    db.session.commit()
    pipeline.run_disclosure()
    assert _batch(batch_id).status == "failed"
    assert "gave up after 2 attempts in 25.0 h" in _batch(batch_id).last_error


def test_a_delivered_batch_is_resent_under_the_same_id_by_an_admin(platform):
    batch_id = _one_batch()
    assert _batch(batch_id).status == "delivered"
    admin = b.staff("admin", "admin1")
    with pytest.raises(Conflict, match="只有发送失败的批次可以重试"):
        retry_batch(batch_id, admin)
    assert resend_batch(batch_id, admin).status == "retrying"
    pipeline.run_disclosure()
    assert _batch(batch_id).status == "delivered"
    assert platform.keys == [batch_id, batch_id] and list(platform.kept) == [batch_id]
    assert [(a.outcome, a.asked_by) for a in _attempts(batch_id)] == [
        ("delivered", None), ("delivered", "admin1")]
    actions = db.session.scalars(select(AdminEvent.action)
                                 .where(AdminEvent.subject == f"batch:{batch_id}")).all()
    assert actions == ["batch_resent"]
    resend_batch(batch_id, admin)  # waiting for the next run: not delivered now
    with pytest.raises(Conflict, match="只有已推送的批次可以重新发送"):
        resend_batch(batch_id, admin)


def test_a_long_retry_after_ends_the_delivery_and_the_next_waits_as_asked(platform):
    platform.script = [(503, {"Retry-After": "600"})]
    started = utcnow()
    batch_id = _one_batch()
    batch = _batch(batch_id)
    assert batch.status == "retrying" and len(platform.keys) == 1
    assert (batch.next_attempt_at - started).total_seconds() >= 600


def test_one_delivery_is_one_attempt_and_the_pipeline_retries(platform):
    """The publisher neither loops nor sleeps: a 429 with a short Retry-After ends the
    delivery, the pipeline schedules the next attempt (its own backoff, at least what was
    asked), and the next run delivers the batch under the same key."""
    platform.script = [(429, {"Retry-After": "3"}), (503, {})]
    publisher = HttpPublisher(pipeline.setting_str("PLATFORM_URL"), "s")
    officer = b.staff("officer")
    b.inspection(officer, b.unit(officer).uscc)
    summary = pipeline.RunSummary()
    batch, items = claims.claim_batch("inspection", 10, claims.NO_LIMIT)
    started = utcnow()
    pipeline.deliver(batch.id, publisher, summary, items)
    assert summary.failed == [batch.id] and len(platform.keys) == 1
    waiting = _batch(batch.id)
    assert waiting.status == "retrying" and waiting.last_error.startswith("HTTP 429")
    assert (waiting.next_attempt_at - started).total_seconds() >= 60  # RETRY_BASE_SECONDS
    _due_now(batch.id)
    pipeline.run_disclosure()  # one attempt: the 503
    assert _batch(batch.id).status == "retrying" and len(platform.keys) == 2
    _due_now(batch.id)
    pipeline.run_disclosure()
    assert _batch(batch.id).status == "delivered"
    assert platform.keys == [batch.id] * 3 and list(platform.kept) == [batch.id]
    assert [a.outcome for a in _attempts(batch.id)] == ["retrying", "retrying", "delivered"]


def test_retry_after_is_read_as_seconds_or_a_date():
    assert retry_after("120") == 120.0 and retry_after(None) is None
    assert retry_after("soon") is None and retry_after("99999999") == 86400.0
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=90)
    assert 85 <= (retry_after(format_datetime(later, usegmt=True)) or 0) <= 90
    assert retry_after(format_datetime(dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
                                       usegmt=True)) == 0.0
    assert RetryableError("x", 5).retry_after == 5

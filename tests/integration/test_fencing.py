"""Fencing: work that outlived its lease never overwrites what its successor recorded.

In-process interleavings of the batch delivery token and the scheduler term, then real
processes paused with SIGSTOP past their lease while another one finishes the work.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, insert, select, text, update

from app import scheduler_lease as lease
from app.database import fenced, unit_of_work
from app.extensions import db
from app.models import DisclosureBatch, DisclosureItem, Notification, SchedulerLease
from app.models._types import utcnow
from app.publishers.base import BatchInfo, ItemSource, Publisher, RetryableError
from app.services.audit.admin_trail import CONSOLE
from app.services.disclosure import claims, pipeline
from app.services.notifications.reminders import _failed, _finish
from tests.conftest import PG_URL
from tests.integration.helpers import row_counts
from tests.integration.test_faults import env_for, seed_items, wait_for
from tests.platform import receipt_for

PAST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def lapse_batch_lease(batch_id: str) -> None:
    """The delivering process slept past its lease (SIGSTOP, a VM suspend, a long stall)."""
    db.session.execute(update(DisclosureBatch).where(DisclosureBatch.id == batch_id)
                       .values(lease_until=PAST))
    db.session.commit()


def claimed_batch() -> str:
    seed_items(3)
    found = claims.claim_batch("inspection", 10)
    assert found is not None
    return found[0].id


def batch(batch_id: str) -> DisclosureBatch:
    db.session.rollback()
    return db.session.get_one(DisclosureBatch, batch_id, populate_existing=True)


def test_a_stale_attempt_cannot_undo_its_successors_delivery(ctx):
    batch_id = claimed_batch()
    stale = claims.take_lease(batch_id, 600)
    lapse_batch_lease(batch_id)
    successor = claims.take_lease(batch_id, 600)
    assert stale and successor and stale != successor
    assert claims.mark_delivered(batch_id, successor, "http")
    before = row_counts()
    backoff = dt.timedelta(seconds=60)
    assert not claims.mark_failed(batch_id, stale, "HTTP 500", True, backoff)
    assert not claims.mark_failed(batch_id, stale, "HTTP 400", False, backoff)
    assert not claims.mark_delivered(batch_id, stale, "file")
    settled = batch(batch_id)
    assert (settled.status, settled.attempts, settled.last_error) == ("delivered", 2, None)
    assert settled.publisher == "http" and settled.next_attempt_at is None
    assert row_counts() == before
    assert not db.session.scalar(select(func.count()).where(DisclosureItem.status != "delivered"))
    assert pipeline.due_batches(["inspection"]) == []  # never sent again


def test_a_stale_success_leaves_the_batch_to_the_attempt_holding_it(ctx):
    batch_id = claimed_batch()
    stale = claims.take_lease(batch_id, 600)
    lapse_batch_lease(batch_id)
    successor = claims.take_lease(batch_id, 600)
    assert stale and successor
    assert not claims.mark_delivered(batch_id, stale, "http")
    assert batch(batch_id).status == "pending"  # the successor is still delivering
    assert claims.mark_failed(batch_id, successor, "HTTP 503", True, dt.timedelta(0))
    assert batch(batch_id).status == "retrying"


def test_a_lapsed_lease_that_nobody_took_over_is_still_the_holders(ctx):
    batch_id = claimed_batch()
    token = claims.take_lease(batch_id, 600)
    lapse_batch_lease(batch_id)
    assert token and claims.mark_delivered(batch_id, token, "file")
    assert batch(batch_id).status == "delivered"


def test_a_staff_retry_fences_off_the_attempt_that_failed(ctx):
    batch_id = claimed_batch()
    token = claims.take_lease(batch_id, 600)
    assert token and claims.mark_failed(batch_id, token, "HTTP 400", False, dt.timedelta(0))
    assert claims.send_again(batch_id, CONSOLE, "retry_batch")
    assert not claims.mark_delivered(batch_id, token, "http")
    assert batch(batch_id).status == "retrying"


class TakenOverWhileDelivering(Publisher):
    """Stalls past its lease; meanwhile another run delivers the batch; then the platform fails."""

    name = "http"

    def _deliver(self, batch: BatchInfo, items: ItemSource) -> None:
        lapse_batch_lease(batch.id)
        successor = claims.take_lease(batch.id, 600)
        assert successor and claims.mark_delivered(batch.id, successor, "http")
        raise RetryableError("HTTP 500 after the body was accepted")


def test_the_pipeline_discards_the_outcome_of_a_delivery_that_lost_its_lease(ctx):
    batch_id = claimed_batch()
    summary = pipeline.RunSummary()
    pipeline.deliver(batch_id, TakenOverWhileDelivering(), summary)
    assert summary.superseded == [batch_id] and summary.failed == []
    settled = batch(batch_id)
    assert (settled.status, settled.last_error) == ("delivered", None)


def lapse_scheduler_lease() -> None:
    db.session.execute(update(SchedulerLease).values(expires_at=PAST))
    db.session.commit()


def write_something() -> None:
    with unit_of_work() as session:
        session.execute(text("UPDATE disclosure_batches SET last_error = 'stale write'"))
        session.execute(insert(Notification.__table__).values(
            kind="due_soon", channel="email", recipient="x@example.org", dedup_key="fence-test",
            status="pending", attempts=0, created_at=utcnow()))


def test_a_scheduler_term_fences_every_commit_of_the_work_started_under_it(ctx):
    claimed_batch()
    assert lease.try_acquire(lease.SCHEDULER, "a", 30)
    first = lease.current(lease.SCHEDULER, "a")
    assert first is not None and lease.current(lease.SCHEDULER, "b") is None
    assert lease.try_acquire(lease.SCHEDULER, "a", 30)  # renewed in time: same term
    assert lease.current(lease.SCHEDULER, "a") == first
    with fenced(first.check):
        write_something()  # still the holder: the write lands
    db.session.execute(text("UPDATE disclosure_batches SET last_error = NULL"))
    db.session.execute(Notification.__table__.delete())
    db.session.commit()

    lapse_scheduler_lease()
    assert lease.try_acquire(lease.SCHEDULER, "b", 30)  # a was paused: b took over
    before = row_counts()
    with fenced(first.check), pytest.raises(lease.LeaseLost):
        write_something()
    assert row_counts() == before
    stale = select(func.count()).where(DisclosureBatch.last_error.is_not(None))
    assert db.session.scalar(stale) == 0


def test_a_holder_back_after_a_lapse_starts_a_new_term(ctx):
    assert lease.try_acquire(lease.SCHEDULER, "a", 30)
    old = lease.current(lease.SCHEDULER, "a")
    lapse_scheduler_lease()
    assert lease.current(lease.SCHEDULER, "a") is None  # a job would be skipped now
    assert lease.try_acquire(lease.SCHEDULER, "a", 30)
    new = lease.current(lease.SCHEDULER, "a")
    assert old and new and new.term == old.term + 1
    with fenced(old.check), pytest.raises(lease.LeaseLost):
        write_something()  # a job of the lapsed tenure
    with fenced(new.check):
        write_something()


def test_a_late_sender_never_reopens_a_sent_reminder(ctx):
    db.session.execute(insert(Notification.__table__).values(
        kind="due_soon", channel="email", recipient="staff@example.org", dedup_key="k",
        status="pending", attempts=0, created_at=utcnow()))
    db.session.commit()
    note_id = db.session.scalar(select(Notification.id))
    _finish(note_id, "sent")  # the successor sent it
    _failed([note_id], "connect: timed out")  # the sender that slept wakes up
    _finish(note_id, "cancelled")
    db.session.rollback()
    note = db.session.get_one(Notification, note_id, populate_existing=True)
    assert (note.status, note.attempts, note.last_error) == ("sent", 1, None)


# --- real processes -----------------------------------------------------------------------


class HoldingPlatform:
    """A receiving platform whose first request is held until the test releases it, then
    answered with ``final_status``; every other request is accepted (200)."""

    def __init__(self, final_status: int) -> None:
        self.final_status = final_status
        self.arrived, self.release = threading.Event(), threading.Event()
        self.keys: list[str] = []
        self.lock = threading.Lock()
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with platform.lock:
                    platform.keys.append(self.headers["Idempotency-Key"])
                    first = len(platform.keys) == 1
                if first:
                    platform.arrived.set()
                    platform.release.wait(60)
                status = platform.final_status if first else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(receipt_for(body) if status == 200 else b"held")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/batches"

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def platform_env(database_url: str, tmp_path, platform: HoldingPlatform, **extra: str):  # type: ignore[no-untyped-def]
    return env_for(database_url, tmp_path / "outbox", CREDITFLOW_PUBLISHER="http",
                   CREDITFLOW_PLATFORM_URL=platform.url, CREDITFLOW_PLATFORM_SECRET="s" * 16,
                   CREDITFLOW_PLATFORM_READ_TIMEOUT="120",
                   CREDITFLOW_DELIVERY_LEASE_SECONDS="2", **extra)


def only_batch(app) -> DisclosureBatch:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalars(select(DisclosureBatch)).one()


def undelivered(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(
            select(func.count()).where(DisclosureItem.status != "delivered")) or 0


def pause_until_lapsed(proc: subprocess.Popen, platform: HoldingPlatform) -> None:  # type: ignore[type-arg]
    assert platform.arrived.wait(60), "the first delivery never reached the platform"
    os.kill(proc.pid, signal.SIGSTOP)


@pytest.mark.slow
@pytest.mark.parametrize("answer", [500, 400])
def test_a_run_paused_past_its_lease_cannot_undo_its_successors_delivery(
    app, database_url, tmp_path, answer
):
    with app.app_context():
        total = seed_items(5)
    platform = HoldingPlatform(final_status=answer)
    env = platform_env(database_url, tmp_path, platform)
    command = [sys.executable, "-m", "app.cli", "disclose", "run"]
    stale = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    try:
        pause_until_lapsed(stale, platform)
        assert wait_for(lambda: only_batch(app).lease_until < utcnow(), 30)
        successor = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert successor.returncode == 0, successor.stderr
        assert "1 batches, 5 items delivered" in successor.stdout
        platform.release.set()  # the platform answers the paused run with a failure
        os.kill(stale.pid, signal.SIGCONT)
        out, err = stale.communicate(timeout=120)
    finally:
        if stale.poll() is None:
            os.kill(stale.pid, signal.SIGCONT)
            stale.kill()
        platform.close()
    assert stale.returncode == 0, err
    assert "taken over by another run" in out and "lost the delivery lease" in err
    settled = only_batch(app)
    assert (settled.status, settled.last_error, settled.attempts) == ("delivered", None, 2)
    assert undelivered(app) == 0 and settled.item_count == total
    assert len(platform.keys) == 2 and set(platform.keys) == {settled.id}  # not sent again
    with app.app_context():
        assert pipeline.due_batches(["inspection"]) == []


@pytest.mark.slow
@pytest.mark.skipif(
    not PG_URL,
    reason="two scheduler processes are a PostgreSQL deployment: on SQLite a process paused "
    "inside a write would hold the database's only write lock (CI's second pass runs it)",
)
def test_a_scheduler_paused_mid_job_cannot_undo_what_the_standby_did(app, database_url, tmp_path):
    with app.app_context():
        total = seed_items(5, days_ago=60)  # overdue: the urgent sweep takes them
    platform = HoldingPlatform(final_status=500)
    # A leader stopped inside its lease renewal holds the lease row until PostgreSQL ends its
    # idle transaction: 3 s here instead of 60.
    fast = {"CREDITFLOW_URGENT_SWEEP_SECONDS": "1", "CREDITFLOW_LEASE_SECONDS": "3",
            "CREDITFLOW_LEASE_RENEW_SECONDS": "1", "CREDITFLOW_DB_IDLE_IN_TRANSACTION_SECONDS": "3"}
    env = platform_env(database_url, tmp_path, platform, **fast)
    command = [sys.executable, "-m", "app.cli", "scheduler"]
    logs = [tmp_path / "paused.log", tmp_path / "standby.log"]
    outputs = [open(path, "w") for path in logs]  # noqa: SIM115
    paused = subprocess.Popen(command, env=env, stdout=outputs[0], stderr=subprocess.STDOUT)
    standby: subprocess.Popen[bytes] | None = None
    try:
        pause_until_lapsed(paused, platform)
        standby = subprocess.Popen(command, env=env, stdout=outputs[1], stderr=subprocess.STDOUT)
        assert wait_for(lambda: undelivered(app) == 0, 60), "the standby never delivered"
        with app.app_context():
            holder = db.session.scalar(select(SchedulerLease.holder))
        assert holder and int(holder.split(":")[1]) == standby.pid
        platform.release.set()
        os.kill(paused.pid, signal.SIGCONT)
        assert wait_for(lambda: "standing by" in logs[0].read_text(), 30)
        assert wait_for(lambda: "rolled back" in logs[0].read_text(), 30)
    finally:
        for proc in (paused, standby):
            if proc is not None and proc.poll() is None:
                os.kill(proc.pid, signal.SIGCONT)
                proc.terminate()
                proc.wait(timeout=20)
        for out in outputs:
            out.close()
        platform.close()
    text_ = logs[0].read_text()
    assert "no longer holds lease 'scheduler'" in text_, text_
    settled = only_batch(app)
    assert (settled.status, settled.last_error) == ("delivered", None)
    assert undelivered(app) == 0 and settled.item_count == total
    assert set(platform.keys) == {settled.id} and len(platform.keys) == 2

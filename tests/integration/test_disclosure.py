"""The pipeline on a real database: exactly once, crash-safe, retries and failures."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from app.extensions import db
from app.models import DisclosureBatch, DisclosureItem
from app.publishers.base import PermanentError, RetryableError
from app.publishers.files import FilePublisher
from app.services.base.context import today
from app.services.disclosure import claims, pipeline
from tests import builders as b


@pytest.fixture
def outbox(ctx, tmp_path):
    ctx.config.update(OUTBOX_DIR=str(tmp_path / "outbox"), BATCH_SIZE=7, RETRY_BASE_SECONDS=60)
    return tmp_path / "outbox"


def make_items(n: int) -> None:
    officer = b.staff("officer")
    for i in range(n):
        u = b.unit(officer)
        b.inspection(officer, u.uscc, document_no=f"I-{i}")
        if i % 3 == 0:
            b.penalty(officer, u.uscc, document_no=f"P-{i}")


def delivered_item_ids(root: Path) -> list[int]:
    ids = []
    for path in root.glob("*/*/items.jsonl"):
        ids += [json.loads(line)["item_id"] for line in path.read_text("utf-8").splitlines()]
    return ids


def test_every_item_lands_in_exactly_one_delivered_batch(outbox):
    make_items(20)
    summary = pipeline.run_disclosure()
    total = db.session.scalar(select(func.count()).select_from(DisclosureItem))
    ids = delivered_item_ids(outbox)
    assert sorted(ids) == list(range(1, total + 1))  # each once
    assert summary.items == {"inspection": 20, "penalty": 7}
    assert db.session.scalar(select(func.count()).where(DisclosureItem.status != "delivered")) == 0
    for manifest in outbox.glob("*/*/manifest.json"):
        doc = json.loads(manifest.read_text("utf-8"))
        batch = db.session.get(DisclosureBatch, doc["batch_id"])
        assert batch.status == "delivered" and doc["sha256"] == batch.sha256
        assert doc["files"]["items.jsonl"]["sha256"] == batch.sha256
        assert doc["item_count"] <= 7
    assert pipeline.run_disclosure().delivered == {}  # nothing twice


def test_a_crash_after_writing_redelivers_the_same_batch(outbox):
    make_items(3)
    batch, _rendered = claims.claim_batch("inspection", 10)
    publisher = FilePublisher(outbox)
    # The process writes the files, then dies before recording the delivery.
    publisher.deliver(claims.batch_info(batch), lambda: claims.stream_items(batch.id))
    batch_id = batch.id
    first = (outbox / "inspection" / batch_id / "items.jsonl").read_bytes()
    pipeline.run_disclosure()
    assert db.session.get(DisclosureBatch, batch_id).status == "delivered"
    assert (outbox / "inspection" / batch_id / "items.jsonl").read_bytes() == first
    assert sorted(delivered_item_ids(outbox)) == [1, 2, 3, 4]  # the penalty went in its own batch
    assert db.session.scalar(select(func.count()).select_from(DisclosureBatch)) == 2


class Flaky(FilePublisher):
    def __init__(self, root, error):
        super().__init__(root)
        self.error = error

    def _deliver(self, batch, items):
        if self.error:
            raise self.error
        super()._deliver(batch, items)


def test_retryable_failures_are_retried_later_and_permanent_ones_wait_for_staff(
    outbox, monkeypatch
):
    make_items(2)
    publisher = Flaky(outbox, RetryableError("platform down"))
    monkeypatch.setattr(pipeline, "make_publisher", lambda: publisher)
    summary = pipeline.run_disclosure("inspection")
    assert len(summary.failed) == 1
    batch = db.session.scalar(select(DisclosureBatch))
    assert batch.status == "retrying" and batch.last_error == "platform down"
    batch_id = batch.id
    assert pipeline.run_disclosure("inspection").failed == []  # not yet due: left alone
    db.session.execute(update(DisclosureBatch).values(next_attempt_at=None))
    db.session.commit()
    publisher.error = PermanentError("HTTP 400: bad field")
    pipeline.run_disclosure("inspection")
    batch = db.session.get(DisclosureBatch, batch_id)
    assert batch.status == "failed" and batch.attempts == 2
    assert pipeline.run_disclosure("inspection").failed == []  # failed stays failed
    pending = db.session.scalar(select(func.count()).where(DisclosureItem.status == "claimed"))
    assert pending == 2 and not list(outbox.glob("inspection/*/manifest.json"))


def test_a_held_lease_keeps_a_second_process_away(outbox):
    make_items(1)
    batch_id = claims.claim_batch("inspection", 10)[0].id
    assert claims.take_lease(batch_id, 600)
    assert not claims.take_lease(batch_id, 600)
    summary = pipeline.RunSummary()
    pipeline.deliver(batch_id, FilePublisher(outbox), summary)
    assert summary.delivered == {}


def test_the_urgent_sweep_claims_only_items_due_within_a_working_day(outbox):
    officer = b.staff("officer")
    u = b.unit(officer)
    b.inspection(officer, u.uscc, document_no="OLD", decided_on=today() - dt.timedelta(days=60))
    b.inspection(officer, u.uscc, document_no="NEW", decided_on=today())
    summary = pipeline.run_disclosure(urgent_only=True)
    assert summary.items == {"inspection": 1}
    assert db.session.scalar(select(func.count()).where(DisclosureItem.status == "pending")) == 1

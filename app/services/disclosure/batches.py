"""Reading disclosure batches with their attempts, and an admin sending one again: a failed
batch (retry) or a delivered one the platform lost (re-send), under the same id."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select, update

from app.database import unit_of_work
from app.errors import Conflict, NotFound
from app.extensions import db
from app.i18n import N_
from app.models import BatchAttempt, DisclosureBatch, DisclosureItem
from app.models._types import utcnow
from app.publishers.formats import csv_lines, jsonl
from app.services.base.context import authorize, setting_int
from app.services.base.files import area
from app.services.base.paging import page_of
from app.services.disclosure.claims import send_again, stream_items
from app.workflows.facts import Actor


def list_batches(
    category: str | None, status: str | None, page: int, per_page: int
) -> tuple[list[DisclosureBatch], int]:
    """Batches, newest first, by category and status."""
    query = select(DisclosureBatch)
    if category:
        query = query.where(DisclosureBatch.category == category)
    if status:
        query = query.where(DisclosureBatch.status == status)
    newest = (DisclosureBatch.created_at.desc(), DisclosureBatch.id.desc())
    return page_of(query, newest, page, per_page)


def get_batch(batch_id: str) -> DisclosureBatch:
    """The batch with this id, or ``NotFound``."""
    batch = db.session.get(DisclosureBatch, batch_id[:64])
    if batch is None:
        raise NotFound(N_("未找到该批次。"))
    return batch


def batch_items(batch_id: str, page: int, per_page: int) -> list[DisclosureItem]:
    """One page of a batch's items, in id order."""
    return list(db.session.scalars(
        select(DisclosureItem).where(DisclosureItem.batch_id == batch_id)
        .order_by(DisclosureItem.id).offset((page - 1) * per_page).limit(per_page)
    ))


def attempts(batch_id: str) -> list[BatchAttempt]:
    """Every delivery attempt of the batch, newest first."""
    return list(db.session.scalars(select(BatchAttempt).where(BatchAttempt.batch_id == batch_id)
                                   .order_by(BatchAttempt.number.desc(),
                                             BatchAttempt.id.desc())))


def retry_batch(batch_id: str, by: Actor) -> DisclosureBatch:
    """Send a failed batch again at the next run (same id, so nothing is published twice)."""
    authorize(by, "send_batch_again")
    return _again(batch_id, by, "retry_batch", N_("只有发送失败的批次可以重试。"))


def resend_batch(batch_id: str, by: Actor) -> DisclosureBatch:
    """Send a delivered batch again at the next run, for a platform that lost it (same id:
    a platform that has it acknowledges the repeat and publishes nothing twice)."""
    authorize(by, "send_batch_again")
    return _again(batch_id, by, "resend_batch", N_("只有已推送的批次可以重新发送。"))


def _again(batch_id: str, by: Actor, trigger: str, refusal: str) -> DisclosureBatch:
    batch = get_batch(batch_id)
    if not send_again(batch.id, by, trigger):
        raise Conflict(refusal, status=batch.status)
    return db.session.get_one(DisclosureBatch, batch.id, populate_existing=True)


def payload(batch: DisclosureBatch, fmt: str) -> Iterator[bytes]:
    """The batch's payload as delivered: JSON Lines, or the CSV for Excel; streamed."""
    items: Any = stream_items(batch.id)
    return jsonl(items) if fmt == "jsonl" else csv_lines(batch.category, items)


FILES = ("items.jsonl", "items.csv", "manifest.json")


def prune_batch_files(limit: int = 1000) -> int:
    """Remove the file publisher's files of batches delivered more than
    ``BATCH_FILE_RETENTION_DAYS`` ago (0: keep them); the database keeps the items. Returns
    how many batches' files went."""
    days = setting_int("BATCH_FILE_RETENTION_DAYS")
    if not days:
        return 0
    due = db.session.execute(
        select(DisclosureBatch.id, DisclosureBatch.category).where(
            DisclosureBatch.publisher == "file", DisclosureBatch.status == "delivered",
            DisclosureBatch.files_removed_at.is_(None),
            DisclosureBatch.delivered_at < utcnow() - dt.timedelta(days=days))
        .order_by(DisclosureBatch.delivered_at).limit(limit)).all()
    db.session.rollback()
    outbox = area("outbox")
    for batch_id, category in due:  # the manifest first: never a manifest without its files
        for name in reversed(FILES):
            outbox.delete(f"{category}/{batch_id}/{name}")
    if due:
        with unit_of_work() as session:
            session.execute(update(DisclosureBatch)
                            .where(DisclosureBatch.id.in_([i for i, _ in due]))
                            .values(files_removed_at=utcnow()))
    return len(due)

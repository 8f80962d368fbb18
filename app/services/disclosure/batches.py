"""Reading disclosure batches and asking for a failed one to be sent again."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from app.errors import Conflict, NotFound
from app.extensions import db
from app.i18n import N_
from app.models import DisclosureBatch, DisclosureItem
from app.publishers.formats import csv_lines, jsonl
from app.services.base.paging import page_of
from app.services.disclosure.claims import retry_failed, stream_items
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


def retry_batch(batch_id: str, by: Actor) -> DisclosureBatch:
    """Send a failed batch again at the next run (same id, so nothing is published twice)."""
    batch = get_batch(batch_id)
    if not retry_failed(batch.id, by):
        raise Conflict(N_("只有发送失败的批次可以重试。"), status=batch.status)
    return db.session.get_one(DisclosureBatch, batch.id, populate_existing=True)


def payload(batch: DisclosureBatch, fmt: str) -> Iterator[bytes]:
    """The batch's payload as delivered: JSON Lines, or the CSV for Excel; streamed."""
    items: Any = stream_items(batch.id)
    return jsonl(items) if fmt == "jsonl" else csv_lines(batch.category, items)

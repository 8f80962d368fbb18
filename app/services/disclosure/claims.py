"""The disclosure pipeline: claim pending items into immutable batches, deliver them.

Claiming is one set-based statement per batch; on PostgreSQL it skips rows another process has
locked, on SQLite the write lock serialises claimers. Each delivery attempt takes a lease on
the batch with a fresh token, and the batch is marked delivered only after the publisher
succeeded: a crash anywhere leads to the same batch being delivered again, never to a lost
item or an item in two batches. A process paused past its lease may find that another attempt
took the batch over; its outcome is written only while its token is still the batch's and the
batch is unsettled, so it never undoes what the other attempt recorded.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from typing import Any

from sqlalchemy import (
    Text,
    and_,
    bindparam,
    cast,
    column,
    exists,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from app.database import unit_of_work
from app.extensions import db
from app.models import BatchAttempt, DisclosureBatch, DisclosureItem, EnforcementRecord
from app.models._types import utcnow
from app.publishers import formats
from app.publishers.base import BatchInfo, Receipt
from app.publishers.formats import Item
from app.services.audit import admin_trail
from app.workflows import batch as machine
from app.workflows import publicity
from app.workflows.facts import Actor

ITEMS = DisclosureItem.__table__
BATCHES = DisclosureBatch.__table__
ATTEMPTS = BatchAttempt.__table__
RECORDS = EnforcementRecord.__table__
STREAM_CHUNK = 2000

# One statement claims the rows and returns them (SQLite >= 3.35 and PostgreSQL: RETURNING).
_RETURNING = " RETURNING id, op, category, record_id, seq, payload, listing_id"
# The payload as the text it was stored as (not decoded): it is the line's "fields".
_COLUMNS = (ITEMS.c.id, ITEMS.c.op, ITEMS.c.category, ITEMS.c.record_id, ITEMS.c.seq,
            column("payload", Text), ITEMS.c.listing_id)
_CLAIM_PG = text(
    "UPDATE disclosure_items SET status = 'claimed', batch_id = :batch "
    "WHERE id IN (SELECT id FROM disclosure_items WHERE status = 'pending' "
    "AND category = :category AND due_by <= :due ORDER BY id LIMIT :size "
    "FOR UPDATE SKIP LOCKED)" + _RETURNING.replace("payload", "payload::text AS payload")
).columns(*_COLUMNS)
_CLAIM_SQLITE = text(
    "UPDATE disclosure_items SET status = 'claimed', batch_id = :batch "
    "WHERE id IN (SELECT id FROM disclosure_items WHERE status = 'pending' "
    "AND category = :category AND due_by <= :due ORDER BY id LIMIT :size)" + _RETURNING
).columns(*_COLUMNS)
NO_LIMIT = dt.date(9999, 12, 31)


def new_batch_id(category: str) -> str:
    """Sortable and unique: ``<UTC time>-<category>-<random>``."""
    return f"{utcnow():%Y%m%dT%H%M%S}-{category}-{secrets.token_hex(4)}"


def stream_items(batch_id: str) -> Iterator[Item]:
    """A batch's items in id order, fetched in chunks (constant memory for any size)."""
    last = 0
    query = (
        select(
            ITEMS.c.id,
            ITEMS.c.op,
            ITEMS.c.category,
            ITEMS.c.record_id,
            ITEMS.c.seq,
            cast(ITEMS.c.payload, Text).label("payload"),
            ITEMS.c.listing_id,
        )
        .where(ITEMS.c.batch_id == batch_id, ITEMS.c.status != "superseded")
        .order_by(ITEMS.c.id)
        .limit(STREAM_CHUNK)
    )
    while True:
        rows = db.session.execute(query.where(ITEMS.c.id > last)).all()
        for row in rows:
            yield Item(row.id, row.op, row.category, row.record_id, row.seq, row.payload,
                       row.listing_id)
        if len(rows) < STREAM_CHUNK:
            return
        last = rows[-1].id


def claim_batch(
    category: str, size: int, due_by: dt.date = NO_LIMIT
) -> tuple[DisclosureBatch, list[Item]] | None:
    """Claim up to ``size`` pending items of ``category`` due by ``due_by`` into a new batch.

    Returns the batch and its items (at most ``size``, so memory stays bounded), which the
    first delivery uses instead of reading them again.
    """
    batch_id = new_batch_id(category)
    with unit_of_work() as session:
        session.execute(BATCHES.insert().values(
            id=batch_id, category=category, created_at=utcnow(), item_count=0, sha256="",
            status="pending", attempts=0))
        claim = _CLAIM_SQLITE if session.get_bind().dialect.name == "sqlite" else _CLAIM_PG
        rows = session.execute(
            claim, {"batch": batch_id, "category": category, "due": due_by, "size": size}
        ).all()
        if not rows:
            session.execute(BATCHES.delete().where(BATCHES.c.id == batch_id))
            return None
        # RETURNING promises no order; the payload is in id order.
        items = sorted((Item(*row) for row in rows), key=lambda item: item.id)
        claimed = len(items)
        sha, _size = formats.digest(formats.jsonl(items))
        session.execute(
            BATCHES.update().where(BATCHES.c.id == batch_id).values(item_count=claimed, sha256=sha)
        )
    return db.session.get_one(DisclosureBatch, batch_id), items


def batch_info(batch: DisclosureBatch) -> BatchInfo:
    """What the publisher is told about a batch."""
    counts = db.session.execute(
        select(ITEMS.c.op, func.count())
        .where(ITEMS.c.batch_id == batch.id, ITEMS.c.status != "superseded").group_by(ITEMS.c.op)
    ).all()
    ops = {str(op): int(n) for op, n in counts}
    return BatchInfo(batch.id, batch.category, batch.created_at.isoformat(), batch.item_count,
                     batch.sha256, ops)


def take_lease(batch_id: str, seconds: int) -> str | None:
    """Hold the batch for one delivery attempt, and open the attempt's row (with who asked
    for it); its token, or None when it is delivered, failed, or held by another attempt
    whose lease runs."""
    now, token = utcnow(), secrets.token_hex(16)
    with unit_of_work() as session:
        taken = session.execute(
            update(BATCHES)
            .where(
                BATCHES.c.id == batch_id,
                BATCHES.c.status.in_(machine.UNSETTLED),
                (BATCHES.c.lease_until.is_(None)) | (BATCHES.c.lease_until < now),
            )
            .values(lease_until=now + dt.timedelta(seconds=seconds), lease_token=token,
                    attempts=BATCHES.c.attempts + 1)
            .returning(BATCHES.c.attempts, BATCHES.c.asked_by)
        ).first()
        if taken is not None:
            session.execute(ATTEMPTS.insert().values(batch_id=batch_id, number=taken.attempts,
                                                     token=token, started_at=now,
                                                     asked_by=taken.asked_by))
            session.execute(update(BATCHES).where(BATCHES.c.id == batch_id)
                            .values(asked_by=None))  # the next attempt is the schedule's
    return token if taken is not None else None


def _held(batch_id: str, token: str) -> Any:
    """The batch, while ``token``'s attempt still holds it and it is not settled: the fence of
    every outcome. A lapsed lease that nobody took over still counts as held."""
    return (
        (BATCHES.c.id == batch_id)
        & (BATCHES.c.lease_token == token)
        & BATCHES.c.status.in_(machine.UNSETTLED)
    )


def mark_delivered(batch_id: str, token: str, publisher: str,
                   receipt: Receipt | None = None) -> bool:
    """Record a successful delivery: the batch, its items, and the items the receipt says
    the platform refused (``rejected``, with the reason), in one transaction.

    False, and nothing written, when another attempt has taken the batch over meanwhile.
    """
    now, receipt = utcnow(), receipt or Receipt()
    in_batch = (ITEMS.c.batch_id == batch_id) & (ITEMS.c.status != "superseded")
    with unit_of_work() as session:
        held = session.execute(BATCHES.update().where(_held(batch_id, token)).values(
            status=machine.dest("deliver"), delivered_at=now, lease_until=None, last_error=None,
            next_attempt_at=None, publisher=publisher, receipt=receipt.text or None,
        )).rowcount  # type: ignore[attr-defined]
        if held:
            session.execute(ITEMS.update().where(in_batch)
                            .values(status="delivered", rejection=None))
            if receipt.rejected:  # one statement for every refusal (executemany)
                session.execute(
                    ITEMS.update().where(in_batch, ITEMS.c.id == bindparam("item"))
                    .values(status="rejected", rejection=bindparam("reason")),
                    [{"item": item_id, "reason": reason or "—"}
                     for item_id, reason in receipt.rejected.items()])
            refused = session.scalar(select(func.count()).where(
                ITEMS.c.batch_id == batch_id, ITEMS.c.status == "rejected"))
            session.execute(BATCHES.update().where(BATCHES.c.id == batch_id)
                            .values(rejected_count=refused))
            _publish_records(session, batch_id)
            _close_attempt(session, token, "delivered", None)
    return bool(held)


def drop_superseded(batch_id: str, token: str) -> tuple[int, bool]:
    """Before a batch goes out again (a retry or a re-send), leave out every item a newer
    item of the same record overtook on the platform (a higher ``seq``, delivered): sending
    it would offer an older state after a newer one (items of one record within the batch go
    in ``seq`` order, as first sent). The batch's count and sha256 follow what remains; a
    batch with nothing left is ``superseded`` (its attempt says so). Returns how many were
    left out and whether anything remains to send."""
    newer = ITEMS.alias("newer")
    same = or_(newer.c.record_id == ITEMS.c.record_id,  # the same record, or the same
               and_(ITEMS.c.record_id.is_(None), newer.c.record_id.is_(None),  # listing's own
                    newer.c.listing_id == ITEMS.c.listing_id))
    overtaken = exists(select(newer.c.id).where(
        same, newer.c.seq > ITEMS.c.seq,
        newer.c.status == "delivered", newer.c.batch_id != batch_id))
    with unit_of_work() as session:
        if session.scalar(select(BATCHES.c.id).where(_held(batch_id, token))) is None:
            return 0, True  # taken over: the attempt that holds it decides
        left_out = session.execute(update(ITEMS).where(
            ITEMS.c.batch_id == batch_id, ITEMS.c.status != "superseded", overtaken,
        ).values(status="superseded")).rowcount  # type: ignore[attr-defined]
        if not left_out:
            return 0, True
        remaining = list(stream_items(batch_id))
        if not remaining:
            session.execute(BATCHES.update().where(_held(batch_id, token)).values(
                status=machine.dest("supersede"), lease_until=None, next_attempt_at=None,
                last_error=None))
            _close_attempt(session, token, "superseded", None)
            return left_out, False
        sha, _size = formats.digest(formats.jsonl(remaining))
        session.execute(BATCHES.update().where(BATCHES.c.id == batch_id)
                        .values(item_count=len(remaining), sha256=sha))
    return left_out, True


def _close_attempt(session: Session, token: str, outcome: str, error: str | None) -> None:
    session.execute(ATTEMPTS.update().where(ATTEMPTS.c.token == token)
                    .values(outcome=outcome, error=error, finished_at=utcnow()))


def _publish_records(session: Session, batch_id: str) -> None:
    """Penalty records whose addition this batch delivered are now public (the machine's
    ``publish``), in one statement for the whole batch."""
    # NOT IN, not "= 'delivered'": an equality on status would lead the planner to the status
    # index and through every item ever delivered instead of this batch's.
    added = select(ITEMS.c.record_id).where(
        ITEMS.c.batch_id == batch_id, ITEMS.c.op == "add",
        ITEMS.c.status.notin_(("rejected", "superseded")))
    session.execute(
        update(RECORDS)
        .where(RECORDS.c.id.in_(added),
               RECORDS.c.publicity_status.in_(publicity.MACHINE.sources("publish")))
        .values(publicity_status=publicity.MACHINE.dest("publish"))
    )


def mark_failed(
    batch_id: str, token: str, error: str, retryable: bool, retry_in: dt.timedelta
) -> bool:
    """Record a failed delivery: retried later, or failed for good (a permanent refusal, or
    the pipeline gave up) and shown to staff.

    False, and nothing written, when another attempt has taken the batch over meanwhile.
    """
    outcome = machine.dest("fail_retryable" if retryable else "fail")
    with unit_of_work() as session:
        held = session.execute(
            BATCHES.update()
            .where(_held(batch_id, token))
            .values(
                status=outcome,
                last_error=error[:2000],
                lease_until=None,
                next_attempt_at=utcnow() + retry_in if retryable else None,
            )
        ).rowcount  # type: ignore[attr-defined]
        if held:
            _close_attempt(session, token, outcome, error[:2000])
    return bool(held)


def send_again(batch_id: str, by: Actor, trigger: str) -> bool:
    """An admin sends a batch again (same id, the idempotency key, and the same payload): a
    ``failed`` one (``retry_batch``, trail ``batch_retried``) or a ``delivered`` one the
    platform lost (``resend_batch``, ``batch_resent``). It is due at the next run; who asked is
    in the administration trail and on the attempt. False when the batch's state does not
    allow ``trigger``."""
    action = {"retry_batch": "batch_retried", "resend_batch": "batch_resent"}[trigger]
    with unit_of_work() as session:
        changed = session.execute(
            BATCHES.update()
            .where(BATCHES.c.id == batch_id, BATCHES.c.status.in_(machine.sources(trigger)))
            .values(status=machine.dest(trigger), next_attempt_at=None, lease_until=None,
                    lease_token=None, asked_by=by.name)
        ).rowcount  # type: ignore[attr-defined]
        if changed:
            admin_trail.record(session, action, f"batch:{batch_id}", by, {})
    return bool(changed)

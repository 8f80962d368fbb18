"""Running the disclosure pipeline: deliver what is due, then claim and deliver new batches."""

from __future__ import annotations

import datetime as dt
import logging
import random
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select

from app.database import unit_of_work
from app.extensions import db
from app.models import DisclosureBatch
from app.models._types import utcnow
from app.publishers.base import BatchInfo, DeliveryError, Publisher
from app.publishers.files import FilePublisher
from app.publishers.formats import Item
from app.publishers.http import HttpPublisher
from app.services.audit import admin_trail
from app.services.base.context import (
    authorize,
    calendar,
    setting_float,
    setting_int,
    setting_str,
    today,
)
from app.services.base.files import area
from app.services.disclosure import claims
from app.workflows import batch as batch_machine
from app.workflows.facts import Actor
from app.workflows.vocabulary import DISCLOSURE_CATEGORIES as CATEGORIES

log = logging.getLogger("creditflow.disclosure")


@dataclass
class RunSummary:
    """What one run did, per category."""

    delivered: dict[str, int] = field(default_factory=dict)
    items: dict[str, int] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)
    superseded: list[str] = field(default_factory=list)  # outcomes discarded: lease lost
    overtaken: list[str] = field(default_factory=list)  # nothing left to send: all newer
    refused_items: int = 0  # items the platform's receipts refused

    def add(self, batch: BatchInfo, ok: bool) -> None:
        if ok:
            self.delivered[batch.category] = self.delivered.get(batch.category, 0) + 1
            self.items[batch.category] = self.items.get(batch.category, 0) + batch.item_count
        else:
            self.failed.append(batch.id)


def make_publisher() -> Publisher:
    """The publisher the configuration names (checked at start): ``file`` (default), into
    the outbox storage area, or ``http``."""
    kind = setting_str("PUBLISHER")
    if kind == "http":
        return HttpPublisher(
            setting_str("PLATFORM_URL"), setting_str("PLATFORM_SECRET"),
            connect_timeout=setting_float("PLATFORM_CONNECT_TIMEOUT"),
            read_timeout=setting_float("PLATFORM_READ_TIMEOUT"),
        )
    return FilePublisher(area("outbox"))


def deliver(
    batch_id: str,
    publisher: Publisher,
    summary: RunSummary,
    claimed: list[Item] | None = None,
) -> None:
    """Deliver one batch under a lease, then record the outcome if the lease is still ours.

    ``claimed``: the items as read when the batch was claimed, if this is that run.
    """
    lease = setting_int("DELIVERY_LEASE_SECONDS")
    token = claims.take_lease(batch_id, lease)
    if token is None:
        return
    if claimed is None:  # a retry or re-send: never offer a state a newer one overtook
        left_out, remaining = claims.drop_superseded(batch_id, token)
        if left_out:
            log.warning("batch %s: %d items left out, a newer item of their record was "
                        "delivered since", batch_id, left_out)
        if not remaining:
            summary.overtaken.append(batch_id)
            return
    batch = db.session.get_one(DisclosureBatch, batch_id, populate_existing=True)
    info, attempts, age = claims.batch_info(batch), batch.attempts, utcnow() - batch.created_at
    if claimed is None:  # read the items now: no transaction stays open across the network
        claimed = list(claims.stream_items(batch_id))
    db.session.rollback()
    try:
        receipt = publisher.deliver(info, lambda: claimed)
    except DeliveryError as exc:
        # Doubling from RETRY_BASE_SECONDS, up to a quarter more at random (batches that
        # failed together do not retry together), never sooner than the receiver asked.
        backoff = setting_int("RETRY_BASE_SECONDS") * 2 ** min(attempts - 1, 8)
        backoff = max(backoff * random.uniform(1.0, 1.25), exc.retry_after or 0.0)
        exhausted = (attempts >= setting_int("BATCH_GIVE_UP_ATTEMPTS")
                     or age >= dt.timedelta(hours=setting_int("BATCH_GIVE_UP_HOURS")))
        error = str(exc)
        if exc.retryable and exhausted:
            error = f"{exc} (gave up after {attempts} attempts in {_hours(age)} h)"
        retrying = exc.retryable and not exhausted
        held = claims.mark_failed(batch_id, token, error, retrying, dt.timedelta(seconds=backoff))
        outcome = "retrying" if retrying else "failed"
        if held and retrying:
            log.warning("batch %s (%s) attempt %d failed, next in %.0f s: %s", batch_id,
                        info.category, attempts, backoff, error)
        elif held:
            log.error("batch %s (%s) failed for good after attempt %d: %s", batch_id,
                      info.category, attempts, error)
    else:
        held = claims.mark_delivered(batch_id, token, publisher.name, receipt)
        outcome = "delivered"
        if held:
            summary.refused_items += len(receipt.rejected)
            log.info("batch %s (%s) delivered: %d items via %s, attempt %d", batch_id,
                     info.category, info.item_count, publisher.name, attempts)
            if receipt.rejected:
                log.error("batch %s: the platform refused %d items: %s", batch_id,
                          len(receipt.rejected), dict(list(receipt.rejected.items())[:5]))
    if not held:
        log.warning("batch %s: lost the delivery lease while delivering; this attempt's outcome "
                    "(%s) is discarded, the attempt that took over records its own",
                    batch_id, outcome)
        summary.superseded.append(batch_id)
        return
    summary.add(info, ok=outcome == "delivered")


def _hours(age: dt.timedelta) -> str:
    return f"{age.total_seconds() / 3600:.1f}"


def due_batches(categories: list[str]) -> list[str]:
    """Batches claimed but not delivered whose (re)try time has come, oldest first."""
    return list(
        db.session.scalars(
            select(DisclosureBatch.id)
            .where(
                DisclosureBatch.category.in_(categories),
                DisclosureBatch.status.in_(batch_machine.UNSETTLED),
                (DisclosureBatch.next_attempt_at.is_(None))
                | (DisclosureBatch.next_attempt_at <= utcnow()),
            )
            .order_by(DisclosureBatch.created_at, DisclosureBatch.id)
        )
    )


def run_disclosure(category: str | None = None, urgent_only: bool = False) -> RunSummary:
    """One run: first batches left over (crash, failure), then new ones until nothing is pending.

    ``urgent_only``: claim only items due within one working day (the 15-minute sweep).
    """
    if category is not None and category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    categories = [category] if category else list(CATEGORIES)
    publisher = make_publisher()
    summary = RunSummary()
    for batch_id in due_batches(categories):
        deliver(batch_id, publisher, summary)
    due = calendar().add_workdays(today(), 1).day if urgent_only else claims.NO_LIMIT
    size = setting_int("BATCH_SIZE")
    for name in categories:
        while (new := claims.claim_batch(name, size, due)) is not None:
            batch, items = new
            deliver(batch.id, publisher, summary, items)
            db.session.remove()  # keep the identity map small on long runs
    if summary.failed:
        log.warning("disclosure run: %d batches failed: %s", len(summary.failed), summary.failed)
    current_app.logger.info("disclosure run: %s", summary)
    return summary


def run_by_hand(actor: Actor, category: str | None = None) -> RunSummary:
    """A run someone asked for (staff "run now", the API, ``disclose run``): who asked is in
    the administration trail before the run starts."""
    authorize(actor, "run_disclosure")
    if category is not None and category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    with unit_of_work() as session:
        admin_trail.record(session, "disclosure_run", f"disclosure:{category or 'all'}", actor,
                           {"category": category})
    return run_disclosure(category)

"""The deadline monitor: items due soon or overdue, the scheduler's jobs as they last ran, and
the figures /metrics exposes (every count bounded: indexed, or over rows still waiting)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, literal, select

from app.database import unit_of_work
from app.extensions import db
from app.models import (
    DisclosureBatch,
    DisclosureItem,
    JobRun,
    Listing,
    Notification,
    Objection,
    SchedulerLease,
)
from app.models._types import utcnow
from app.services.base.context import calendar, today
from app.services.base.paging import page_of
from app.workflows.vocabulary import OPEN_OBJECTIONS

UNDELIVERED = ("pending", "claimed")


def due_items(which: str, category: str | None, page: int, per_page: int) -> tuple[list[Any], int]:
    """Undelivered items that are ``overdue`` (deadline before today) or due ``soon``
    (today up to the next working day), most urgent first."""
    horizon = calendar().add_workdays(today(), 1).day
    query = select(DisclosureItem).where(DisclosureItem.status.in_(UNDELIVERED))
    if which == "overdue":
        query = query.where(DisclosureItem.due_by < today())
    else:
        query = query.where(DisclosureItem.due_by >= today(), DisclosureItem.due_by <= horizon)
    if category:
        query = query.where(DisclosureItem.category == category)
    return page_of(query, (DisclosureItem.due_by, DisclosureItem.id), page, per_page)


def figures() -> dict[str, Any]:
    """Counts for /metrics, each by category where it has one."""
    session = db.session
    # Cheap at any size: undelivered items are counted on the (status, category) index; the
    # delivered ones are the item counts of the delivered batches, never a scan of all items.
    items = list(session.execute(
        select(DisclosureItem.category, DisclosureItem.status, func.count())
        .where(DisclosureItem.status.in_(UNDELIVERED))
        .group_by(DisclosureItem.category, DisclosureItem.status)
    ).all())
    items += session.execute(
        select(DisclosureBatch.category, literal("delivered"),
               func.coalesce(func.sum(DisclosureBatch.item_count), 0))
        .where(DisclosureBatch.status == "delivered")
        .group_by(DisclosureBatch.category)
    ).all()
    overdue = session.execute(
        select(DisclosureItem.category, func.count())
        .where(DisclosureItem.status.in_(UNDELIVERED), DisclosureItem.due_by < today())
        .group_by(DisclosureItem.category)
    ).all()
    batches = session.execute(
        select(DisclosureBatch.category, DisclosureBatch.status, func.count())
        .group_by(DisclosureBatch.category, DisclosureBatch.status)
    ).all()
    blocked = session.scalar(
        select(func.count()).where(
            Listing.status == "active", Listing.expiry_blocked_on.is_not(None)
        )
    )
    waiting_mail = session.execute(
        select(Notification.status, func.count())
        .where(Notification.status.in_(("pending", "failed")))
        .group_by(Notification.status)
    ).all()
    # Objections by category and status (the table is small: a district's year has dozens),
    # and the open ones past their deadline.
    objections = session.execute(
        select(Objection.category, Objection.status, func.count())
        .group_by(Objection.category, Objection.status)).all()
    objections_overdue = session.execute(
        select(Objection.category, func.count())
        .where(Objection.status.in_(OPEN_OBJECTIONS), Objection.due_on < today())
        .group_by(Objection.category)).all()
    leader = session.execute(select(SchedulerLease.holder, SchedulerLease.expires_at)
                             .where(SchedulerLease.expires_at > utcnow())).first()
    jobs = session.execute(select(JobRun.job, JobRun.last_success_at, JobRun.last_failure_at)
                           ).all()
    return {
        "mail": {status: int(n) for status, n in waiting_mail},
        "leader": leader,
        "jobs": [(job, ok, failed) for job, ok, failed in jobs],
        "items": [(c, s, int(n)) for c, s, n in items],
        "overdue": [(c, int(n)) for c, n in overdue],
        "batches": [(c, s, int(n)) for c, s, n in batches],
        "expiry_blocked": int(blocked or 0),
        "objections": [(c, s, int(n)) for c, s, n in objections],
        "objections_overdue": [(c, int(n)) for c, n in objections_overdue],
    }


def record_run(job: str, error: str | None = None) -> None:
    """A scheduler job finished: its last success, or its last failure with the error."""
    now = utcnow()
    with unit_of_work() as session:
        row = session.get(JobRun, job, with_for_update=True)
        if row is None:
            row = JobRun(job=job)
            session.add(row)
        if error is None:
            row.last_success_at = now
        else:
            row.last_failure_at, row.last_error = now, error[:2000]

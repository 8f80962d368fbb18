"""The staff work queue: what waits for a decision, what is due, and what failed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    DisclosureBatch,
    DisclosureItem,
    EnforcementRecord,
    Listing,
    Objection,
    Revocation,
    Unit,
)
from app.models.listings import RestorationRequest
from app.models.units import CREDIT_STATUSES
from app.services.base.context import calendar, today
from app.services.disclosure.monitor import UNDELIVERED
from app.services.staff.holidays import missing_schedule
from app.workflows import application
from app.workflows.vocabulary import OPEN_OBJECTIONS

LIMIT = 50  # rows per section; the counts say how many there are in all


@dataclass
class WorkQueue:
    """The home page's sections, each a list of rows and a total."""

    objections: list[Any] = field(default_factory=list)  # nearest deadline first
    proposals: list[Any] = field(default_factory=list)
    revocations: list[Any] = field(default_factory=list)
    requests: list[Any] = field(default_factory=list)
    due_items: list[Any] = field(default_factory=list)
    failed_batches: list[DisclosureBatch] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    status_counts: dict[str, int] = field(default_factory=dict)
    horizon: dt.date | None = None
    schedule_missing: int | None = None  # next year, while its official schedule is missing


def _count(query: Any) -> int:
    return int(db.session.scalar(select(func.count()).select_from(query.subquery())) or 0)


def work_queue() -> WorkQueue:
    """Every section of the queue in a handful of set-based queries."""
    session = db.session
    proposals = (
        select(Listing.id, Listing.level, Listing.proposed_at, Listing.proposed_by,
               Listing.document_no, Unit.uscc, Unit.name)
        .join(Unit, Unit.id == Listing.unit_id).where(Listing.status == "proposed")
    )
    revocations = (
        select(Revocation.id, Revocation.kind, Revocation.document_no, Revocation.proposed_at,
               Revocation.proposed_by, Unit.uscc, Unit.name)
        .join(Unit, Unit.id == Revocation.unit_id).where(Revocation.status == "proposed")
    )
    requests = (
        select(RestorationRequest.id, RestorationRequest.due_on,
               RestorationRequest.due_on_provisional, RestorationRequest.filed_by,
               RestorationRequest.filed_at, RestorationRequest.record_id,
               EnforcementRecord.document_no, Unit.uscc, Unit.name)
        .join(Unit, Unit.id == RestorationRequest.unit_id)
        .outerjoin(EnforcementRecord, EnforcementRecord.id == RestorationRequest.record_id)
        .where(RestorationRequest.status == application.OPEN)
    )
    horizon = calendar().add_workdays(today(), 1).day
    objections = (
        select(Objection.id, Objection.target, Objection.category, Objection.status,
               Objection.due_on, Objection.due_on_provisional, Objection.filed_on,
               Objection.channel, EnforcementRecord.document_no, Unit.uscc, Unit.name)
        .join(Unit, Unit.id == Objection.unit_id)
        .outerjoin(EnforcementRecord, EnforcementRecord.id == Objection.record_id)
        .where(Objection.status.in_(OPEN_OBJECTIONS))
    )
    items = (
        select(DisclosureItem.id, DisclosureItem.category, DisclosureItem.op,
               DisclosureItem.due_by,
               func.coalesce(EnforcementRecord.document_no, Listing.document_no)
               .label("document_no"), Unit.uscc, Unit.name)
        .outerjoin(EnforcementRecord, EnforcementRecord.id == DisclosureItem.record_id)
        .outerjoin(Listing, (Listing.id == DisclosureItem.listing_id)
                   & DisclosureItem.record_id.is_(None))
        .join(Unit, Unit.id == DisclosureItem.unit_id)
        .where(DisclosureItem.status.in_(UNDELIVERED), DisclosureItem.due_by <= horizon)
    )
    failed = select(DisclosureBatch).where(DisclosureBatch.status == "failed")
    counts = dict.fromkeys(CREDIT_STATUSES, 0)
    for status, n in session.execute(
        select(Unit.credit_status, func.count()).group_by(Unit.credit_status)
    ):
        counts[status] = int(n)
    return WorkQueue(
        objections=list(session.execute(objections.order_by(Objection.due_on, Objection.id)
                                        .limit(LIMIT))),
        proposals=list(session.execute(proposals.order_by(Listing.proposed_at).limit(LIMIT))),
        revocations=list(session.execute(revocations.order_by(Revocation.proposed_at)
                                         .limit(LIMIT))),
        requests=list(session.execute(requests.order_by(RestorationRequest.due_on).limit(LIMIT))),
        due_items=list(session.execute(
            items.order_by(DisclosureItem.due_by, DisclosureItem.id).limit(LIMIT))),
        failed_batches=list(session.scalars(failed.order_by(DisclosureBatch.created_at))),
        totals={"objections": _count(objections), "proposals": _count(proposals),
                "revocations": _count(revocations),
                "requests": _count(requests),
                "due_items": _count(items)},
        status_counts=counts,
        horizon=horizon,
        schedule_missing=missing_schedule(today()),
    )

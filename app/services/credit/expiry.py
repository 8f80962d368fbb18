"""The daily expiry sweep: end listings, and penalty records' own publicity, at their maximum
period where the obligations are met; flag the listings that cannot end for staff (the listing
stays, as the rules require)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from app.database import lock_unit_row, unit_of_work
from app.errors import InvalidTransition
from app.extensions import db
from app.models import EnforcementRecord, Listing, Unit
from app.services.base.context import today
from app.services.credit.listings import expire_listing, publish_listing
from app.services.credit.record_publicity import record_facts, transition
from app.services.disclosure import outbox
from app.services.disclosure.windows import window, window_may_have_passed
from app.workflows import publicity
from app.workflows.facts import SYSTEM


@dataclass
class SweepResult:
    expired: list[str] = field(default_factory=list)
    blocked: dict[str, str] = field(default_factory=dict)
    records_expired: list[int] = field(default_factory=list)
    records_blocked: dict[int, str] = field(default_factory=dict)
    licences_lapsed: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"listings: {len(self.expired)} expired, {len(self.blocked)} blocked; "
                f"records: {len(self.records_expired)} expired, "
                f"{len(self.records_blocked)} blocked; "
                f"licences: {len(self.licences_lapsed)} lapsed")


def sweep_expired() -> SweepResult:
    """The daily sweep: listings, then penalty records."""
    result = sweep_expired_listings()
    sweep_expired_records(result)
    sweep_lapsed_licences(result)
    return result


def sweep_lapsed_licences(result: SweepResult) -> None:
    """A published licence past its validity is published once more as 过期 (当前状态)."""
    lapsed = db.session.scalars(
        select(EnforcementRecord.id)
        .where(EnforcementRecord.category == "licensing", EnforcementRecord.status == "active",
               EnforcementRecord.valid_to < today(),
               EnforcementRecord.lapse_published_on.is_(None))
        .order_by(EnforcementRecord.id)
    ).all()
    db.session.rollback()
    for record_id in lapsed:
        with unit_of_work() as session:
            record = session.get_one(EnforcementRecord, record_id)
            record.lapse_published_on = today()
            session.flush()
            outbox.enqueue(session, "update", record, today(), correction=True)
        result.licences_lapsed.append(record_id)


def sweep_expired_records(result: SweepResult) -> None:
    """End the publicity of every public penalty record past its own maximum whose fine is
    paid; the others stay public (their obligations are unmet)."""
    candidates = db.session.scalars(
        select(EnforcementRecord)
        .where(EnforcementRecord.publicity_status.in_(publicity.MACHINE.sources("expire_record")),
               EnforcementRecord.status == "active", window_may_have_passed(1, today()))
        .order_by(EnforcementRecord.id)
    ).all()
    ids = [r.id for r in candidates if (span := window(r)) is not None and span[1] <= today()]
    db.session.rollback()
    for record_id in ids:
        try:
            with unit_of_work() as session:
                record = session.get_one(EnforcementRecord, record_id)
                lock_unit_row(session, record.unit_id)
                facts = record_facts(session, record, SYSTEM)
                transition(session, record, "expire_record", facts)
                if record.publicity_blocked_on is not None:  # its published end was open
                    outbox.enqueue(session, "withdraw", record, today())
            result.records_expired.append(record_id)
        except InvalidTransition as exc:
            result.records_blocked[record_id] = exc.message
            _extend_publicity(record_id)


def _extend_publicity(record_id: int) -> None:
    """The first day a record is found past its maximum with the fine unpaid: the platform is
    told it stays public until paid (an update with 公示截止期 open and why), as the public
    page says."""
    with unit_of_work() as session:
        record = session.get_one(EnforcementRecord, record_id)
        if record.publicity_blocked_on is not None:
            return
        record.publicity_blocked_on = today()
        session.flush()
        outbox.enqueue(session, "update", record, today(), correction=True)


def sweep_expired_listings() -> SweepResult:
    """Expire every active listing past its maximum period, or say why it cannot be."""
    due = db.session.execute(
        select(Listing.id, Unit.uscc)
        .join(Unit, Unit.id == Listing.unit_id)
        .where(Listing.status == "active", Listing.max_until <= today())
        .order_by(Listing.id)
    ).all()
    db.session.rollback()
    result = SweepResult()
    for listing_id, uscc in due:
        try:
            expire_listing(SYSTEM, uscc)
            result.expired.append(uscc)
        except InvalidTransition as exc:
            result.blocked[uscc] = exc.message
            with unit_of_work() as session:
                listing = session.get_one(Listing, listing_id)
                if listing.status != "active":
                    continue
                first = listing.expiry_blocked_on is None
                listing.expiry_blocked_on, listing.expiry_blocked_reason = today(), exc.message
                if first:  # the platform learns once that the listing stays public, and why
                    session.flush()
                    publish_listing(session, "update", listing, today(), correction=True)
    return result

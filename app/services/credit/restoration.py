"""Credit restoration: the checklist, filing a request, and deciding or withdrawing it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from app.database import lock_unit_row, unit_of_work
from app.errors import Conflict, NotFound
from app.extensions import db
from app.i18n import N_
from app.models import EnforcementRecord, Listing, RestorationRequest, Unit
from app.services.base.context import authorize, setting_str, today
from app.services.casework.units import get_unit
from app.services.credit.listings import end_listing, open_request
from app.services.credit.record_publicity import record_facts
from app.services.credit.record_restoration import decide_record_request
from app.services.credit.requests import new_request, notify_decision
from app.services.credit.status import (
    active_listing,
    bar_reasons,
    check,
    listing_facts,
    obligations,
    request_refusals,
    transition,
)
from app.workflows import application, credit, publicity
from app.workflows.facts import Actor, CreditFacts, RequestFacts
from app.workflows.machine import InvalidTrigger
from app.workflows.messages import render

UNIT_ITSELF = Actor(None, "unit", "unit")  # whose application the steps page describes


@dataclass
class Step:
    """One item of the restoration checklist."""

    key: str
    done: bool
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def internal(self) -> bool:
        """A condition the service checks for itself (no application already pending): never
        shown to a unit or printed; the unit sees its application's own status instead."""
        return self.key in INTERNAL_STEPS


INTERNAL_STEPS = frozenset({"no_open_request"})


@dataclass
class RestorationSteps:
    """Where a unit stands on its way back: each step, and the earliest date it may apply."""

    credit_status: str
    listing_id: int | None
    earliest_apply_on: dt.date | None
    can_apply_now: bool
    steps: list[Step]
    open_request_id: int | None = None
    barred: list[str] = field(default_factory=list)


def restoration_steps(uscc: str) -> RestorationSteps:
    """The checklist, derived from the service's own records (not asked of the unit again)."""
    unit = get_unit(uscc)
    return steps_of(unit, active_listing(unit.id))


def steps_of(unit: Unit, listing: Listing | None) -> RestorationSteps:
    """The checklist of ``unit`` with its active ``listing`` (already read by the caller)."""
    session = db.session()
    if listing is None:
        return RestorationSteps(unit.credit_status, None, None, False, [])
    owed = obligations(session, unit.id, listing)
    pending = open_request(listing.id)
    barred = bar_reasons(session, unit.id, listing, today())
    refusals = request_refusals(session, unit, listing, UNIT_ITSELF, today(), barred)
    period_done = today() >= listing.min_until
    steps = [
        Step("minimum_period", period_done, {"earliest": listing.min_until.isoformat()}),
        Step("fines_paid", owed.fines_paid, {"outstanding": str(owed.fine_outstanding)}),
        Step("hazards_rectified", owed.hazards_rectified,
             {"hazards": owed.hazards_outstanding, "measures": owed.measures_in_force}),
        Step("commitment_signed", bool(pending and pending.commitment_signed)),
        Step("no_open_request", pending is None,
             {"request_id": pending.id if pending else None}),
    ]
    return RestorationSteps(
        credit_status=unit.credit_status,
        listing_id=listing.id,
        earliest_apply_on=listing.min_until,
        can_apply_now=not refusals,
        steps=steps,
        open_request_id=pending.id if pending else None,
        barred=barred,
    )


def file_request(
    actor: Actor,
    uscc: str,
    commitment_signed: bool,
    note: str | None = None,
    expected_version: int | None = None,
    signature: tuple[str, str] | None = None,
    attach: Callable[[Session, RestorationRequest], None] | None = None,
) -> RestorationRequest:
    """File a restoration request for a listed unit (by the unit, or an officer on its behalf).

    ``signature``: the unit name and legal representative typed when signing the commitment
    online; ``attach`` adds rows (the uploaded proofs) in the same transaction.
    """
    authorize(actor, "file_restoration")
    with unit_of_work() as session:
        unit = get_unit(uscc, lock=True)
        listing = active_listing(unit.id)
        if listing is None:
            raise Conflict(N_("该单位没有生效的失信名单记录，无需信用修复。"))
        facts = CreditFacts(
            unit.id, today(), actor, listing=listing_facts(listing),
            commitment_signed=bool(commitment_signed),
            bar_reasons=tuple(bar_reasons(session, unit.id, listing, today())),
        )
        check(unit, "request_restoration", facts, expected_version)
        request = new_request(actor, unit.id, commitment_signed, note, signature,
                              listing_id=listing.id)
        session.add(request)
        session.flush()
        if attach is not None:
            attach(session, request)
        transition(
            session,
            unit,
            "request_restoration",
            facts,
            expected_version,
            {"listing_id": listing.id, "request_id": request.id},
        )
    return request


def get_request(request_id: int) -> RestorationRequest:
    """The restoration request with this id, or ``NotFound``."""
    request = db.session.get(RestorationRequest, request_id)
    if request is None:
        raise NotFound(N_("未找到该信用修复申请。"))
    return request


def _decide(
    actor: Actor,
    request_id: int,
    trigger: str,
    ends_with: str,
    reason: str | None,
    expected_version: int | None,
) -> RestorationRequest:
    """Decide an open application: ``ends_with`` its own machine's trigger, ``trigger`` the
    credit machine's (or the record's publicity machine's) that carries the guards."""
    with unit_of_work() as session:
        request = get_request(request_id)
        try:
            status = application.fire(request.status, ends_with, None)
        except InvalidTrigger:
            raise Conflict(N_("该申请已办结。"), request_status=request.status) from None
        if request.listing is None:  # one penalty record's publicity: its own machine
            decide_record_request(session, request, actor, status, reason)
        else:
            _decide_listing(session, request, request.listing, actor, trigger, status, reason,
                            expected_version)
        request.status, request.decision_reason = status, (reason or "").strip() or None
        request.decided_by = actor.id if actor.role != "unit" else None
        request.decided_at = dt.datetime.now(dt.UTC)
        if status in ("approved", "rejected"):
            notify_decision(session, request)
    return request


def _decide_listing(
    session: Session,
    request: RestorationRequest,
    listing: Listing,
    actor: Actor,
    trigger: str,
    status: str,
    reason: str | None,
    expected_version: int | None,
) -> None:
    lock_unit_row(session, request.unit_id)
    unit = session.get_one(Unit, request.unit_id)
    facts = _request_facts(session, request, listing, actor, reason)
    transition(session, unit, trigger, facts, expected_version,
               {"listing_id": listing.id, "request_id": request.id})
    if status == "approved":
        end_listing(session, listing, "restored", "restoration approved")


def approve_request(
    actor: Actor, request_id: int, expected_version: int | None = None
) -> RestorationRequest:
    """A supervisor (not the filer) approves: the listing ends and its publicity is withdrawn."""
    return _decide(actor, request_id, "approve_restoration", "approve_request", None,
                   expected_version)


def reject_request(
    actor: Actor, request_id: int, reason: str, expected_version: int | None = None
) -> RestorationRequest:
    """A supervisor (not the filer) rejects, with a reason the unit sees."""
    return _decide(actor, request_id, "reject_restoration", "reject_request", reason,
                   expected_version)


def withdraw_request(
    actor: Actor, request_id: int, expected_version: int | None = None
) -> RestorationRequest:
    """The unit, or staff on its behalf, withdraws the request; the unit is listed again."""
    authorize(actor, "withdraw_restoration")
    return _decide(actor, request_id, "withdraw_restoration", "withdraw_request", None,
                   expected_version)


def _request_facts(session: Session, request: RestorationRequest, listing: Listing,
                   actor: Actor, reason: str | None) -> CreditFacts:
    """What the guards of a decision on a listing's request look at."""
    return CreditFacts(
        request.unit_id, today(), actor, listing=listing_facts(listing),
        request=RequestFacts(request.id, request.filed_by, request.commitment_signed),
        obligations=obligations(session, request.unit_id, listing), reason=reason,
    )


def approval_refusals(request: RestorationRequest, actor: Actor, lang: str = "zh") -> list[str]:
    """Why ``actor`` may not approve ``request`` now, in words (empty: they may), as the
    machines answer: the credit machine's ``approve_restoration`` for a listing, the record's
    ``approve_record_restoration`` for one penalty. The review page shows them beside a
    disabled 同意."""
    session = db.session()
    if request.listing is not None:
        facts = _request_facts(session, request, request.listing, actor, None)
        unmet = credit.unmet_guards("approve_restoration", facts)
    else:
        record_facts_ = record_facts(session, request.record, actor)
        unmet = publicity.MACHINE.unmet_guards("approve_record_restoration", record_facts_)
    return [render(u, lang) for u in unmet]


def unpaid_records(request: RestorationRequest) -> list[EnforcementRecord]:
    """The penalties whose fines the request still waits on (the listing's basis, or the one
    record), for the reviewer to record a payment from the unit's proof."""
    if request.record is not None:
        candidates = [request.record]
    else:
        candidates = [b.record for b in request.listing.basis] if request.listing else []
    return [r for r in candidates if r.status == "active" and r.fine_outstanding > 0]


def decision_no(request: RestorationRequest) -> str | None:
    """The number of the 信用修复决定书 of an approved application (``DECISION_NO_FORMAT``,
    with the year of the decision in the detachment's time zone), else None."""
    if request.status != "approved" or request.decided_at is None:
        return None
    year = request.decided_at.astimezone(ZoneInfo(setting_str("TIMEZONE"))).year
    return setting_str("DECISION_NO_FORMAT").format(year=year, id=request.id)

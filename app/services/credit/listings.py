"""Listing a unit as dishonest: proposal, four-eyes decision, and ending a listing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.database import lock_unit_row, unit_of_work
from app.errors import Conflict, Duplicate, NotFound, ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import (
    EnforcementRecord,
    Listing,
    ListingBasis,
    RestorationRequest,
    Revocation,
    Unit,
)
from app.models.records import TIERS
from app.services.audit.unit_trail import append_event
from app.services.base import firing
from app.services.base.context import authorize, setting, today
from app.services.casework.record_rules import check_date, one_of
from app.services.casework.units import get_unit
from app.services.credit.requests import close_request
from app.services.credit.status import active_listing, listing_facts, obligations, transition
from app.services.disclosure import outbox
from app.services.disclosure.windows import tier_window
from app.workflows import application, reversal
from app.workflows import listing as listing_machine
from app.workflows.facts import (
    SANCTION_CATEGORIES,
    SYSTEM,
    Actor,
    BasisRecord,
    CreditFacts,
    ProposalFacts,
    ReversalFacts,
)
from app.workflows.guards import level_fits
from app.workflows.messages import render

DECIDED = N_("该建议已有决定。")


def publicity_window(level: str, decided_on: dt.date) -> tuple[dt.date, dt.date]:
    """Minimum and maximum publicity end dates for a listing of ``level`` (Order No. 36)."""
    return tier_window(level, decided_on)


def _check_proposal(
    session: Session, unit: Unit, level: str, reason: str, basis_record_ids: Sequence[int],
    document_no: str, decided_on: dt.date,
) -> list[int]:
    """Every field error of a proposal at once; returns the basis record ids, sorted."""
    errors: dict[str, list[str]] = {}
    if level not in TIERS:
        errors["level"] = [one_of("level", TIERS)]
    if not (reason or "").strip():
        errors["reason"] = [N_("须填写列入理由。")]
    if not (document_no or "").strip():
        errors["document_no"] = [N_("须填写决定书文号。")]
    if decided_on > today():
        errors["decided_on"] = [N_("决定日期不能晚于今天。")]
    check_date("decided_on", decided_on, errors)
    ids = sorted(set(basis_record_ids or []))
    found = session.scalars(select(EnforcementRecord).where(EnforcementRecord.id.in_(ids))).all()
    if not ids or len(found) != len(ids) or any(
        r.unit_id != unit.id or r.category not in SANCTION_CATEGORIES
        or r.status != "active" for r in found
    ):
        errors["basis_record_ids"] = [N_("列入依据须为本单位有效的行政处罚或行政强制记录。")]
    elif any(r.decided_on > decided_on for r in found):
        errors["decided_on"] = [N_("列入决定日期不能早于所依据的决定。")]
    elif level in TIERS and (unmet := level_fits(
            level, tuple(setting("LISTING_BASIS")[level]),
            [BasisRecord(r.id, r.unit_id, r.category, r.status, r.tier) for r in found])):
        errors["level"] = [render(unmet)]
    if errors:
        raise ValidationFailed(N_("列入建议内容有误。"), errors)
    return ids


def propose_listing(
    actor: Actor,
    uscc: str,
    level: str,
    reason: str,
    basis_record_ids: Sequence[int],
    document_no: str,
    decided_on: dt.date,
) -> Listing:
    """An officer proposes to list a unit; a different supervisor must decide."""
    authorize(actor, "propose_listing")
    try:
        with unit_of_work() as session:
            unit = get_unit(uscc, lock=True)
            ids = _check_proposal(
                session, unit, level, reason, basis_record_ids, document_no, decided_on
            )
            low, high = publicity_window(level, decided_on)
            listing = Listing(
                unit_id=unit.id, level=level, reason=reason.strip(),
                document_no=document_no.strip(), decided_on=decided_on, min_until=low,
                max_until=high, status=listing_machine.START, proposed_by=actor.id,
                basis=[ListingBasis(record_id=i) for i in ids],
            )
            session.add(listing)
            session.flush()
            append_event(session, unit.id, "listing_proposed", unit.credit_status,
                         unit.credit_status, actor, reason.strip(),
                         {"listing_id": listing.id, "basis_record_ids": ids})
    except IntegrityError as exc:
        raise Duplicate(N_("决定书文号已存在。"), {"document_no": ["already used"]}) from exc
    return listing


def get_listing(listing_id: int) -> Listing:
    """The listing with this id, or ``NotFound``."""
    listing = db.session.get(Listing, listing_id)
    if listing is None:
        raise NotFound(N_("未找到该列入记录。"))
    return listing


def publish_listing(
    session: Session, op: str, listing: Listing, on: dt.date, correction: bool = False
) -> None:
    """The listing's own item (category ``listing``): the platform keeps the listing for its
    own window whatever happens to the records it rests on, each of which keeps its own
    (Order No. 36); a basis record's restoration, expiry or revocation never touches it."""
    outbox.enqueue_listing(session, op, listing, on, correction)


def approve_listing(actor: Actor, listing_id: int, expected_version: int | None = None) -> Listing:
    """A supervisor other than the proposer approves: the unit is listed."""
    with unit_of_work() as session:
        listing = get_listing(listing_id)
        lock_unit_row(session, listing.unit_id)
        unit = session.get_one(Unit, listing.unit_id)
        facts = CreditFacts(unit.id, today(), actor, listing=listing_facts(listing))
        transition(
            session,
            unit,
            "list_as_dishonest",
            facts,
            expected_version,
            {"listing_id": listing.id, "basis_record_ids": listing.basis_record_ids},
        )
        # The credit machine's list_as_dishonest carries the guards of the approval.
        listing.status = listing_machine.fire(listing.status, "approve_listing",
                                              _proposal_facts(actor, listing))
        listing.decided_by, listing.decided_at = actor.id, dt.datetime.now(dt.UTC)
        publish_listing(session, "add", listing, listing.decided_on)
    return listing


def reject_listing(actor: Actor, listing_id: int, reason: str) -> Listing:
    """A supervisor other than the proposer turns a proposal down, with a reason."""
    if not (reason or "").strip():
        raise ValidationFailed.on("reason", N_("须填写不予列入的理由。"))
    with unit_of_work() as session:
        listing = get_listing(listing_id)
        listing.status = firing.fire(listing_machine.fire, listing.status, "reject_listing",
                                     _proposal_facts(actor, listing, reason), DECIDED)
        listing.decided_by = actor.id
        listing.decided_at, listing.decision_note = dt.datetime.now(dt.UTC), reason.strip()
        unit = session.get_one(Unit, listing.unit_id)
        append_event(
            session,
            unit.id,
            "listing_rejected",
            unit.credit_status,
            unit.credit_status,
            actor,
            reason.strip(),
            {"listing_id": listing.id},
        )
    return listing


def _proposal_facts(actor: Actor, listing: Listing, reason: str | None = None) -> ProposalFacts:
    return ProposalFacts(actor, listing.proposed_by, reason)


def end_listing(session: Session, listing: Listing, status: str, reason: str | None) -> None:
    """Close an active listing in ``status`` (restored, expired, revoked: the listing
    machine's end states): its publicity ends (a withdrawal of its item within 3 working
    days, saying why); each basis record keeps its own window, which only its own
    restoration, expiry or revocation ends (Order No. 36)."""
    listing.status = listing_machine.fire(listing.status, listing_machine.ENDED_BY[status],
                                          _proposal_facts(SYSTEM, listing))
    listing.ended_on, listing.end_reason = today(), reason
    publish_listing(session, "withdraw", listing, today(), correction=True)
    _supersede_revocations(session, listing)


def _supersede_revocations(session: Session, listing: Listing) -> None:
    """A proposal to revoke a listing that has just ended by another path (restored,
    expired, revoked with its last basis) has nothing left to revoke."""
    for proposal in session.scalars(select(Revocation).where(
            Revocation.listing_id == listing.id, Revocation.status == "proposed")):
        facts = ReversalFacts(SYSTEM, proposal.proposed_by, target_stands=False)
        proposal.status = reversal.fire(proposal.status, "supersede_revocation", facts)
        proposal.decided_at = dt.datetime.now(dt.UTC)
        proposal.decision_note = f"listing {listing.status}"


def revoke_active_listing(
    session: Session, actor: Actor, unit: Unit, listing: Listing, reason: str, ground: str,
    refs: dict[str, Any],
) -> None:
    """In the caller's transaction (the approval of a revocation proposal, four eyes): the
    listing is revoked because its basis was revoked or found unlawful; the unit is normal."""
    facts = CreditFacts(unit.id, today(), actor, listing=listing_facts(listing), reason=reason,
                        revocation_ground=ground)
    transition(session, unit, "revoke_listing", facts, None,
               {"listing_id": listing.id, "ground": ground, **refs})
    close_open_request(session, listing, actor, "listing revoked")
    end_listing(session, listing, "revoked", reason)


_OPEN_REQUEST = select(RestorationRequest).where(
    RestorationRequest.listing_id == bindparam("listing_id"),
    RestorationRequest.status == application.OPEN,
)


def open_request(listing_id: int) -> RestorationRequest | None:
    """The restoration request awaiting a decision on this listing, if any."""
    return db.session.scalar(_OPEN_REQUEST, {"listing_id": listing_id})


def close_open_request(session: Session, listing: Listing, actor: Actor, why: str) -> None:
    """Close the open request of a listing that ends by other means (revocation)."""
    request = open_request(listing.id)
    if request is not None:
        close_request(request, actor, why)


def end_listing_without_basis(
    session: Session, actor: Actor, record: EnforcementRecord, reason: str
) -> None:
    """In the transaction that revoked ``record``: a listing whose every basis decision is now
    revoked is revoked too (ground ``basis_revoked``), never left public."""
    listing = active_listing(record.unit_id)
    if listing is None or record.id not in listing.basis_record_ids:
        return
    if any(b.record.status != "revoked" for b in listing.basis):
        return  # another basis decision still stands
    unit = session.get_one(Unit, record.unit_id)
    facts = CreditFacts(unit.id, today(), actor, listing=listing_facts(listing), reason=reason,
                        revocation_ground="basis_revoked")
    transition(session, unit, "revoke_listing", facts, None,
               {"listing_id": listing.id, "ground": "basis_revoked", "record_id": record.id})
    close_open_request(session, listing, actor, "listing revoked")
    end_listing(session, listing, "revoked", reason)


def expire_listing(actor: Actor, uscc: str) -> Listing:
    """End a listing at its maximum publicity period, where the obligations are met."""
    authorize(actor, "expire_listing")
    with unit_of_work() as session:
        unit = get_unit(uscc, lock=True)
        listing = active_listing(unit.id)
        if listing is None:
            raise Conflict(N_("该单位没有生效的失信名单记录。"))
        facts = CreditFacts(
            unit.id,
            today(),
            actor,
            listing=listing_facts(listing),
            obligations=obligations(session, unit.id, listing),
        )
        transition(session, unit, "expire_listing", facts, None, {"listing_id": listing.id})
        end_listing(session, listing, "expired", "maximum publicity period passed")
    return listing


def proposals_of(unit_id: int) -> list[Listing]:
    """The unit's listing proposals awaiting a decision (normally at most one)."""
    return list(db.session.scalars(
        select(Listing).where(Listing.unit_id == unit_id, Listing.status == "proposed")
        .order_by(Listing.id)
    ))

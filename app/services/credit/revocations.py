"""Revoking a listing or a decision: a proposal carrying the revoking decision's number and
date, approved or rejected by a second person who is a supervisor (four eyes on every
reversal; the machine is ``app/workflows/reversal.py``).

Approval does, in its own transaction, what the revocation means: the credit machine's
``revoke_listing`` (the unit is normal again, the basis records' entries say so) or the
record's revocation (its public entry withdrawn within 3 working days of the revoking
decision, a listing left without basis ended with it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.database import lock_unit_row, unit_of_work
from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import EnforcementRecord, Listing, Revocation, Unit
from app.services.audit.unit_trail import append_event
from app.services.base import firing
from app.services.base.context import authorize, today
from app.services.casework.record_rules import check_date
from app.services.casework.records import check_revocable
from app.services.casework.units import get_unit
from app.services.credit import record_publicity
from app.services.credit.listings import end_listing_without_basis, revoke_active_listing
from app.services.credit.objection_ends import end_revoked
from app.services.credit.record_publicity import record_facts
from app.services.credit.record_restoration import close_record_request
from app.services.credit.status import active_listing, check_version, listing_facts
from app.services.disclosure import outbox, windows
from app.workflows import guards, publicity, reversal
from app.workflows.facts import Actor, CreditFacts, ReversalFacts
from app.workflows.messages import render

_PENDING = N_("已有一项待审核的撤销建议，请先审核该建议。")


def _check(
    reason: str, document_no: str, day_field: str, decided_on: dt.date | None
) -> dict[str, list[str]]:
    """Field errors common to both kinds of proposal (``day_field``: the date's field)."""
    errors: dict[str, list[str]] = {}
    if not (reason or "").strip():
        errors["reason"] = [N_("须填写撤销理由。")]
    if not (document_no or "").strip():
        errors["document_no"] = [N_("须填写撤销决定的文书编号。")]
    elif len(document_no.strip()) > 100:
        errors["document_no"] = [N_("文书编号不能超过100个字符。")]
    if decided_on is None:
        errors[day_field] = [N_("须填写撤销决定日期。")]
    else:
        check_date(day_field, decided_on, errors)
        if decided_on > today():
            errors.setdefault(day_field, []).append(N_("撤销决定日期不能晚于今天。"))
    return errors


def _file(session: Session, actor: Actor, proposal: Revocation, refs: dict[str, Any]) -> None:
    """Store the proposal and write it into the unit's chain. One open proposal per target:
    the unit row is locked, so this check and a partial unique index agree."""
    target = (Revocation.listing_id == proposal.listing_id if proposal.kind == "listing"
              else Revocation.record_id == proposal.record_id)
    if session.scalar(select(Revocation.id).where(target, Revocation.status == "proposed")):
        raise Conflict(_PENDING)
    session.add(proposal)
    session.flush()
    status = proposal.unit.credit_status
    append_event(session, proposal.unit_id, "revocation_proposed", status, status, actor,
                 proposal.reason, {"revocation_id": proposal.id, "kind": proposal.kind,
                                   "document_no": proposal.document_no,
                                   "decided_on": proposal.decided_on.isoformat(), **refs})


def propose_listing_revocation(
    actor: Actor, uscc: str, ground: str, reason: str, document_no: str,
    decided_on: dt.date | None, version: int | None = None,
) -> Revocation:
    """Propose to revoke the unit's active listing: the decision it rests on was revoked, or
    found unlawful on reconsideration or in litigation (the revoking decision's number and
    date given). A supervisor other than the proposer decides."""
    authorize(actor, "propose_revocation")
    with unit_of_work() as session:
        unit = get_unit(uscc, lock=True)
        check_version(unit, version)
        listing = active_listing(unit.id)
        if listing is None:
            raise Conflict(N_("该单位没有生效的失信名单记录。"))
        errors = _check(reason, document_no, "decided_on", decided_on)
        facts = CreditFacts(unit.id, today(), actor, listing=listing_facts(listing),
                            revocation_ground=ground)
        if (unmet := guards.basis_found_unlawful(facts)) is not None:
            errors["ground"] = [render(unmet)]
        early = decided_on is not None and decided_on < listing.decided_on
        if early and "decided_on" not in errors:
            errors["decided_on"] = [N_("撤销决定日期不能早于列入决定日期。")]
        if errors:
            raise ValidationFailed(N_("撤销建议内容有误。"), errors)
        assert decided_on is not None
        proposal = Revocation(
            kind="listing", unit_id=unit.id, listing_id=listing.id, ground=ground,
            reason=reason.strip(), document_no=document_no.strip(), decided_on=decided_on,
            proposed_by=actor.id, unit=unit,
        )
        _file(session, actor, proposal, {"listing_id": listing.id, "ground": ground})
    return proposal


def propose_record_revocation(
    actor: Actor, record_id: int, reason: str, document_no: str, decided_on: dt.date | None
) -> Revocation:
    """Propose to revoke an enforcement decision (its revoking decision's number and date
    given). A supervisor other than the proposer decides; until then nothing is withdrawn."""
    authorize(actor, "propose_revocation")
    with unit_of_work() as session:
        record = session.get(EnforcementRecord, record_id)
        if record is None:
            raise NotFound(N_("未找到该执法记录。"))
        lock_unit_row(session, record.unit_id)
        errors = _check(reason, document_no, "revoked_on", decided_on)
        if errors:
            raise ValidationFailed(N_("撤销建议内容有误。"), errors)
        assert decided_on is not None
        check_revocable(record, decided_on)
        proposal = Revocation(
            kind="record", unit_id=record.unit_id, record_id=record.id, reason=reason.strip(),
            document_no=document_no.strip(), decided_on=decided_on, proposed_by=actor.id,
            unit=record.unit,
        )
        _file(session, actor, proposal, {"record_id": record.id})
    return proposal


def get_revocation(revocation_id: int) -> Revocation:
    """The proposal with this id, or ``NotFound``."""
    proposal = db.session.get(Revocation, revocation_id)
    if proposal is None:
        raise NotFound(N_("未找到该撤销建议。"))
    return proposal


def _target_stands(session: Session, proposal: Revocation) -> bool:
    if proposal.kind == "listing":
        listing = session.get_one(Listing, proposal.listing_id)
        return listing.status == "active"
    return session.get_one(EnforcementRecord, proposal.record_id).status == "active"


def _decide(session: Session, actor: Actor, revocation_id: int, trigger: str,
            note: str | None) -> Revocation:
    """Lock the unit, read the proposal afresh and fire ``trigger`` on it."""
    unit_id = session.scalar(select(Revocation.unit_id).where(Revocation.id == revocation_id))
    if unit_id is None:
        raise NotFound(N_("未找到该撤销建议。"))
    lock_unit_row(session, unit_id)
    proposal = session.get_one(Revocation, revocation_id, populate_existing=True)
    facts = ReversalFacts(actor, proposal.proposed_by, _target_stands(session, proposal), note)
    proposal.status = firing.fire(reversal.fire, proposal.status, trigger, facts,
                                  N_("该撤销建议已有决定。"))
    proposal.decided_by, proposal.decided_at = actor.id, dt.datetime.now(dt.UTC)
    proposal.decision_note = note
    session.flush()
    return proposal


def approve_revocation(actor: Actor, revocation_id: int) -> Revocation:
    """A supervisor who did not propose it approves: the listing or decision is revoked."""
    with unit_of_work() as session:
        proposal = _decide(session, actor, revocation_id, "approve_revocation", None)
        refs = {"revocation_id": proposal.id, "proposed_by": proposal.proposed_by,
                "document_no": proposal.document_no}
        if proposal.kind == "listing":
            unit = session.get_one(Unit, proposal.unit_id)
            listing = session.get_one(Listing, proposal.listing_id)
            revoke_active_listing(session, actor, unit, listing, proposal.reason,
                                  proposal.ground or "", refs)
            end_revoked(session, actor, listing_id=listing.id, refs=refs)
        else:
            record = session.get_one(EnforcementRecord, proposal.record_id)
            revoke_decision(session, actor, record, proposal.reason, proposal.decided_on, refs)
            end_revoked(session, actor, record_id=record.id, refs=refs)
    return proposal


def reject_revocation(actor: Actor, revocation_id: int, reason: str) -> Revocation:
    """A supervisor who did not propose it turns the proposal down, with a reason."""
    if not (reason or "").strip():
        raise ValidationFailed.on("reason", N_("须填写不予撤销的理由。"))
    with unit_of_work() as session:
        proposal = _decide(session, actor, revocation_id, "reject_revocation",
                           (reason or "").strip() or None)
        status = session.get_one(Unit, proposal.unit_id).credit_status
        append_event(session, proposal.unit_id, "revocation_rejected", status, status, actor,
                     proposal.decision_note, {"revocation_id": proposal.id})
    return proposal


def revocations_in(status: str = "proposed", unit_id: int | None = None) -> list[Revocation]:
    """Proposals in ``status`` (by default awaiting a decision), oldest first; of one unit
    when given."""
    query = select(Revocation).where(Revocation.status == status)
    if unit_id is not None:
        query = query.where(Revocation.unit_id == unit_id)
    return list(db.session.scalars(query.order_by(Revocation.proposed_at, Revocation.id)))


def revoke_decision(
    session: Session, actor: Actor, record: EnforcementRecord, reason: str, on: dt.date,
    refs: dict[str, Any],
) -> None:
    """In the caller's transaction (the approval of a revocation proposal, four eyes): the
    decision is revoked as of ``on``, the date of the revoking decision; its public entry is
    withdrawn, with the reason made public, within 3 working days of that date (行政处罚法
    第48条, 第85条). A listing left without a standing basis ends with it."""
    check_revocable(record, on)
    record.status = "revoked"
    record.revoked_reason = reason
    record.revoked_on = on
    record.revoked_at = dt.datetime.now(dt.UTC)
    session.flush()
    if record.publicity_status in publicity.MACHINE.sources("withdraw_record"):
        close_record_request(session, record, actor)
        facts = record_facts(session, record, actor, reason=reason)
        record_publicity.transition(session, record, "withdraw_record", facts)
    if windows.on_platform(record):
        outbox.enqueue(session, "withdraw", record, on)
    status = record.unit.credit_status
    append_event(session, record.unit_id, "record_revoked", status, status, actor,
                 reason=reason, refs={"record_id": record.id, "revoked_on": on.isoformat(),
                                      **refs})
    end_listing_without_basis(session, actor, record, reason)

"""Moving an objection through its machine (app/workflows/objection.py) in the caller's
transaction, and ending the objections whose contested item ended another way: revoked
through the revocation path (the objection is ``revoked``), or restored, expired or withdrawn
(``close_objection``: nothing is left to decide)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.database import lock_unit_row, unit_of_work
from app.extensions import db
from app.i18n import N_
from app.models import EnforcementRecord, Listing, Notification, Objection, Unit
from app.models._types import utcnow
from app.services.audit.unit_trail import append_event
from app.services.base import firing
from app.services.base.context import today
from app.workflows import objection as machine
from app.workflows import publicity
from app.workflows.facts import SYSTEM, Actor, ObjectionFacts
from app.workflows.vocabulary import OPEN_OBJECTIONS

DECIDED = N_("该异议已办结。")


def target_stands(session: Session, objection: Objection) -> bool:
    """The contested record is in force and shown (a penalty: inside its own publicity), or
    the contested listing is still active."""
    if objection.target == "listing":
        return session.get_one(Listing, objection.listing_id).status == "active"
    record = session.get_one(EnforcementRecord, objection.record_id)
    return record.status == "active" and (
        record.category != "penalty" or record.publicity_status in publicity.SHOWN)


def entered_by(session: Session, objection: Objection) -> int | None:
    """Who entered the contested record, or proposed the contested listing."""
    if objection.target == "listing":
        return session.get_one(Listing, objection.listing_id).proposed_by
    return session.get_one(EnforcementRecord, objection.record_id).created_by


def facts_of(session: Session, objection: Objection, actor: Actor, **given: Any
             ) -> ObjectionFacts:
    """The guards' view of an objection now; ``given``: the action's inputs (reason, ...)."""
    return ObjectionFacts(actor, objection.filed_by, entered_by(session, objection),
                          target_stands(session, objection), **given)


def move(session: Session, objection: Objection, trigger: str, facts: ObjectionFacts,
         reason: str | None = None) -> str:
    """Fire ``trigger`` on the objection (the unit row locked by the caller) and write the
    step into the unit's audit chain."""
    before = objection.status
    objection.status = firing.fire(machine.fire, before, trigger, facts, DECIDED)
    if objection.status not in OPEN_OBJECTIONS:
        objection.decided_by, objection.decided_on = facts.actor.id, today()
        objection.decided_at = dt.datetime.now(dt.UTC)
        objection.decision_reason = reason
    elif trigger == "review_objection":
        objection.reviewed_by = facts.actor.id
    session.flush()
    status = session.get_one(Unit, objection.unit_id).credit_status
    append_event(session, objection.unit_id, trigger, status, status, facts.actor, reason,
                 {"objection_id": objection.id, "from": before, "to": objection.status,
                  "record_id": objection.record_id, "listing_id": objection.listing_id})
    return objection.status


def open_objections(session: Session, record_id: int | None = None,
                    listing_id: int | None = None) -> list[Objection]:
    """The open objections of a record or a listing (at most one each)."""
    target = (Objection.record_id == record_id if record_id is not None
              else Objection.listing_id == listing_id)
    return list(session.scalars(select(Objection).where(
        target, Objection.status.in_(OPEN_OBJECTIONS))))


def end_revoked(session: Session, actor: Actor, record_id: int | None = None,
                listing_id: int | None = None, refs: dict[str, Any] | None = None) -> None:
    """In the approval of a revocation (its own four eyes): the objections of the revoked
    record or listing are answered ``revoked``."""
    for objection in open_objections(session, record_id, listing_id):
        facts = facts_of(session, objection, actor)
        move(session, objection, "revoke_objection", facts,
             N_("已按撤销程序撤销被异议的信息（撤销决定 %(no)s）。",
                no=(refs or {}).get("document_no", "")))
        notify(session, objection)


def notify(session: Session, objection: Objection) -> None:
    """Tell the unit its objection was answered, by mail (when it gave a reminder address)."""
    unit = session.get_one(Unit, objection.unit_id)
    if not unit.contact_email:
        return
    session.execute(insert(Notification.__table__).values(
        kind="objection_decided", channel="email", recipient=unit.contact_email,
        unit_id=unit.id, objection_id=objection.id, params={"status": objection.status},
        dedup_key=f"objection:{objection.id}", status="pending", attempts=0,
        created_at=utcnow()))


ENDED = N_("被异议的信息已不再公示（已修复、期满或撤回），异议无须再处理。")


def close_ended() -> int:
    """Daily: open objections whose record or listing ended another way are closed (the
    system, with the reason); returns how many. Open objections are few: each is checked
    with the same rule as a decision (``target_stands``)."""
    ids = list(db.session.scalars(select(Objection.id).where(
        Objection.status.in_(OPEN_OBJECTIONS))))
    db.session.rollback()
    closed = 0
    for objection_id in ids:
        with unit_of_work() as session:
            unit_id = session.scalar(select(Objection.unit_id).where(
                Objection.id == objection_id))
            if unit_id is None:
                continue
            lock_unit_row(session, unit_id)
            objection = session.get_one(Objection, objection_id, populate_existing=True)
            if objection.status not in OPEN_OBJECTIONS or target_stands(session, objection):
                continue
            move(session, objection, "close_objection", facts_of(session, objection, SYSTEM),
                 ENDED)
            closed += 1
    return closed

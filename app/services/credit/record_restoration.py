"""Ending one penalty record's publicity early (终止公示行政处罚信息, NDRC Order No. 36).

The unit (signed in to its self-service) or an officer on its behalf files a request for one
public penalty record of the unit; a supervisor who did not file it decides within the
decision window; approval ends the record's publicity (a withdrawal item, and the public
lookup hides it at once). Requests share the ``restoration_requests`` table, its proofs and
its decision routes with the listing's restoration; ``record_id`` tells them apart.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from app.database import lock_unit_row, unit_of_work
from app.errors import NotFound
from app.extensions import db
from app.i18n import N_
from app.models import EnforcementRecord, RestorationRequest
from app.services.base.context import authorize, today
from app.services.credit.record_publicity import (
    RecordSteps,
    open_record_request,
    record_facts,
    record_steps,
    transition,
)
from app.services.credit.requests import close_request, new_request
from app.services.credit.status import barred_by_cutoff
from app.services.disclosure import outbox
from app.workflows.facts import Actor


def bars(record: EnforcementRecord) -> tuple[str, ...]:
    """Why policy bars restoring this record (empty: it does not)."""
    why = barred_by_cutoff(record)
    return (why,) if why else ()


def get_unit_record(record_id: int, unit_id: int | None = None) -> EnforcementRecord:
    """The record with this id (of ``unit_id`` when given: a unit never reaches another's)."""
    record = db.session.get(EnforcementRecord, record_id)
    if record is None or (unit_id is not None and record.unit_id != unit_id):
        raise NotFound(N_("未找到该执法记录。"))
    return record


def steps_of(
    record_id: int, actor: Actor, unit_id: int | None = None, lang: str = "zh"
) -> RecordSteps:
    """One record's restoration checklist and earliest date."""
    record = get_unit_record(record_id, unit_id)
    return record_steps(db.session(), record, actor, bars(record), lang)


def file_record_request(
    actor: Actor,
    record_id: int,
    commitment_signed: bool,
    note: str | None = None,
    unit_id: int | None = None,
    signature: tuple[str, str] | None = None,
    attach: Callable[[Session, RestorationRequest], None] | None = None,
) -> RestorationRequest:
    """Ask to end the publicity of one penalty record early; its decision falls due within
    ``RESTORATION_DECISION_WORKDAYS`` working days. ``unit_id``: the signed-in unit."""
    authorize(actor, "file_restoration")
    with unit_of_work() as session:
        record = get_unit_record(record_id, unit_id)
        lock_unit_row(session, record.unit_id)
        facts = record_facts(session, record, actor, commitment_signed=bool(commitment_signed),
                             bar_reasons=bars(record))
        request = new_request(actor, record.unit_id, commitment_signed, note, signature,
                              record_id=record.id)
        transition(session, record, "request_record_restoration", facts)
        session.add(request)
        session.flush()
        if attach is not None:
            attach(session, request)
    return request


RECORD_TRIGGERS = {
    "approved": "approve_record_restoration",
    "rejected": "reject_record_restoration",
    "withdrawn": "withdraw_record_restoration",
}


def decide_record_request(
    session: Session, request: RestorationRequest, actor: Actor, status: str, reason: str | None
) -> None:
    """In the deciding transaction: fire the record's machine; approval withdraws its entry."""
    lock_unit_row(session, request.unit_id)
    record = session.get_one(EnforcementRecord, request.record_id)
    facts = record_facts(session, record, actor, reason=reason)
    transition(session, record, RECORD_TRIGGERS[status], facts, {"request_id": request.id})
    if status == "approved":
        outbox.enqueue(session, "withdraw", record, today())


def close_record_request(session: Session, record: EnforcementRecord, actor: Actor) -> None:
    """Close the open request of a record whose decision is revoked (its publicity is
    withdrawn by the revocation itself)."""
    request = open_record_request(session, record.id)
    if request is not None:
        close_request(request, actor, "decision revoked")

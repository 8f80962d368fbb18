"""A restoration request row: to leave the list (``listing_id``) or to end one penalty's
publicity early (``record_id``), with its decision due date. Both kinds are filed the same way;
the use cases in ``restoration`` and ``record_restoration`` add their own machine."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.models import Notification, RestorationRequest, Unit
from app.models._types import utcnow
from app.services.base.context import calendar, setting_int, today
from app.workflows import application
from app.workflows.facts import Actor


def new_request(
    actor: Actor,
    unit_id: int,
    commitment_signed: bool,
    note: str | None,
    signature: tuple[str, str] | None,
    listing_id: int | None = None,
    record_id: int | None = None,
) -> RestorationRequest:
    """A submitted request, due ``RESTORATION_DECISION_WORKDAYS`` working days from today
    (Order No. 36); ``filed_by`` is None when the unit filed it itself; ``signature``: the
    unit name and legal representative typed when signing the commitment online."""
    due = calendar().add_workdays(today(), setting_int("RESTORATION_DECISION_WORKDAYS"))
    return RestorationRequest(
        unit_id=unit_id, listing_id=listing_id, record_id=record_id, status=application.OPEN,
        commitment_signed=bool(commitment_signed), note=(note or "").strip() or None,
        filed_by=actor.id if actor.role != "unit" else None,
        due_on=due.day, due_on_provisional=due.provisional,
        signed_name=signature[0] if signature else None,
        signed_representative=signature[1] if signature else None,
    )


def notify_decision(session: Session, request: RestorationRequest) -> None:
    """In the deciding transaction: tell the unit (when it gave an email address)."""
    unit = session.get_one(Unit, request.unit_id)
    if not unit.contact_email:
        return
    session.execute(insert(Notification.__table__).values(
        kind="decision", channel="email", recipient=unit.contact_email, unit_id=unit.id,
        request_id=request.id, params={"status": request.status},
        dedup_key=f"decision:{request.id}", status="pending", attempts=0,
        created_at=utcnow()))


def close_request(request: RestorationRequest, actor: Actor, why: str) -> None:
    """Close an open application whose listing or record ended another way (revoked): there
    is nothing left to decide."""
    request.status = application.fire(request.status, "close_request", None)
    request.decision_reason, request.decided_by = why, actor.id
    request.decided_at = dt.datetime.now(dt.UTC)

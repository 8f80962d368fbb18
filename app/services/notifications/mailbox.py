"""The reminder mails as staff see them: every mail with its status, tries and last error,
counted by status; an admin sends a failed one again (the trail records who)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update

from app.database import unit_of_work
from app.errors import Conflict, NotFound
from app.extensions import db
from app.i18n import N_
from app.models import Notification, Unit
from app.services.audit import admin_trail
from app.services.base.context import authorize
from app.workflows.facts import Actor


def reminders(status: str | None, page: int, per_page: int) -> tuple[list[Any], int]:
    """Reminder mails, newest first, with their unit; ``status`` narrows them."""
    query = (select(Notification.id, Notification.kind, Notification.recipient,
                    Notification.status, Notification.attempts, Notification.last_error,
                    Notification.created_at, Notification.sent_at,
                    Notification.next_attempt_at, Unit.uscc, Unit.name)
             .outerjoin(Unit, Unit.id == Notification.unit_id))
    counted = select(func.count()).select_from(Notification)
    if status:
        query = query.where(Notification.status == status)
        counted = counted.where(Notification.status == status)
    rows = db.session.execute(query.order_by(Notification.id.desc())
                              .offset((page - 1) * per_page).limit(per_page)).all()
    return list(rows), int(db.session.scalar(counted) or 0)


def status_counts() -> dict[str, int]:
    """How many mails are in each status (the status index counts them)."""
    return {status: int(n) for status, n in db.session.execute(
        select(Notification.status, func.count()).group_by(Notification.status))}


def retry_reminder(note_id: int, by: Actor) -> None:
    """Send a failed reminder again at the next send (its tries start over)."""
    authorize(by, "manage_reminders")
    with unit_of_work() as session:
        status = session.scalar(select(Notification.status).where(Notification.id == note_id))
        if status is None:
            raise NotFound(N_("未找到该提醒邮件。"))
        if status != "failed":
            raise Conflict(N_("只有发送失败的提醒邮件可以重新发送。"), status=status)
        session.execute(update(Notification).where(Notification.id == note_id,
                                                   Notification.status == "failed")
                        .values(status="pending", attempts=0, next_attempt_at=None))
        admin_trail.record(session, "reminder_retried", f"notification:{note_id}", by, {})

"""Reminders: written to the notification outbox where they arise, sent by the scheduler.

A listed unit may now apply (``eligible``), its application was decided (``decision``), a
decision falls due soon (``due_soon``, to the staff mailbox), an objection was answered
(``objection_decided``) or nears its deadline (``objection_due``, to the staff mailbox). Rows are
written set-based (the daily scan) or in the deciding transaction; sending happens later, so a
mail server that is away delays a reminder and never loses it or undoes a decision.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import ssl
from typing import Any

from sqlalchemy import String, and_, cast, exists, insert, literal, or_, select, update

from app.database import unit_of_work
from app.extensions import db
from app.models import (
    EnforcementRecord,
    Listing,
    Notification,
    Objection,
    RestorationRequest,
    Unit,
)
from app.models._types import utcnow
from app.services.base.context import (
    calendar,
    setting_bool,
    setting_float,
    setting_int,
    setting_str,
    today,
)
from app.services.credit.record_publicity import record_steps
from app.services.credit.record_restoration import bars
from app.services.credit.status import request_refusals
from app.services.disclosure.windows import window_may_have_passed
from app.services.notifications.mail_texts import render
from app.workflows import application
from app.workflows.facts import Actor
from app.workflows.vocabulary import OPEN_OBJECTIONS

log = logging.getLogger("creditflow.notify")
NOTES = Notification.__table__
UNIT = Actor(None, "unit", "unit")  # the reminder asks whether the unit itself may apply


def _missing(key: Any) -> Any:
    return ~exists().where(NOTES.c.dedup_key == key)


def scan_reminders() -> dict[str, int]:
    """Daily: write the reminders that fell due today, each once (``dedup_key``). A unit is
    told it may apply only when the machine's own guards say so (a policy bar included)."""
    now, day = utcnow(), today()
    eligible = _eligible_listings(day, now)
    records = _eligible_records(day, now)
    counts = {"eligible": len(eligible), "record_eligible": len(records), "due_soon": 0,
              "objection_due": 0}
    with unit_of_work() as session:
        if eligible or records:
            session.execute(insert(NOTES), eligible + records)
        staff = setting_str("STAFF_EMAIL").strip()
        if staff:
            horizon = calendar().add_workdays(day, setting_int("REMINDER_DUE_WORKDAYS")).day
            due_key = literal("due_soon:") + cast(RestorationRequest.id, String)
            due = (
                select(literal("due_soon"), literal("email"), literal(staff),
                       RestorationRequest.unit_id, RestorationRequest.id, due_key,
                       literal("pending"), literal(0), literal(now))
                .where(RestorationRequest.status == application.OPEN,
                       RestorationRequest.due_on <= horizon, _missing(due_key))
            )
            into = ["kind", "channel", "recipient", "unit_id", "request_id", "dedup_key",
                    "status", "attempts", "created_at"]
            # RETURNING counts the rows on both databases (psycopg reports no rowcount here).
            counts["due_soon"] = len(session.execute(
                insert(NOTES).from_select(into, due).returning(NOTES.c.id)).all())
            # Objections nearing or past their deadline (异议答复期限), each once.
            key = literal("objection_due:") + cast(Objection.id, String)
            late = (
                select(literal("objection_due"), literal("email"), literal(staff),
                       Objection.unit_id, Objection.id, key, literal("pending"), literal(0),
                       literal(now))
                .where(Objection.status.in_(OPEN_OBJECTIONS), Objection.due_on <= horizon,
                       _missing(key))
            )
            counts["objection_due"] = len(session.execute(insert(NOTES).from_select(
                [*into[:4], "objection_id", *into[5:]], late).returning(NOTES.c.id)).all())
    return counts


def _reminder(unit: Unit, key: str, now: dt.datetime, **params: Any) -> dict[str, Any]:
    return {"kind": "eligible", "channel": "email", "recipient": unit.contact_email,
            "unit_id": unit.id, "dedup_key": key, "params": params or None,
            "status": "pending", "attempts": 0, "created_at": now}


def _eligible_listings(day: dt.date, now: dt.datetime) -> list[dict[str, Any]]:
    """Listed units past their minimum, not yet reminded, that the guards let apply."""
    key = literal("eligible:") + cast(Listing.id, String)
    candidates = db.session.execute(
        select(Unit, Listing)
        .join(Listing, and_(Listing.unit_id == Unit.id, Listing.status == "active"))
        .where(Unit.credit_status == "listed", Listing.min_until <= day,
               Unit.contact_email.is_not(None), Unit.contact_email != "", _missing(key))
    ).all()
    session = db.session()
    return [_reminder(unit, f"eligible:{listing.id}", now) for unit, listing in candidates
            if not request_refusals(session, unit, listing, UNIT, day)]


def _eligible_records(day: dt.date, now: dt.datetime) -> list[dict[str, Any]]:
    """Public penalties past their own minimum, not yet reminded, that the unit may now ask
    to end early (the record machine's guards decide)."""
    key = literal("record-eligible:") + cast(EnforcementRecord.id, String)
    candidates = db.session.execute(
        select(EnforcementRecord, Unit)
        .join(Unit, Unit.id == EnforcementRecord.unit_id)
        .where(EnforcementRecord.publicity_status == "public",
               EnforcementRecord.status == "active", window_may_have_passed(0, day),
               Unit.contact_email.is_not(None), Unit.contact_email != "", _missing(key))
    ).all()
    session = db.session()
    return [_reminder(unit, f"record-eligible:{record.id}", now, record_id=record.id)
            for record, unit in candidates
            if record_steps(session, record, UNIT, bars(record)).can_apply_now]


def send_pending(limit: int = 100) -> dict[str, int]:
    """Send what is due over one SMTP connection; failures back off, then give up."""
    result = {"sent": 0, "failed": 0, "cancelled": 0}
    if not setting_str("SMTP_HOST").strip():
        return result  # no mail server configured: reminders wait in the outbox
    now = utcnow()
    due = db.session.scalars(
        select(Notification)
        .where(Notification.status == "pending",
               or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now))
        .order_by(Notification.id).limit(limit)
    ).all()
    if not due:
        return result
    messages = [(n.id, render(n)) for n in due]
    db.session.rollback()  # end the read transaction before talking to the mail server
    try:
        smtp = _connect()
    except (OSError, smtplib.SMTPException) as exc:
        _failed([i for i, _ in messages], f"connect: {exc}")
        result["failed"] = len(messages)
        return result
    with smtp:
        for note_id, message in messages:
            if message is None:
                _finish(note_id, "cancelled")
                result["cancelled"] += 1
                continue
            try:
                smtp.send_message(message)
            except (OSError, smtplib.SMTPException) as exc:
                _failed([note_id], str(exc))
                result["failed"] += 1
            else:
                _finish(note_id, "sent")
                result["sent"] += 1
    return result


def _connect() -> smtplib.SMTP:
    """One connection to the mail server; TLS (implicit or STARTTLS) verifies the server's
    certificate and name: a mail server that cannot prove itself gets no reminder."""
    host, port = setting_str("SMTP_HOST"), setting_int("SMTP_PORT")
    timeout = setting_float("SMTP_TIMEOUT")
    smtp: smtplib.SMTP
    if setting_bool("SMTP_IMPLICIT_TLS"):
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=_tls())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
        if setting_bool("SMTP_STARTTLS"):
            smtp.starttls(context=_tls())
    if setting_str("SMTP_USER"):
        smtp.login(setting_str("SMTP_USER"), setting_str("SMTP_PASSWORD"))
    return smtp


def _tls() -> ssl.SSLContext:
    """A verifying TLS context: the system's CAs, or ``SMTP_CA_FILE``."""
    return ssl.create_default_context(cafile=setting_str("SMTP_CA_FILE") or None)


def _finish(note_id: int, status: str) -> None:
    # Only over a pending row: a sender that slept past its lease never undoes its successor's.
    with unit_of_work() as session:
        session.execute(update(NOTES).where(NOTES.c.id == note_id,
                                            NOTES.c.status == "pending").values(
            status=status, sent_at=utcnow() if status == "sent" else None,
            attempts=NOTES.c.attempts + 1, last_error=None))


def _failed(ids: list[int], error: str) -> None:
    """Back off (1, 2, 4 … minutes); after ``NOTIFY_ATTEMPTS`` tries the reminder is failed."""
    attempts = setting_int("NOTIFY_ATTEMPTS")
    with unit_of_work() as session:
        tried = session.execute(select(NOTES.c.attempts, NOTES.c.id)
                                .where(NOTES.c.id.in_(ids), NOTES.c.status == "pending")
                                ).all()
        for count in {t for t, _ in tried}:  # one UPDATE per distinct count, not per row
            same = [i for t, i in tried if t == count]
            session.execute(update(NOTES).where(NOTES.c.id.in_(same), NOTES.c.attempts == count,
                                                NOTES.c.status == "pending").values(
                attempts=count + 1, last_error=error[:2000],
                status="failed" if count + 1 >= attempts else "pending",
                next_attempt_at=utcnow() + dt.timedelta(minutes=2**count)))


REMOVED = "(removed)"


def prune_reminders() -> int:
    """Reminders written more than ``REMINDER_RETENTION_DAYS`` ago and no longer waiting lose
    their address, text parameters and error (personal data); the row stays, so the same
    reminder is never written again. 0 keeps them. Returns how many were cleared."""
    days = setting_int("REMINDER_RETENTION_DAYS")
    if not days:
        return 0
    with unit_of_work() as session:
        cleared = session.execute(
            update(Notification)
            .where(Notification.status.in_(("sent", "failed", "cancelled")),
                   Notification.created_at < utcnow() - dt.timedelta(days=days),
                   Notification.recipient != REMOVED)
            .values(recipient=REMOVED, params=None, last_error=None)
        ).rowcount  # type: ignore[attr-defined]
    return int(cleared or 0)

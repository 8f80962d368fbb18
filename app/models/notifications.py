"""The notification outbox: reminders written in the transaction of what caused them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models._types import UTCDateTime, utcnow
from app.workflows import vocabulary

NOTIFICATION_STATUSES = ("pending", "sent", "failed", "cancelled")


class Notification(db.Model):  # type: ignore[name-defined]
    """One message to send: ``pending`` -> ``sent``; ``failed`` after the last attempt;
    ``cancelled`` when it no longer applies at sending time (the unit applied meanwhile).

    ``dedup_key`` is unique, so a scan that runs twice (or on two processes) writes a reminder
    once. The text is rendered when sending, from ``kind``, the unit and the request.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint(vocabulary.NOTIFICATION_KINDS.sql_in("kind"),
                        name="kind"),
        CheckConstraint(vocabulary.NOTIFICATION_STATUSES.sql_in("status"), name="status"),
        Index("ix_notifications_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(10), default="email")
    recipient: Mapped[str] = mapped_column(String(254))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("restoration_requests.id"))
    objection_id: Mapped[int | None] = mapped_column(ForeignKey("objections.id"))
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    dedup_key: Mapped[str] = mapped_column(String(100), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

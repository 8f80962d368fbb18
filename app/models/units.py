"""The regulated unit and its credit status."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models._types import UTCDateTime, utcnow
from app.workflows import vocabulary

CREDIT_STATUSES = vocabulary.CREDIT_STATUSES.values


class Unit(db.Model):  # type: ignore[name-defined]
    """A regulated unit (单位), identified by its 统一社会信用代码.

    ``credit_status`` is the single source of truth of the credit state machine; ``version``
    is the optimistic lock: every status change bumps it, and a stale writer gets a conflict.
    """

    __tablename__ = "units"
    __table_args__ = (
        CheckConstraint(
            vocabulary.CREDIT_STATUSES.sql_in("credit_status"),
            name="credit_status",
        ),
        Index("ix_units_credit_status", "credit_status"),
        Index("ix_units_street", "street"),
        Index("ix_units_name", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    street: Mapped[str | None] = mapped_column(String(100))
    legal_representative: Mapped[str | None] = mapped_column(String(100))
    # The legal representative's ID (a 双公示 field): kept in full, published masked.
    legal_rep_id_type: Mapped[str | None] = mapped_column(String(30))
    legal_rep_id_number: Mapped[str | None] = mapped_column(String(40))
    # Grows when the unit signs out of its self-service: every older session has ended.
    self_session_epoch: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    credit_status: Mapped[str] = mapped_column(String(32), default="normal")
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The head of the unit's audit chain (app/services/audit.py): the last event's ``seq`` and
    # ``hash``, and a seal (HMAC) binding them to ``credit_status``, so that deleting the
    # newest events or changing the status behind the trail shows.
    audit_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    audit_head: Mapped[str] = mapped_column(String(64), default="0" * 64,
                                            server_default="0" * 64)
    audit_seal: Mapped[str | None] = mapped_column(String(64))
    access_code_hash: Mapped[str | None] = mapped_column(String(200))
    # Self-service sign-in: failures since the last success, and a lockout after too many.
    access_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    access_locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Where reminders go (set by staff or by the unit itself on its self-service page).
    contact_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    __mapper_args__ = {"version_id_col": version}

"""Append-only audit events, hash-chained per unit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models._types import UTCDateTime, utcnow


class AuditEvent(db.Model):  # type: ignore[name-defined]
    """One thing that happened to a unit: a transition of its credit status, or another key step.

    ``seq`` numbers a unit's events from 1; ``(unit_id, seq)`` is unique, so two writers cannot
    both append the same link. ``prev_hash`` is the previous event's ``hash``; the database
    refuses UPDATE and DELETE on this table (triggers in the migration).
    """

    __tablename__ = "audit_events"
    __table_args__ = (UniqueConstraint("unit_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    seq: Mapped[int] = mapped_column(Integer)
    trigger: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    refs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AdminEvent(db.Model):  # type: ignore[name-defined]
    """One change of who may do what, or of what the deadlines are: staff accounts and roles,
    API tokens, the holiday calendar, and disclosure batches retried or run by hand.

    One chain for the whole service (``seq`` from 1, unique), keyed like the units' chains;
    its head and seal are kept in ``audit_heads`` under the name ``admin``. Append-only.
    """

    __tablename__ = "admin_events"
    __table_args__ = (UniqueConstraint("seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(100))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(db.Model):  # type: ignore[name-defined]
    """The head of a chain that belongs to no unit (``admin``): last ``seq``, hash, seal."""

    __tablename__ = "audit_heads"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    head: Mapped[str] = mapped_column(String(64))
    seal: Mapped[str | None] = mapped_column(String(64))

"""Disclosure items: the transactional outbox of what must reach the public credit platform."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models._types import UTCDateTime, utcnow


class DisclosureItem(db.Model):  # type: ignore[name-defined]
    """One operation (add, update, withdraw) on one record's public entry, with a snapshot.

    Written in the same transaction as the change it reports; a batch run claims pending items
    (``batch_id`` set) and delivers them. ``due_by`` is the statutory deadline.
    """

    __tablename__ = "disclosure_items"
    __table_args__ = (
        CheckConstraint(
            "category IN ('inspection','penalty','coercive_measure','licensing')", name="category"
        ),
        CheckConstraint("op IN ('add','update','withdraw')", name="op"),
        CheckConstraint("status IN ('pending','claimed','delivered')", name="status"),
        Index("ix_disclosure_items_status_category_id", "status", "category", "id"),
        Index("ix_disclosure_items_due_by", "due_by"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(20))
    op: Mapped[str] = mapped_column(String(10))
    record_id: Mapped[int] = mapped_column(ForeignKey("enforcement_records.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listings.id"))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    due_by: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    batch_id: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

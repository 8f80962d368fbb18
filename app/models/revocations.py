"""Revocation proposals: four eyes on taking a unit off the list or a decision off the platform."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import UTCDateTime, utcnow
from app.workflows import vocabulary


class Revocation(db.Model):  # type: ignore[name-defined]
    """A proposal to revoke a listing (``kind`` listing, ``listing_id``) or an enforcement
    decision (``kind`` record, ``record_id``), with the revoking decision's number and date.

    ``proposed`` -> ``approved`` (by a second person, a supervisor), ``rejected``, or
    ``superseded`` when its listing or record ended meanwhile. One open proposal per listing
    and per record (partial unique indexes).
    """

    __tablename__ = "revocations"
    __table_args__ = (
        CheckConstraint(vocabulary.REVERSAL_KINDS.sql_in("kind"), name="kind"),
        CheckConstraint(vocabulary.REVERSAL_STATUSES.sql_in("status"), name="status"),
        CheckConstraint(
            "(kind = 'listing' AND listing_id IS NOT NULL AND record_id IS NULL"
            " AND ground IS NOT NULL)"
            " OR (kind = 'record' AND record_id IS NOT NULL AND listing_id IS NULL)",
            name="target",
        ),
        Index(
            "uq_revocations_listing_id_open", "listing_id", unique=True,
            sqlite_where=text("status = 'proposed'"), postgresql_where=text("status = 'proposed'"),
        ),
        Index(
            "uq_revocations_record_id_open", "record_id", unique=True,
            sqlite_where=text("status = 'proposed'"), postgresql_where=text("status = 'proposed'"),
        ),
        Index("ix_revocations_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listings.id"))
    record_id: Mapped[int | None] = mapped_column(ForeignKey("enforcement_records.id"))
    ground: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    # The revoking decision (复议决定书, 判决书, 撤销决定书): its number and date.
    document_no: Mapped[str] = mapped_column(String(100))
    decided_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="proposed")
    proposed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)

    unit = relationship("Unit")
    listing = relationship("Listing")
    record = relationship("EnforcementRecord")

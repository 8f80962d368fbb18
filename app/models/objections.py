"""Objections (异议申诉): a unit contests a published record or its listing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import StoredFile, UTCDateTime, utcnow
from app.workflows import vocabulary

OPEN = "status IN (" + ",".join(f"'{s}'" for s in vocabulary.OPEN_OBJECTIONS) + ")"


class Objection(db.Model):  # type: ignore[name-defined]
    """One objection to a published record (``target`` record, ``record_id``) or to the unit's
    listing (``target`` listing, ``listing_id``): what is wrong (``claim``) and what it should
    be (``expected``), who filed it and how, its deadline and its outcome.

    ``filed`` -> ``under_review`` -> ``upheld`` / ``corrected`` / ``revoked``, or
    ``withdrawn`` (app/workflows/objection.py). One open objection per record and per
    listing (partial unique indexes).
    """

    __tablename__ = "objections"
    __table_args__ = (
        CheckConstraint(vocabulary.OBJECTION_TARGETS.sql_in("target"), name="target"),
        CheckConstraint(vocabulary.OBJECTION_CHANNELS.sql_in("channel"), name="channel"),
        CheckConstraint(vocabulary.OBJECTION_STATUSES.sql_in("status"), name="status"),
        CheckConstraint(
            "(target = 'record' AND record_id IS NOT NULL AND listing_id IS NULL)"
            " OR (target = 'listing' AND listing_id IS NOT NULL AND record_id IS NULL)",
            name="subject",
        ),
        Index("uq_objections_record_id_open", "record_id", unique=True,
              sqlite_where=text(OPEN), postgresql_where=text(OPEN)),
        Index("uq_objections_listing_id_open", "listing_id", unique=True,
              sqlite_where=text(OPEN), postgresql_where=text(OPEN)),
        Index("ix_objections_status_due_on", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    target: Mapped[str] = mapped_column(String(10))
    record_id: Mapped[int | None] = mapped_column(ForeignKey("enforcement_records.id"))
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listings.id"))
    # The category of the contested record ("listing" for a listing): kept for the figures.
    category: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(15), default="filed")
    claim: Mapped[str] = mapped_column(Text)  # what is wrong
    expected: Mapped[str | None] = mapped_column(Text)  # what it should be
    contact_name: Mapped[str] = mapped_column(String(100))
    contact_phone: Mapped[str] = mapped_column(String(40))
    # Whether the item was marked "异议处理中" when filed (the settings of that day).
    marked: Mapped[bool] = mapped_column(Boolean, default=False)
    filed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the unit/public
    filed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    filed_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date)
    due_on_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    decision_reason: Mapped[str | None] = mapped_column(Text)

    unit = relationship("Unit")
    record = relationship("EnforcementRecord")
    listing = relationship("Listing")
    files: Mapped[list[ObjectionFile]] = relationship(
        back_populates="objection", order_by="ObjectionFile.id", lazy="selectin")

    @property
    def is_open(self) -> bool:
        """Filed or under review: not answered yet (the vocabulary's ``OPEN_OBJECTIONS``)."""
        return self.status in vocabulary.OPEN_OBJECTIONS


class ObjectionFile(StoredFile, db.Model):  # type: ignore[name-defined]
    """A proof filed with an objection (the self-service's upload rules), stored outside the
    web root under a random name."""

    __tablename__ = "objection_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    objection_id: Mapped[int] = mapped_column(ForeignKey("objections.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)

    objection: Mapped[Objection] = relationship(back_populates="files")

"""Listing proposals and decisions, and restoration requests."""

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

LISTING_STATUSES = vocabulary.LISTING_STATUSES.values


class Listing(db.Model):  # type: ignore[name-defined]
    """A proposal to list a unit as dishonest, and once approved the listing itself.

    ``proposed`` -> ``rejected`` or ``active``; an active listing ends as ``restored``,
    ``expired`` or ``revoked``. A unit has at most one active listing (partial unique index).
    """

    __tablename__ = "listings"
    __table_args__ = (
        CheckConstraint(vocabulary.TIERS.sql_in("level"), name="level"),
        CheckConstraint(
            vocabulary.LISTING_STATUSES.sql_in("status"),
            name="status",
        ),
        CheckConstraint("min_until <= max_until", name="window"),
        Index(
            "uq_listings_unit_id_active",
            "unit_id",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
        Index("ix_listings_status_max_until", "status", "max_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    level: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text)
    document_no: Mapped[str] = mapped_column(String(100), unique=True)
    decided_on: Mapped[dt.date] = mapped_column(Date)
    min_until: Mapped[dt.date] = mapped_column(Date)
    max_until: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="proposed")
    proposed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(Text)
    # Set by the daily expiry sweep when the maximum period passed but obligations are unmet.
    expiry_blocked_on: Mapped[dt.date | None] = mapped_column(Date)
    expiry_blocked_reason: Mapped[str | None] = mapped_column(Text)

    unit = relationship("Unit")  # many-to-one, for pages that show a listing with its unit
    proposer = relationship("User", foreign_keys=[proposed_by])
    basis: Mapped[list[ListingBasis]] = relationship(
        back_populates="listing",
        order_by="ListingBasis.record_id",
        cascade="all, delete-orphan",
        lazy="selectin",
    )

    @property
    def basis_record_ids(self) -> list[int]:
        """Ids of the enforcement records this listing is based on."""
        return [b.record_id for b in self.basis]


class ListingBasis(db.Model):  # type: ignore[name-defined]
    """One enforcement record a listing relies on."""

    __tablename__ = "listing_basis"

    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("enforcement_records.id"), primary_key=True, index=True
    )

    listing: Mapped[Listing] = relationship(back_populates="basis")
    record = relationship("EnforcementRecord", lazy="joined")


REQUEST_STATUSES = vocabulary.REQUEST_STATUSES.values


class RestorationRequest(db.Model):  # type: ignore[name-defined]
    """A unit's application to restore its credit, filed by the unit or an officer for it:
    to leave the dishonesty list (``listing_id``) or to end one penalty record's publicity
    early (``record_id``, 终止公示行政处罚信息); exactly one of the two is set."""

    __tablename__ = "restoration_requests"
    __table_args__ = (
        CheckConstraint(vocabulary.REQUEST_STATUSES.sql_in("status"), name="status"),
        Index(
            "uq_restoration_requests_listing_id_open",
            "listing_id",
            unique=True,
            sqlite_where=text("status = 'submitted'"),
            postgresql_where=text("status = 'submitted'"),
        ),
        Index(
            "uq_restoration_requests_record_id_open",
            "record_id",
            unique=True,
            sqlite_where=text("status = 'submitted'"),
            postgresql_where=text("status = 'submitted'"),
        ),
        CheckConstraint("(listing_id IS NULL) <> (record_id IS NULL)", name="subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listings.id"), index=True)
    record_id: Mapped[int | None] = mapped_column(ForeignKey("enforcement_records.id"),
                                                  index=True)
    status: Mapped[str] = mapped_column(String(12), default=vocabulary.OPEN_REQUEST)
    commitment_signed: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)
    filed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the unit itself
    filed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_on: Mapped[dt.date] = mapped_column(Date)
    due_on_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    # The credit commitment as signed online: the unit's name and its legal representative,
    # typed by the applicant (None when staff filed on paper).
    signed_name: Mapped[str | None] = mapped_column(String(200))
    signed_representative: Mapped[str | None] = mapped_column(String(100))

    listing: Mapped[Listing | None] = relationship()
    record = relationship("EnforcementRecord")
    unit = relationship("Unit")
    files: Mapped[list[RestorationFile]] = relationship(
        back_populates="request", order_by="RestorationFile.id", lazy="selectin"
    )


class RestorationFile(StoredFile, db.Model):  # type: ignore[name-defined]
    """A proof uploaded with an application, stored outside the web root under a random name."""

    __tablename__ = "restoration_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("restoration_requests.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    # Set when the file was deleted after its application ended without restoration.
    removed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    request: Mapped[RestorationRequest] = relationship(back_populates="files")

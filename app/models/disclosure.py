"""Disclosure items: the transactional outbox of what must reach the public credit platform."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models._types import UTCDateTime, utcnow
from app.workflows import vocabulary


class DisclosureItem(db.Model):  # type: ignore[name-defined]
    """One operation (add, update, withdraw) on one record's public entry, with the record's
    public fields (masked) as they were at the change.

    Written in the same transaction as the change it reports; a batch run claims pending items
    (``batch_id`` set) and delivers them. ``due_by`` is the statutory deadline.
    """

    __tablename__ = "disclosure_items"
    __table_args__ = (
        CheckConstraint(vocabulary.DISCLOSURE_CATEGORIES.sql_in("category"), name="category"),
        # A record's item, or a listing's own (category listing, no record).
        CheckConstraint(f"(category = '{vocabulary.LISTING}') = (record_id IS NULL)",
                        name="subject"),
        CheckConstraint("record_id IS NOT NULL OR listing_id IS NOT NULL", name="listing"),
        CheckConstraint(vocabulary.DISCLOSURE_OPS.sql_in("op"), name="op"),
        CheckConstraint(vocabulary.ITEM_STATUSES.sql_in("status"), name="status"),
        Index("ix_disclosure_items_status_category_id", "status", "category", "id"),
        Index("ix_disclosure_items_due_by", "due_by"),
        # The public lookup: a unit's delivered items, latest per record.
        Index("ix_disclosure_items_unit_id_record_id", "unit_id", "record_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(20))
    op: Mapped[str] = mapped_column(String(10))
    # The record it reports (None: a listing's own item, ``listing_id``).
    record_id: Mapped[int | None] = mapped_column(ForeignKey("enforcement_records.id"),
                                                  index=True)
    # The sequence number of its record (or listing): higher for every later change of the
    # same one (a receiver applies an item only above the seq it holds; outbox.next_seq).
    seq: Mapped[int] = mapped_column(BigInteger)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listings.id"), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    due_by: Mapped[dt.date] = mapped_column(Date)
    # How ``due_by`` was counted: working days after a date; provisional while the calendar
    # of a year it crosses is not official (entering it re-dates the pending items).
    due_from: Mapped[dt.date | None] = mapped_column(Date)
    due_workdays: Mapped[int | None] = mapped_column(Integer)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    status: Mapped[str] = mapped_column(String(10), default="pending")
    batch_id: Mapped[str | None] = mapped_column(ForeignKey("disclosure_batches.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Why the platform refused this item (its receipt's ``rejected``), when it did.
    rejection: Mapped[str | None] = mapped_column(Text)


class DisclosureBatch(db.Model):  # type: ignore[name-defined]
    """An immutable set of items of one category, delivered as one payload.

    ``pending`` (claimed, not yet delivered) -> ``delivered``; a retryable failure makes it
    ``retrying`` until ``next_attempt_at``; a permanent one makes it ``failed`` (shown to staff).
    Delivery is retried with the same id as the idempotency key, so it publishes nothing twice.
    """

    __tablename__ = "disclosure_batches"
    __table_args__ = (
        CheckConstraint(vocabulary.DISCLOSURE_CATEGORIES.sql_in("category"), name="category"),
        CheckConstraint(vocabulary.BATCH_STATUSES.sql_in("status"), name="status"),
        Index("ix_disclosure_batches_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    category: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    item_count: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    publisher: Mapped[str | None] = mapped_column(String(20))
    # A process delivering the batch holds it until then; a paused one may outlive it, so
    # every outcome is written only with the token of the attempt that holds it now.
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    lease_token: Mapped[str | None] = mapped_column(String(32))
    # Who asked for the next attempt (an admin's retry or re-send); empty: the schedule.
    asked_by: Mapped[str | None] = mapped_column(String(100))
    # The file publisher's files of this batch were removed after BATCH_FILE_RETENTION_DAYS
    # (the items and their payload stay in the database: the batch page still serves them).
    files_removed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The platform's receipt of the delivery (HTTP publisher), as it answered.
    receipt: Mapped[str | None] = mapped_column(Text)
    rejected_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class BatchAttempt(db.Model):  # type: ignore[name-defined]
    """One delivery attempt of a batch: when, what came of it, and who asked for it. An
    attempt without an outcome was interrupted (its process died or lost the batch's lease;
    the attempt that took over has its own row)."""

    __tablename__ = "batch_attempts"
    __table_args__ = (
        CheckConstraint("outcome IS NULL OR " + vocabulary.ATTEMPT_OUTCOMES.sql_in("outcome"),
                        name="outcome"),
        Index("ix_batch_attempts_batch_id", "batch_id", "number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("disclosure_batches.id"))
    number: Mapped[int] = mapped_column(Integer)
    token: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(10))
    error: Mapped[str | None] = mapped_column(Text)
    asked_by: Mapped[str | None] = mapped_column(String(100))  # None: the schedule


class JobRun(db.Model):  # type: ignore[name-defined]
    """The scheduler's jobs as the operator sees them: the last run that succeeded and the
    last that failed (for /metrics and the health of the schedule)."""

    __tablename__ = "job_runs"

    job: Mapped[str] = mapped_column(String(60), primary_key=True)
    last_success_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_failure_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


class SchedulerLease(db.Model):  # type: ignore[name-defined]
    """The leader lock of the scheduler processes: whoever holds an unexpired lease runs jobs."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    acquired_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Grows at every takeover (or lapse): work started under an older term is fenced off.
    term: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class RunRequest(db.Model):  # type: ignore[name-defined]
    """Someone asked for a disclosure run ("run now" on the pages or in the API). The web
    request only writes this row; the scheduler's leader runs it at its next poll (every few
    seconds), so no web request waits on the platform, and a run asked for on any host runs
    where the schedule runs."""

    __tablename__ = "run_requests"
    __table_args__ = (
        CheckConstraint(vocabulary.RUN_STATUSES.sql_in("status"), name="status"),
        CheckConstraint("category IS NULL OR "
                        + vocabulary.DISCLOSURE_CATEGORIES.sql_in("category"), name="category"),
        Index("ix_run_requests_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str | None] = mapped_column(String(20))  # None: every category
    requested_by: Mapped[str] = mapped_column(String(100))
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="waiting")
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # {"delivered": {category: batches}, "items": {category: items}, "failed": [batch ids]}
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)

"""Enforcement records in the four categories, with fine payments and hazard rectifications."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import UTCDateTime, utcnow
from app.workflows import vocabulary

CATEGORIES = vocabulary.CATEGORIES.values
TIERS = vocabulary.TIERS.values
Money = Numeric(14, 2)


class EnforcementRecord(db.Model):  # type: ignore[name-defined]
    """What enforcement did to a unit: one row per decision, in one of four categories.

    Category fields share one table (nullable columns guarded by check constraints) so that
    the disclosure and deadline queries stay single-table and set-based.
    """

    __tablename__ = "enforcement_records"
    __table_args__ = (
        UniqueConstraint("category", "document_no"),
        CheckConstraint(vocabulary.CATEGORIES.sql_in("category"), name="category"),
        CheckConstraint(vocabulary.RECORD_STATUSES.sql_in("status"), name="status"),
        CheckConstraint("fine_amount IS NULL OR fine_amount >= 0", name="fine_amount"),
        CheckConstraint(
            "confiscation_amount IS NULL OR confiscation_amount >= 0", name="confiscation_amount"
        ),
        CheckConstraint(
            "hazards_rectified IS NULL OR hazards_rectified <= hazards_found", name="hazards"
        ),
        CheckConstraint("lifted_on IS NULL OR lifted_on >= started_on", name="lifted_on"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="valid_to"),
        Index("ix_enforcement_records_unit_id_category", "unit_id", "category"),
        Index("ix_enforcement_records_publish_by", "publish_by"),
        CheckConstraint(
            "publicity_status IS NULL OR "
            + vocabulary.PUBLICITY_STATUSES.sql_in("publicity_status"),
            name="publicity_status",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    category: Mapped[str] = mapped_column(String(20))
    document_no: Mapped[str] = mapped_column(String(100))
    decided_on: Mapped[dt.date] = mapped_column(Date)
    publish_by: Mapped[dt.date] = mapped_column(Date)
    publish_by_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), default="active")
    # A penalty's own publicity machine (app/workflows/publicity.py); None for other categories.
    publicity_status: Mapped[str | None] = mapped_column(String(24))
    # Set when its maximum passed with the fine unpaid: it stays public until paid.
    publicity_blocked_on: Mapped[dt.date | None] = mapped_column(Date)
    facts: Mapped[str | None] = mapped_column(Text)
    legal_basis: Mapped[str | None] = mapped_column(Text)
    # penalty
    tier: Mapped[str | None] = mapped_column(String(10))
    penalty_types: Mapped[list[str] | None] = mapped_column(JSON)
    fine_amount: Mapped[Decimal | None] = mapped_column(Money)
    confiscation_amount: Mapped[Decimal | None] = mapped_column(Money)  # 没收金额, yuan
    licence_affected: Mapped[str | None] = mapped_column(Text)  # 暂扣或吊销证照名称及编号
    effective_until: Mapped[dt.date | None] = mapped_column(Date)  # 处罚有效期
    violation_type: Mapped[str | None] = mapped_column(String(200))  # 违法行为类型
    # inspection
    hazards_found: Mapped[int | None] = mapped_column(Integer)
    hazards_rectified: Mapped[int | None] = mapped_column(Integer)
    # The 《责令改正通知书》 issued after the inspection, and a 重大火灾隐患 found: the day it was
    # put under supervision (挂牌督办) and the day it was closed (销案).
    correction_notice_no: Mapped[str | None] = mapped_column(String(100))
    correction_notice_on: Mapped[dt.date | None] = mapped_column(Date)
    major_hazard: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    major_hazard_listed_on: Mapped[dt.date | None] = mapped_column(Date)
    major_hazard_closed_on: Mapped[dt.date | None] = mapped_column(Date)
    # Collective deliberation (集体讨论) of a decision that needs one (penalty, coercive measure).
    deliberation_ref: Mapped[str | None] = mapped_column(String(100))
    deliberation_on: Mapped[dt.date | None] = mapped_column(Date)
    # coercive measure
    measure_type: Mapped[str | None] = mapped_column(String(30))
    started_on: Mapped[dt.date | None] = mapped_column(Date)
    lifted_on: Mapped[dt.date | None] = mapped_column(Date)
    # licensing
    licence_type: Mapped[str | None] = mapped_column(String(20))
    licence_item: Mapped[str | None] = mapped_column(String(30))  # 许可事项 (None: 公众聚集场所)
    licence_no: Mapped[str | None] = mapped_column(String(100))
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    certificate_name: Mapped[str | None] = mapped_column(String(200))  # 许可证书名称
    # 行政相对人 when it is a natural person (a person fined or detained at the unit): kept in
    # full, published with the ID masked; None: the unit itself.
    person_name: Mapped[str | None] = mapped_column(String(100))
    person_id_type: Mapped[str | None] = mapped_column(String(30))
    person_id_number: Mapped[str | None] = mapped_column(String(40))
    lapse_published_on: Mapped[dt.date | None] = mapped_column(Date)  # its expiry, published
    # bookkeeping
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_on: Mapped[dt.date | None] = mapped_column(Date)  # the revoking decision's date
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit = relationship("Unit")  # many-to-one: served from the identity map when loaded
    payments: Mapped[list[FinePayment]] = relationship(
        back_populates="record", order_by="FinePayment.id"
    )
    rectifications: Mapped[list[HazardRectification]] = relationship(
        back_populates="record", order_by="HazardRectification.id"
    )

    @property
    def paid_amount(self) -> Decimal:
        """Sum of the recorded payments, in yuan."""
        return sum((p.amount for p in self.payments), Decimal("0"))

    @property
    def fine_outstanding(self) -> Decimal:
        """What remains unpaid of the fine, never below zero."""
        return max(Decimal("0"), (self.fine_amount or Decimal("0")) - self.paid_amount)


class FinePayment(db.Model):  # type: ignore[name-defined]
    """A payment of a penalty's fine (the service's own proof that the fine was paid)."""

    __tablename__ = "fine_payments"
    __table_args__ = (CheckConstraint("amount > 0", name="amount"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("enforcement_records.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    paid_on: Mapped[dt.date] = mapped_column(Date)
    receipt_no: Mapped[str | None] = mapped_column(String(100))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    record: Mapped[EnforcementRecord] = relationship(back_populates="payments")


class HazardRectification(db.Model):  # type: ignore[name-defined]
    """An accepted rectification: hazards of an inspection fixed, or a coercive measure lifted."""

    __tablename__ = "hazard_rectifications"
    __table_args__ = (CheckConstraint("hazards_count >= 0", name="hazards_count"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("enforcement_records.id"), index=True)
    hazards_count: Mapped[int] = mapped_column(Integer, default=0)
    rectified_on: Mapped[dt.date] = mapped_column(Date)
    acceptance_no: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    record: Mapped[EnforcementRecord] = relationship(back_populates="rectifications")

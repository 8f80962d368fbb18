"""The figures of a period (a year, a quarter, a month, or two dates) and optionally a street:
the enforcement paragraph of the annual report (shared/seed/) and the credit work.

Every figure is defined here once, with how it is counted; the staff page, the printable
report, the API and ``creditflow stats`` all ask ``figures``. Revoked records do not count.
"""

from __future__ import annotations

import datetime as dt
import statistics as stats
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy import String, and_, cast, distinct, func, or_, select

from app.errors import ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import (
    DisclosureBatch,
    DisclosureItem,
    EnforcementRecord,
    Listing,
    Objection,
    Unit,
)
from app.models.listings import RestorationRequest
from app.services.base.context import setting_str
from app.workflows.vocabulary import DECIDED_LISTINGS, STOP_ORDERS

R = EnforcementRecord


@dataclass(frozen=True)
class Period:
    """Inclusive dates, and how people say it ("2023年", "2023年第二季度", …)."""

    start: dt.date
    end: dt.date
    label: str

    def previous(self) -> Period:
        """The period of the same length just before (the year before a year, …)."""
        if self.start.month == 1 and self.start.day == 1 and self.end == dt.date(
                self.start.year, 12, 31):
            return year_period(self.start.year - 1)
        months = _whole_months(self)
        if months:
            start = self.start - relativedelta(months=months)
            return Period(start, self.start - dt.timedelta(days=1),
                          f"{start.isoformat()}—{(self.start - dt.timedelta(1)).isoformat()}")
        length = (self.end - self.start).days + 1
        end = self.start - dt.timedelta(days=1)
        start = end - dt.timedelta(days=length - 1)
        return Period(start, end, f"{start.isoformat()}—{end.isoformat()}")


def _whole_months(period: Period) -> int:
    """How many whole calendar months the period spans, 0 if it is not whole months."""
    if period.start.day != 1 or (period.end + dt.timedelta(days=1)).day != 1:
        return 0
    after = period.end + dt.timedelta(days=1)
    return (after.year - period.start.year) * 12 + after.month - period.start.month


def year_period(year: int) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}年")


BAD_PERIOD = N_("请选择年度、季度、月份，或填写起止日期（起始不晚于截止，跨度不超过五年）。")


def period_of(year: int | None = None, quarter: int | None = None, month: int | None = None,
              start: dt.date | None = None, end: dt.date | None = None) -> Period:
    """A year, a quarter or a month of a year, or two dates; ``ValidationFailed`` otherwise."""
    if start is not None or end is not None:
        if start is None or end is None or start > end or (end - start).days > 5 * 366:
            raise ValidationFailed.on("start", BAD_PERIOD)
        return Period(start, end, f"{start.isoformat()}—{end.isoformat()}")
    if year is None or not 2000 <= year <= 2099:
        raise ValidationFailed.on("year", BAD_PERIOD)
    if quarter is not None:
        if not 1 <= quarter <= 4 or month is not None:
            raise ValidationFailed.on("quarter", BAD_PERIOD)
        first = dt.date(year, 3 * quarter - 2, 1)
        return Period(first, first + relativedelta(months=3) - dt.timedelta(days=1),
                      f"{year}年第{'一二三四'[quarter - 1]}季度")
    if month is not None:
        if not 1 <= month <= 12:
            raise ValidationFailed.on("month", BAD_PERIOD)
        first = dt.date(year, month, 1)
        return Period(first, first + relativedelta(months=1) - dt.timedelta(days=1),
                      f"{year}年{month}月")
    return year_period(year)


# The annual report's paragraph, in its order: (key, how it is counted).
ENFORCEMENT = (
    ("inspections", "inspection records decided in the period (检查单位…家次)"),
    ("hazards_found", "hazards found at those inspections"),
    ("hazards_rectified", "hazards of those inspections rectified (督促整改)"),
    ("correction_notices", "《责令改正通知书》 issued in the period"),
    ("penalties", "penalty decisions in the period (行政处罚…起)"),
    ("seal_ups", "units under a 临时查封 decided in the period (临时查封…家)"),
    ("stop_orders", "units given a 三停 in the period (责令“三停”…家)"),
    ("fines_yuan", "fines decided in the period, yuan (罚款…万元)"),
    ("major_hazards_closed", "units whose major fire hazard was closed in the period "
                             "(整改销案重大隐患…家)"),
)


def figures(period: Period, street: str | None = None) -> dict[str, Any]:
    """Every figure of ``period`` (and ``street``): ``enforcement`` and ``credit``."""
    return {"period": {"start": period.start.isoformat(), "end": period.end.isoformat(),
                       "label": period.label},
            "street": street,
            "enforcement": enforcement(period, street),
            "credit": credit(period, street)}


def _scoped(query: Any, street: str | None) -> Any:
    """Records of ``query``, of units of ``street`` only when one is given."""
    query = query.select_from(R)
    return query.join(Unit, Unit.id == R.unit_id).where(Unit.street == street) if street \
        else query


def enforcement(period: Period, street: str | None) -> dict[str, Any]:
    """The annual report's paragraph: one query for the records decided in the period, one
    each for the notices and the closures (dated on their own days)."""
    in_period = and_(R.status == "active", R.decided_on.between(period.start, period.end))
    stop = or_(*(cast(R.penalty_types, String).like(f'%"{kind}"%') for kind in STOP_ORDERS))
    row = db.session.execute(_scoped(select(
        func.count().filter(R.category == "inspection"),
        func.coalesce(func.sum(R.hazards_found).filter(R.category == "inspection"), 0),
        func.coalesce(func.sum(R.hazards_rectified).filter(R.category == "inspection"), 0),
        func.count().filter(R.category == "penalty"),
        func.count(distinct(R.unit_id)).filter(R.category == "coercive_measure",
                                               R.measure_type == "seal_up"),
        func.count(distinct(R.unit_id)).filter(R.category == "penalty", stop),
        func.coalesce(func.sum(R.fine_amount).filter(R.category == "penalty"), 0),
    ).where(in_period), street)).one()
    notices = db.session.scalar(_scoped(select(func.count()).where(
        R.status == "active", R.correction_notice_on.between(period.start, period.end)),
        street))
    closed = db.session.scalar(_scoped(select(func.count(distinct(R.unit_id))).where(
        R.status == "active", R.major_hazard.is_(True),
        R.major_hazard_closed_on.between(period.start, period.end)), street))
    return {"inspections": int(row[0]), "hazards_found": int(row[1]),
            "hazards_rectified": int(row[2]), "correction_notices": int(notices or 0),
            "penalties": int(row[3]), "seal_ups": int(row[4]), "stop_orders": int(row[5]),
            "fines_yuan": str(Decimal(row[6]).quantize(Decimal("0.01"))),
            "major_hazards_closed": int(closed or 0)}


def credit(period: Period, street: str | None) -> dict[str, Any]:
    """The credit work: listings decided by level, restorations (of a listing, of a record),
    days from application to decision, disclosure on time, withdrawals within deadline."""
    units = select(Unit.id).where(Unit.street == street) if street else None

    def scoped(query: Any, column: Any) -> Any:
        return query.where(column.in_(units)) if units is not None else query

    listed = dict(db.session.execute(scoped(
        select(Listing.level, func.count()).where(
            Listing.status.in_(DECIDED_LISTINGS),
            Listing.decided_on.between(period.start, period.end))
        .group_by(Listing.level), Listing.unit_id)).all())
    zone = ZoneInfo(setting_str("TIMEZONE"))
    start = dt.datetime.combine(period.start, dt.time(), zone)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time(), zone)
    decided = db.session.execute(scoped(
        select(RestorationRequest.status, RestorationRequest.record_id,
               RestorationRequest.filed_at, RestorationRequest.decided_at)
        .where(RestorationRequest.decided_at >= start, RestorationRequest.decided_at < end,
               RestorationRequest.status.in_(("approved", "rejected"))),
        RestorationRequest.unit_id)).all()
    days = [(d.decided_at - d.filed_at).total_seconds() / 86400 for d in decided]
    delivered = db.session.execute(scoped(
        select(DisclosureItem.op, DisclosureItem.due_by, DisclosureBatch.delivered_at)
        .join(DisclosureBatch, DisclosureBatch.id == DisclosureItem.batch_id)
        .where(DisclosureItem.status == "delivered",
               DisclosureItem.due_by.between(period.start, period.end)),
        DisclosureItem.unit_id)).all()
    on_time = [d for d in delivered if d.delivered_at.astimezone(zone).date() <= d.due_by]
    withdrawals = [d for d in delivered if d.op == "withdraw"]
    return {
        "listed": sum(listed.values()),
        "listed_by_level": {level: int(n) for level, n in sorted(listed.items())},
        "restored_listings": sum(1 for d in decided
                                 if d.status == "approved" and d.record_id is None),
        "restored_records": sum(1 for d in decided
                                if d.status == "approved" and d.record_id is not None),
        "restorations_rejected": sum(1 for d in decided if d.status == "rejected"),
        "median_days_to_decision": round(stats.median(days), 1) if days else None,
        "disclosed": len(delivered), "disclosed_on_time": len(on_time),
        "disclosed_late": len(delivered) - len(on_time),
        "withdrawals": len(withdrawals),
        "withdrawals_on_time": sum(1 for d in withdrawals if d in on_time),
        **objection_figures(period, scoped),
    }


# The credit work's single figures, in the order pages, exports and the report show them.
CREDIT_FIGURES = (
    "listed", "restored_listings", "restored_records", "restorations_rejected",
    "median_days_to_decision", "disclosed", "disclosed_on_time", "disclosed_late",
    "withdrawals", "withdrawals_on_time", "objections_received", "objections_decided",
    "objections_on_time", "objections_upheld", "objections_corrected", "objections_revoked",
    "objections_withdrawn",
)
OUTCOMES = ("upheld", "corrected", "revoked", "withdrawn")


def objection_figures(period: Period, scoped: Any) -> dict[str, Any]:
    """Objections received in the period, and those answered in it: on time (by their
    deadline) and by outcome; each also by the category contested ("listing": a listing)."""
    received = dict(db.session.execute(scoped(
        select(Objection.category, func.count())
        .where(Objection.filed_on.between(period.start, period.end))
        .group_by(Objection.category), Objection.unit_id)).all())
    answered = db.session.execute(scoped(
        select(Objection.category, Objection.status, Objection.decided_on, Objection.due_on)
        .where(Objection.decided_on.between(period.start, period.end),
               Objection.status.in_(OUTCOMES)), Objection.unit_id)).all()
    by_category: dict[str, dict[str, int]] = {}
    for category in sorted({*received, *(a.category for a in answered)}):
        mine = [a for a in answered if a.category == category]
        by_category[category] = {
            "received": int(received.get(category, 0)), "decided": len(mine),
            "on_time": sum(1 for a in mine if a.decided_on <= a.due_on),
            **{o: sum(1 for a in mine if a.status == o) for o in OUTCOMES}}
    return {
        "objections_received": sum(int(n) for n in received.values()),
        "objections_decided": len(answered),
        "objections_on_time": sum(1 for a in answered if a.decided_on <= a.due_on),
        **{f"objections_{o}": sum(1 for a in answered if a.status == o) for o in OUTCOMES},
        "objections_by_category": by_category,
    }


def streets() -> list[str]:
    """The streets units are registered in, for the filter."""
    return [s for s in db.session.scalars(select(Unit.street).distinct()
                                           .where(Unit.street.is_not(None))
                                           .order_by(Unit.street)) if s]


def paragraph(figures: dict[str, Any]) -> str:
    """The enforcement figures as the annual report writes them."""
    fines = Decimal(figures["fines_yuan"]) / 10000
    return (f"共检查单位{figures['inspections']}家次，发现隐患{figures['hazards_found']}处，"
            f"督促整改火灾隐患{figures['hazards_rectified']}处，下发《责令改正通知书》"
            f"{figures['correction_notices']}份，行政处罚{figures['penalties']}起，"
            f"临时查封{figures['seal_ups']}家，责令“三停”{figures['stop_orders']}家，"
            f"罚款{fines.normalize():f}万元，整改销案重大隐患{figures['major_hazards_closed']}家。")

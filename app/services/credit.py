"""Firing credit triggers on a unit: facts from the rows, the machine, the audit event.

Every transition goes through ``transition``: it checks the expected version, fires the
machine, sets the new status (the ORM's version counter turns a concurrent change into a
conflict at flush) and appends exactly one audit event, all in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import InvalidTransition, StaleVersion
from app.models import EnforcementRecord, FinePayment, Listing, Unit
from app.services.audit import append_event
from app.services.context import setting
from app.workflows import credit
from app.workflows.facts import BasisRecord, CreditFacts, ListingFacts, Obligations
from app.workflows.messages import render


def listing_facts(listing: Listing) -> ListingFacts:
    """The guards' view of a listing and its basis records."""
    return ListingFacts(
        id=listing.id,
        unit_id=listing.unit_id,
        status=listing.status,
        proposed_by=listing.proposed_by,
        min_until=listing.min_until,
        max_until=listing.max_until,
        basis=tuple(
            BasisRecord(b.record.id, b.record.unit_id, b.record.category, b.record.status)
            for b in listing.basis
        ),
    )


def obligations(session: Session, unit_id: int, listing: Listing | None) -> Obligations:
    """What the unit still owes, by set-based queries: fines of the basis records, hazards of
    all its inspections, and the basis coercive measures not yet lifted."""
    basis_ids = listing.basis_record_ids if listing else []
    fine = Decimal("0")
    if basis_ids:
        paid = (
            select(FinePayment.record_id, func.sum(FinePayment.amount).label("paid"))
            .group_by(FinePayment.record_id)
            .subquery()
        )
        owed = func.coalesce(EnforcementRecord.fine_amount, 0) - func.coalesce(paid.c.paid, 0)
        rows = session.execute(
            select(owed)
            .select_from(EnforcementRecord)
            .outerjoin(paid, paid.c.record_id == EnforcementRecord.id)
            .where(EnforcementRecord.id.in_(basis_ids), EnforcementRecord.status == "active")
        ).scalars()
        fine = sum((max(Decimal(str(v)), Decimal("0")) for v in rows), Decimal("0"))
    hazards = session.scalar(
        select(
            func.coalesce(
                func.sum(EnforcementRecord.hazards_found - EnforcementRecord.hazards_rectified), 0
            )
        ).where(
            EnforcementRecord.unit_id == unit_id,
            EnforcementRecord.category == "inspection",
            EnforcementRecord.status == "active",
        )
    )
    measures = 0
    if basis_ids:
        measures = (
            session.scalar(
                select(func.count()).where(
                    EnforcementRecord.id.in_(basis_ids),
                    EnforcementRecord.category == "coercive_measure",
                    EnforcementRecord.status == "active",
                    EnforcementRecord.lifted_on.is_(None),
                )
            )
            or 0
        )
    return Obligations(fine.quantize(Decimal("0.01")), int(hazards or 0), int(measures))


def bar_reasons(session: Session, unit_id: int, listing: Listing, today: dt.date) -> list[str]:
    """Why policy bars restoring this listing (empty: it does not)."""
    reasons: list[str] = []
    bar_before = setting("RESTORATION_BAR_BEFORE")
    if bar_before:
        cutoff = dt.date.fromisoformat(str(bar_before))
        for basis in listing.basis:
            types = basis.record.penalty_types or []
            if basis.record.decided_on < cutoff and {"suspension", "licence_revocation"} & set(
                types
            ):
                reasons.append(f"{cutoff.isoformat()} 前作出的责令停产停业或吊销许可决定不可修复")
                break
    restored = select(Listing.ended_on).where(
        Listing.unit_id == unit_id, Listing.status == "restored"
    )
    cooldown = int(setting("RESTORATION_COOLDOWN_DAYS") or 0)
    last = session.scalar(restored.order_by(Listing.ended_on.desc()).limit(1))
    if cooldown and last and (today - last).days < cooldown:
        reasons.append(f"距上次信用修复（{last.isoformat()}）不足 {cooldown} 天")
    limit = int(setting("RESTORATION_MAX_IN_5_YEARS") or 0)
    since = today - relativedelta(years=5)
    count = session.scalar(
        select(func.count()).select_from(restored.where(Listing.ended_on >= since).subquery())
    )
    if limit and (count or 0) >= limit:
        reasons.append(f"五年内已信用修复 {count} 次")
    return reasons


def check_version(unit: Unit, expected: int | None) -> None:
    """Refuse a change made against an old version of the unit."""
    if expected is not None and expected != unit.version:
        raise StaleVersion("该单位已被他人修改，请刷新后重试。", current_version=unit.version)


def check(unit: Unit, trigger: str, facts: CreditFacts, expected_version: int | None) -> str:
    """The status ``trigger`` would lead to, or the conflict saying why it may not happen.

    Pure: use it before writing rows that only make sense when the trigger is allowed.
    """
    check_version(unit, expected_version)
    before = unit.credit_status
    try:
        return credit.fire(before, trigger, facts)
    except credit.InvalidTrigger as exc:
        raise InvalidTransition(
            f"当前信用状态（{before}）不允许操作 {trigger}。", trigger=trigger, status=before
        ) from exc
    except credit.GuardsUnmet as exc:
        raise InvalidTransition(
            " ".join(render(u) for u in exc.unmet),
            trigger=trigger,
            status=before,
            unmet=[{"code": u.code, "message": render(u), **u.params} for u in exc.unmet],
        ) from exc


def transition(
    session: Session,
    unit: Unit,
    trigger: str,
    facts: CreditFacts,
    expected_version: int | None = None,
    refs: dict[str, Any] | None = None,
) -> str:
    """Fire ``trigger`` on ``unit`` and record it; raise a conflict when it may not happen."""
    before = unit.credit_status
    after = check(unit, trigger, facts, expected_version)
    unit.credit_status = after
    append_event(session, unit.id, trigger, before, after, facts.actor, facts.reason, refs)
    return after


def active_listing(session: Session, unit_id: int) -> Listing | None:
    """The unit's active listing, if any."""
    return session.scalar(
        select(Listing).where(Listing.unit_id == unit_id, Listing.status == "active")
    )

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
from sqlalchemy import Select, bindparam, case, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.errors import StaleVersion
from app.extensions import db
from app.i18n import N_
from app.models import EnforcementRecord, FinePayment, Listing, Unit
from app.services.audit.unit_trail import append_event
from app.services.base import firing
from app.services.base.context import setting, setting_int, setting_str
from app.workflows import credit
from app.workflows.facts import Actor, BasisRecord, CreditFacts, ListingFacts, Obligations
from app.workflows.guards import Unmet


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
            BasisRecord(b.record.id, b.record.unit_id, b.record.category, b.record.status,
                        b.record.tier)
            for b in listing.basis
        ),
        level=listing.level,
        allowed_basis=tuple(setting("LISTING_BASIS").get(listing.level, ())),
    )


def _obligations_query() -> Select[Any, Any, int]:
    record = EnforcementRecord
    in_basis = record.id.in_(bindparam("basis_ids", expanding=True))
    paid = (
        select(func.coalesce(func.sum(FinePayment.amount), 0))
        .where(FinePayment.record_id == record.id)
        .scalar_subquery()
    )
    owed = func.coalesce(record.fine_amount, 0) - paid
    open_when_listed = in_basis | (record.decided_on <= bindparam("listed_on"))
    return select(
        func.sum(case((in_basis & (record.category == "penalty") & (owed > 0), owed))),
        func.sum(case((open_when_listed & (record.category == "inspection"),
                       record.hazards_found - record.hazards_rectified))),
        func.count(case((in_basis & (record.category == "coercive_measure")
                         & record.lifted_on.is_(None), 1))),
    ).where(record.unit_id == bindparam("unit_id"), record.status == "active")


_OBLIGATIONS = _obligations_query()
_UNITS = Unit.__table__
_SET_STATUS = (
    update(_UNITS)
    .where(_UNITS.c.id == bindparam("unit_id"), _UNITS.c.version == bindparam("seen_version"))
    .values(credit_status=bindparam("new_status"), version=bindparam("next_version"))
)
_ACTIVE_LISTING = select(Listing).where(
    Listing.unit_id == bindparam("unit_id"), Listing.status == "active"
)


def obligations(session: Session, unit_id: int, listing: Listing | None) -> Obligations:
    """What the listing still asks of the unit, in one query over its own records: unpaid
    fines of the basis records, unrectified hazards of the inspections it relies on or that
    were decided by the listing decision (a later inspection is a matter of its own), basis
    measures not lifted."""
    basis_ids = listing.basis_record_ids if listing else []
    listed_on = listing.decided_on if listing else dt.date.max
    row = session.execute(_OBLIGATIONS, {"unit_id": unit_id, "basis_ids": basis_ids,
                                         "listed_on": listed_on}).one()
    fine = Decimal(str(row[0] or 0)).quantize(Decimal("0.01"))
    return Obligations(fine, int(row[1] or 0), int(row[2] or 0))


# What a bar set by an admin covers: stop-business orders (the 三停 as entered before they
# were told apart) and licence revocations (the kinds 发改办财金〔2019〕527号 once kept
# unrestorable; no bar applies unless RESTORATION_BAR_BEFORE and its source are set).
UNRESTORABLE_BEFORE_CUTOFF = frozenset({"suspension", "stop_order", "licence_revocation"})


def barred_by_cutoff(record: EnforcementRecord) -> str | None:
    """Why a bar bars restoring a decision: a stop-business order or licence revocation made
    before ``RESTORATION_BAR_BEFORE``, with the bar's source (``RESTORATION_BAR_SOURCE``)."""
    bar_before = setting_str("RESTORATION_BAR_BEFORE")
    if not bar_before:
        return None
    cutoff = dt.date.fromisoformat(str(bar_before))
    if record.decided_on < cutoff and UNRESTORABLE_BEFORE_CUTOFF & set(record.penalty_types or []):
        return N_("依据%(source)s，%(day)s 前作出的责令停产停业或吊销许可决定不可修复",
                  source=setting_str("RESTORATION_BAR_SOURCE"), day=cutoff.isoformat())
    return None


def bar_reasons(session: Session, unit_id: int, listing: Listing, today: dt.date) -> list[str]:
    """Why policy bars restoring this listing (empty: it does not)."""
    reasons: list[str] = []
    for basis in listing.basis:
        if (why := barred_by_cutoff(basis.record)) is not None:
            reasons.append(why)
            break
    restored = select(Listing.ended_on).where(
        Listing.unit_id == unit_id, Listing.status == "restored"
    )
    cooldown = setting_int("RESTORATION_COOLDOWN_DAYS")
    if cooldown:
        last = session.scalar(restored.order_by(Listing.ended_on.desc()).limit(1))
        if last and (today - last).days < cooldown:
            reasons.append(N_("距上次信用修复（%(day)s）不足 %(n)s 天", day=last.isoformat(),
                              n=cooldown))
    limit = setting_int("RESTORATION_MAX_IN_5_YEARS")
    if limit:
        since = today - relativedelta(years=5)
        count = session.scalar(
            select(func.count()).select_from(restored.where(Listing.ended_on >= since).subquery())
        )
        if (count or 0) >= limit:
            reasons.append(N_("五年内已信用修复 %(n)s 次", n=count))
    return reasons


def request_refusals(
    session: Session,
    unit: Unit,
    listing: Listing | None,
    actor: Actor,
    day: dt.date,
    bars: list[str] | None = None,
) -> list[Unmet]:
    """Why the unit may not apply to leave the list now (empty: it may), as the machine itself
    would answer ``request_restoration`` with the commitment signed (``bars``: the policy
    bars, when the caller already has them). The steps page, the
    self-service, the reminder scan and the notice all ask here, never decide themselves."""
    if "request_restoration" not in credit.triggers_from(unit.credit_status) or listing is None:
        code = "request_pending" if unit.credit_status == "restoration_requested" else "not_listed"
        return [Unmet(code)]
    facts = CreditFacts(unit.id, day, actor, listing=listing_facts(listing), commitment_signed=True,
                        bar_reasons=tuple(bar_reasons(session, unit.id, listing, day)
                                          if bars is None else bars))
    return credit.unmet_guards("request_restoration", facts)


def check_version(unit: Unit, expected: int | None) -> None:
    """Refuse a change made against an old version of the unit."""
    if expected is not None and expected != unit.version:
        raise StaleVersion(N_("该单位已被他人修改，请刷新后重试。"), current_version=unit.version)


def check(unit: Unit, trigger: str, facts: CreditFacts, expected_version: int | None) -> str:
    """The status ``trigger`` would lead to, or the conflict saying why it may not happen.

    Pure: use it before writing rows that only make sense when the trigger is allowed.
    """
    check_version(unit, expected_version)
    before = unit.credit_status
    return firing.fire(credit.fire, before, trigger, facts, N_(
        "当前信用状态（%(state)s）不允许操作 %(trigger)s。", state=before, trigger=trigger))


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
    # The optimistic lock, stated as SQL: the row changes only if nobody changed it since we
    # read it; otherwise the loser gets a conflict, never a silent overwrite.
    moved = session.execute(
        _SET_STATUS,
        {
            "unit_id": unit.id,
            "seen_version": unit.version,
            "new_status": after,
            "next_version": unit.version + 1,
        },
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleVersion(N_("该单位已被他人同时修改，请刷新后重试。"))
    set_committed_value(unit, "credit_status", after)
    set_committed_value(unit, "version", unit.version + 1)
    append_event(session, unit.id, trigger, before, after, facts.actor, facts.reason, refs)
    return after


def active_listing(unit_id: int) -> Listing | None:
    """The unit's active listing, if any."""
    return db.session.scalar(_ACTIVE_LISTING, {"unit_id": unit_id})

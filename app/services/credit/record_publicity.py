"""A penalty record's own publicity: its window, its steps, and firing its machine.

Every change of ``publicity_status`` goes through ``transition``: it fires the machine of
``app/workflows/publicity.py``, moves the row only from the state it read (a concurrent change
makes the loser's UPDATE match nothing: a conflict, never a silent overwrite) and appends one
audit event to the unit's chain, all in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.errors import StaleVersion
from app.i18n import N_
from app.models import EnforcementRecord, RestorationRequest
from app.services.audit.unit_trail import append_event
from app.services.base import firing
from app.services.base.context import today
from app.services.disclosure.windows import window
from app.workflows import application, publicity, vocabulary
from app.workflows.facts import Actor, RecordFacts, RequestFacts
from app.workflows.messages import render

_RECORDS = EnforcementRecord.__table__
_MOVE = (
    update(_RECORDS)
    .where(_RECORDS.c.id == bindparam("record_id"),
           _RECORDS.c.publicity_status == bindparam("seen"))
    .values(publicity_status=bindparam("new"))
)
_OPEN_REQUEST = select(RestorationRequest).where(
    RestorationRequest.record_id == bindparam("record_id"),
    RestorationRequest.status == application.OPEN,
)
# Why a record in this state cannot start a restoration: a message that names the rule.
_NOT_APPLICABLE = {
    "": N_("只有已公示的行政处罚信息可以申请终止公示。"),
    "awaiting": N_("该处罚信息尚未在信用平台公示，无需申请终止公示。"),
    "restoration_requested": N_("该处罚信息已申请终止公示，正在审核中。"),
    "ended_early": N_("该处罚信息已终止公示。"),
    "expired": N_("该处罚信息公示期已届满，已不再公示。"),
    "withdrawn": N_("该处罚决定已撤销，公示已撤回。"),
}


def open_record_request(session: Session, record_id: int) -> RestorationRequest | None:
    """The request to end this record's publicity awaiting a decision, if any."""
    return session.scalar(_OPEN_REQUEST, {"record_id": record_id})


# The re-inspection a 三停 needs (消防法 第70条): the unit's latest active inspection on or
# after the decision with no hazard left open.
_REINSPECTION = (
    select(EnforcementRecord.document_no)
    .where(EnforcementRecord.unit_id == bindparam("unit_id"),
           EnforcementRecord.category == "inspection", EnforcementRecord.status == "active",
           EnforcementRecord.decided_on >= bindparam("since"),
           func.coalesce(EnforcementRecord.hazards_found, 0)
           <= func.coalesce(EnforcementRecord.hazards_rectified, 0))
    .order_by(EnforcementRecord.decided_on.desc(), EnforcementRecord.id.desc()).limit(1)
)


def needs_reinspection(record: EnforcementRecord) -> bool:
    """Whether the record orders a 三停 (lifted only after a passed re-inspection)."""
    return bool(vocabulary.STOP_ORDERS & set(record.penalty_types or []))


def record_facts(
    session: Session, record: EnforcementRecord, actor: Actor, **given: Any
) -> RecordFacts:
    """The guards' view of ``record`` today; ``given``: inputs of the action (reason, ...)."""
    span = window(record)
    request = open_record_request(session, record.id)
    needed = needs_reinspection(record)
    passed = session.scalar(_REINSPECTION, {"unit_id": record.unit_id,
                                            "since": record.decided_on}) if needed else None
    # Published once its addition was delivered: the state already says so (``publish``).
    published = record.publicity_status not in (None, *publicity.MACHINE.sources("publish"))
    return RecordFacts(
        record.id, record.unit_id, today(), actor, published=published,
        min_until=span[0] if span else None, max_until=span[1] if span else None,
        fine_outstanding=record.fine_outstanding, revoked=record.status == "revoked",
        request=RequestFacts(request.id, request.filed_by, request.commitment_signed)
        if request else None, reinspection_needed=needed, reinspection=passed,
        **given,
    )


def check(record: EnforcementRecord, trigger: str, facts: RecordFacts) -> str:
    """The state ``trigger`` would lead to, or the conflict saying why it may not happen."""
    before = record.publicity_status or ""
    message = _NOT_APPLICABLE.get(before) if trigger == "request_record_restoration" else None
    return firing.fire(publicity.fire, before, trigger, facts, message or N_(
        "该处罚信息当前公示状态（%(state)s）不允许操作 %(trigger)s。", state=before or "—",
        trigger=trigger))


def transition(
    session: Session,
    record: EnforcementRecord,
    trigger: str,
    facts: RecordFacts,
    refs: dict[str, Any] | None = None,
) -> str:
    """Fire ``trigger`` on the record's publicity and record it in the unit's audit chain."""
    before = record.publicity_status or ""
    after = check(record, trigger, facts)
    moved = session.execute(_MOVE, {"record_id": record.id, "seen": before, "new": after})
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleVersion(N_("该处罚信息已被他人同时办理，请刷新后重试。"))
    set_committed_value(record, "publicity_status", after)
    append_event(session, record.unit_id, trigger, before, after, facts.actor, facts.reason,
                 {"record_id": record.id, **(refs or {})})
    return after


@dataclass
class RecordStep:
    """One item of a record's restoration checklist."""

    key: str
    done: bool
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class RecordSteps:
    """Where one penalty record stands: its window, its steps, and whether the unit may apply
    now (asked of the machine's guards, never decided here)."""

    record_id: int
    document_no: str
    decided_on: dt.date
    publicity_status: str | None
    min_until: dt.date | None
    max_until: dt.date | None
    can_apply_now: bool
    steps: list[RecordStep]
    blocked: list[str] = field(default_factory=list)
    open_request_id: int | None = None


def record_steps(
    session: Session,
    record: EnforcementRecord,
    actor: Actor,
    bars: tuple[str, ...] = (),
    lang: str = "zh",
) -> RecordSteps:
    """The record's checklist from the service's own records (proofs it holds are not asked
    for again), and whether ``request_record_restoration`` would be allowed now; ``blocked``
    says why not (guards in ``lang``, state refusals as message ids to translate)."""
    facts = record_facts(session, record, actor, commitment_signed=True, bar_reasons=bars)
    state = record.publicity_status or ""
    allowed = "request_record_restoration" in publicity.MACHINE.triggers_from(state)
    unmet = publicity.MACHINE.unmet_guards("request_record_restoration", facts)
    blocked = [render(u, lang) for u in unmet] if allowed else [_NOT_APPLICABLE.get(state, "")]
    steps = [
        RecordStep("minimum_period", facts.min_until is not None and facts.today >= facts.min_until,
                   {"earliest": facts.min_until.isoformat() if facts.min_until else None}),
        RecordStep("fines_paid", facts.fine_outstanding <= 0,
                   {"outstanding": str(facts.fine_outstanding)}),
        RecordStep("commitment_signed", bool(facts.request and facts.request.commitment_signed)),
    ]
    if facts.reinspection_needed:
        steps.insert(2, RecordStep("reinspection_passed", facts.reinspection is not None,
                                   {"document_no": facts.reinspection}))
    return RecordSteps(
        record.id, record.document_no, record.decided_on, record.publicity_status,
        facts.min_until, facts.max_until, allowed and not unmet, steps,
        [b for b in blocked if b], facts.request.id if facts.request else None,
    )

"""Enforcement records: adding, paying, rectifying and revoking, each with its disclosure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.database import lock_unit_row, unit_of_work
from app.errors import Conflict, Duplicate, NotFound, ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import DisclosureItem, EnforcementRecord, FinePayment, HazardRectification
from app.models.records import CATEGORIES
from app.services.audit.unit_trail import append_event
from app.services.base.context import authorize, setting, setting_decimal, today
from app.services.casework.record_rules import (
    EARLIEST,
    check_date,
    clean_record,
    money,
    one_of,
)
from app.services.casework.units import get_unit
from app.services.casework.writer import write_records
from app.services.disclosure import outbox, windows
from app.workflows import publicity, record_kinds
from app.workflows.facts import Actor


def _duplicate(category: str, document_no: str) -> Duplicate:
    return Duplicate(
        N_("文书编号 %(no)s 已存在（%(category)s）。", no=document_no, category=category),
        {"document_no": ["already used"]}
    )


def add_record(actor: Actor, uscc: str, data: dict[str, Any]) -> EnforcementRecord:
    """Record a decision for a unit (by hand or through the API), with its disclosure
    deadline and an ``add`` item (none for a minor penalty, which is not published unless
    ``PUBLISH_MINOR_PENALTIES``): checked by the entry rules, written by the one writer."""
    authorize(actor, "add_record")
    fields = clean_record(data, today(), setting_decimal("DELIBERATION_FINE_THRESHOLD"),
                          setting("MINOR_FINE_LIMITS"))
    try:
        with unit_of_work() as session:
            unit = get_unit(uscc, lock=True)
            taken = select(EnforcementRecord.id).where(
                EnforcementRecord.category == fields["category"],
                EnforcementRecord.document_no == fields["document_no"],
            )
            if session.scalar(taken) is not None:
                raise _duplicate(fields["category"], fields["document_no"])
            (record_id,) = write_records(session, actor, [(unit.id, fields)])
    except IntegrityError as exc:
        raise _duplicate(fields["category"], fields["document_no"]) from exc
    return get_record(record_id)


def get_record(record_id: int) -> EnforcementRecord:
    """The record with this id, or ``NotFound``."""
    record = db.session.get(EnforcementRecord, record_id)
    if record is None:
        raise NotFound(N_("未找到该执法记录。"))
    return record


def unit_records(uscc: str, category: str | None = None) -> list[EnforcementRecord]:
    """A unit's records, newest decision first, optionally of one category."""
    if category is not None and category not in CATEGORIES:
        raise ValidationFailed.on("category", one_of("category", CATEGORIES))
    return records_of(get_unit(uscc).id, category)


def records_of(unit_id: int, category: str | None = None) -> list[EnforcementRecord]:
    """The records of the unit with this id, newest decision first (of one category)."""
    query = select(EnforcementRecord).where(EnforcementRecord.unit_id == unit_id)
    if category:
        query = query.where(EnforcementRecord.category == category)
    return list(db.session.scalars(query.order_by(EnforcementRecord.decided_on.desc())))


def disclosure_states(record_ids: list[int]) -> dict[int, str]:
    """The state of each record's latest disclosure item: pending, claimed or delivered."""
    latest = db.session.execute(
        select(DisclosureItem.record_id, DisclosureItem.status)
        .where(DisclosureItem.record_id.in_(record_ids))
        .order_by(DisclosureItem.id)
    )
    return {record_id: status for record_id, status in latest if record_id is not None}


def _active(record: EnforcementRecord) -> None:
    if record.status != "active":
        raise Conflict(N_("该记录已撤销，不能再办理。"))


def _not_future(day: dt.date, field: str) -> None:
    if day > today():
        raise ValidationFailed.on(field, N_("日期不能晚于今天。"))
    if day < EARLIEST:
        raise ValidationFailed.on(field, N_("日期须在2000年至2099年之间。"))


def record_payment(
    actor: Actor, record_id: int, amount: Any, paid_on: dt.date, receipt_no: str | None = None
) -> FinePayment:
    """Record that (part of) a penalty's fine was paid. Overpaying is refused."""
    authorize(actor, "record_payment")
    value = money(amount, "amount")
    if value <= 0:
        raise ValidationFailed.on("amount", N_("缴款金额须大于零。"))
    _not_future(paid_on, "paid_on")
    with unit_of_work() as session:
        record = get_record(record_id)
        _active(record)
        if record.category != "penalty" or not record.fine_amount:
            raise ValidationFailed.on("record_id", N_("只有含罚款的行政处罚记录可以登记缴款。"))
        if value > record.fine_outstanding:
            raise ValidationFailed.on(
                "amount",
                N_("缴款金额超过未缴金额 %(amount)s 元。", amount=str(record.fine_outstanding)),
            )
        payment = FinePayment(
            record_id=record.id, amount=value, paid_on=paid_on, receipt_no=receipt_no,
            recorded_by=actor.id,
        )
        session.add(payment)
        session.flush()
        status = record.unit.credit_status
        append_event(session, record.unit_id, "payment_recorded", status, status, actor,
                     refs={"record_id": record.id, "payment_id": payment.id,
                           "amount": str(value)})
    return payment


def record_rectification(
    actor: Actor,
    record_id: int,
    rectified_on: dt.date,
    hazards_count: int | None = None,
    acceptance_no: str | None = None,
    note: str | None = None,
) -> HazardRectification:
    """Record accepted rectification: hazards of an inspection, or lifting a coercive measure."""
    authorize(actor, "record_rectification")
    _not_future(rectified_on, "rectified_on")
    with unit_of_work() as session:
        record = get_record(record_id)
        _active(record)
        count = _apply_rectification(record, rectified_on, hazards_count)
        fix = HazardRectification(
            record_id=record.id, hazards_count=count, rectified_on=rectified_on,
            acceptance_no=acceptance_no, note=note, recorded_by=actor.id,
        )
        session.add(fix)
        session.flush()
        outbox.enqueue(session, "update", record, rectified_on)
        status = record.unit.credit_status
        append_event(session, record.unit_id, "rectification_recorded", status, status, actor,
                     refs={"record_id": record.id, "rectification_id": fix.id})
    return fix


def _apply_rectification(record: EnforcementRecord, on: dt.date, hazards_count: int | None) -> int:
    if record.category == "inspection":
        outstanding = (record.hazards_found or 0) - (record.hazards_rectified or 0)
        if hazards_count is None or hazards_count <= 0 or hazards_count > outstanding:
            raise ValidationFailed.on(
                "hazards_count", N_("整改隐患数须在 1 与未整改数 %(n)s 之间。", n=outstanding)
            )
        record.hazards_rectified = (record.hazards_rectified or 0) + hazards_count
        return hazards_count
    if record.category == "coercive_measure":
        if record.lifted_on is not None:
            raise Conflict(N_("该强制措施已解除。"))
        if record.started_on and on < record.started_on:
            raise ValidationFailed.on("rectified_on", N_("解除日期不能早于措施开始日期。"))
        record.lifted_on = on
        return 0
    raise ValidationFailed.on("record_id", N_("只有监督检查和行政强制记录可以登记整改。"))


def check_revocable(record: EnforcementRecord, on: dt.date) -> None:
    """The record is in force and ``on`` can be the date of a decision revoking it."""
    _active(record)
    _check_revoked_on(record, on)


def _check_revoked_on(record: EnforcementRecord, on: dt.date) -> None:
    errors: dict[str, list[str]] = {}
    check_date("revoked_on", on, errors)
    if not errors and on < record.decided_on:
        errors["revoked_on"] = [N_("撤销决定日期不能早于原决定日期。")]
    elif not errors and on > today():
        errors["revoked_on"] = [N_("撤销决定日期不能晚于今天。")]
    if errors:
        raise ValidationFailed(errors["revoked_on"][0], errors)


CORRECTED = N_("更正：%(fields)s")


def correct_record(
    session: Session, actor: Actor, record: EnforcementRecord, changes: dict[str, Any],
    reason: str, refs: dict[str, Any],
) -> dict[str, dict[str, Any]]:
    """In the caller's transaction (the answer to an objection): change what was misread in
    a record, checked by the entry rules; the old and new values go into the unit's audit
    trail, and a record on the platform gets an ``update`` item within 3 working days (the
    correction of published information, 行政处罚法 第48条 by analogy; 备注 "更正：…").
    Returns the changed fields as {field: {"from": old, "to": new}}."""
    _active(record)
    kind = record_kinds.kind(record.category)
    allowed = kind.correctable
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValidationFailed.on(unknown[0], N_("该项不能更正。"))
    current = {f: getattr(record, f) for f in kind.columns}
    cleaned = clean_record({**current, **changes, "category": record.category}, today(),
                           setting_decimal("DELIBERATION_FINE_THRESHOLD"),
                           setting("MINOR_FINE_LIMITS"))
    changed = {f: {"from": current[f], "to": cleaned[f]} for f in allowed
               if f in changes and cleaned[f] != current[f]}
    if not changed:
        raise ValidationFailed(N_("更正后的内容与原记录相同。"), {"changes": ["unchanged"]})
    if "fine_amount" in changed and (cleaned["fine_amount"] or 0) < record.paid_amount:
        raise ValidationFailed.on("fine_amount", N_("罚款金额不能低于已缴金额 %(paid)s 元。",
                                                    paid=str(record.paid_amount)))
    if "document_no" in changed and session.scalar(select(EnforcementRecord.id).where(
            EnforcementRecord.category == record.category,
            EnforcementRecord.document_no == cleaned["document_no"],
            EnforcementRecord.id != record.id)) is not None:
        raise _duplicate(record.category, cleaned["document_no"])
    for name, values in changed.items():
        setattr(record, name, values["to"])
    session.flush()
    if windows.on_platform(record):
        names = "、".join(kind.field(f).named() for f in changed)
        outbox.enqueue(session, "update", record, today(), correction=True,
                       note=N_(CORRECTED, fields=names))
    status = record.unit.credit_status
    trail = {f: {"from": _plain(v["from"]), "to": _plain(v["to"])} for f, v in changed.items()}
    append_event(session, record.unit_id, "record_corrected", status, status, actor,
                 reason=reason, refs={"record_id": record.id, "changes": trail, **refs})
    return changed


def _plain(value: Any) -> Any:
    """A value as the audit trail's JSON keeps it (dates in ISO form, amounts as text)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


RECLASSIFIED = N_("更正：责令停止施工、停止使用、停产停业属于行政处罚，改在行政处罚类公示")


def reclassify_stop_orders(actor: Actor) -> dict[str, list[int]]:
    """Records entered as the coercive measure ``stop_order`` become the penalties they are
    (消防法 第58、60、61、70条; 处罚类别 4), each in its own transaction: a published one is
    withdrawn from the coercive category with the correction as its remark and added as a
    penalty (tier ``general``, type ``stop_order``) within 3 working days; the change is
    audited. Idempotent; a document number already used by a penalty is skipped."""
    authorize(actor, "reclassify_records")
    ids = db.session.scalars(
        select(EnforcementRecord.id).where(EnforcementRecord.category == "coercive_measure",
                                           EnforcementRecord.measure_type == "stop_order")
    ).all()
    db.session.rollback()
    result: dict[str, list[int]] = {"reclassified": [], "skipped": []}
    for record_id in ids:
        try:
            _reclassify(actor, record_id)
            result["reclassified"].append(record_id)
        except IntegrityError:
            result["skipped"].append(record_id)
    return result


def _reclassify(actor: Actor, record_id: int) -> None:
    with unit_of_work() as session:
        record = session.get_one(EnforcementRecord, record_id)
        lock_unit_row(session, record.unit_id)
        active = record.status == "active"
        if active:
            outbox.enqueue(session, "withdraw", record, today(), note=RECLASSIFIED)
        record.category, record.penalty_types = "penalty", ["stop_order"]
        record.tier, record.measure_type = "general", None
        record.publicity_status = publicity.initial_state("penalty", True) if active else None
        session.flush()
        if active:
            outbox.enqueue(session, "add", record, today(), correction=True, note=RECLASSIFIED)
        status = record.unit.credit_status
        append_event(session, record.unit_id, "record_reclassified", status, status, actor,
                     refs={"record_id": record.id, "from": "coercive_measure", "to": "penalty"})

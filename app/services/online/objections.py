"""Objections (异议申诉): a unit, or anyone from a unit's public page, contests a published
record or the unit's listing; staff check it and answer within ``OBJECTION_WORKDAYS``
working days (《天津市消防安全领域信用管理暂行办法》 2020, the chapter on objections).

Filed from the self-service (the signed-in unit, its own items only), from the public page
(name and telephone required, rate limited per address) or by staff for the unit (received
on paper or by telephone). While it is open the item is marked "异议处理中" on the public page
and in the 备注 of an ``update`` item published at once (``objection_marks``). The answer:

- upheld (维持): the record stands; the reason is given; the mark goes with an update;
- corrected (更正): the record changes through ``records.correct_record`` (the old values in
  the audit trail, an update published with 备注 "更正：…");
- revoked (撤销): staff propose the revocation through the revocation path (its own four
  eyes and the 3-working-day withdrawal); its approval answers the objection;
- withdrawn: the unit (or staff for it) withdraws it, or the item ended another way.

Four eyes: whoever entered the contested record (or proposed the listing), or filed the
objection for the unit, cannot decide it (``app/workflows/objection.py``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import uscc as uscc_codes
from app.database import lock_unit_row, unit_of_work
from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import EnforcementRecord, Listing, Objection, ObjectionFile, Unit
from app.services.audit.unit_trail import append_event
from app.services.base.context import authorize, calendar, setting_int, today
from app.services.casework.records import correct_record
from app.services.credit.listings import publish_listing
from app.services.credit.objection_ends import facts_of, move, notify
from app.services.credit.status import active_listing
from app.services.disclosure import outbox, windows
from app.services.disclosure.objection_marks import mark_applies
from app.services.online import public, uploads
from app.services.online.selfservice import check_quota
from app.workflows import publicity
from app.workflows.facts import Actor
from app.workflows.vocabulary import OBJECTION_CHANNELS, OBJECTION_TARGETS, OPEN_OBJECTIONS

NOT_FOUND = N_("未找到该异议。")
NOT_PUBLIC = N_("只能对本单位正在公示的记录或失信名单提出异议。")
ALREADY_OPEN = N_("该信息已有一项正在处理的异议，请等待答复。")
PHONE = re.compile(r"^[0-9+\-() ]{5,40}$")
TEXT_MAX = 2000


def _check(claim: str, expected: str | None, contact_name: str, contact_phone: str
           ) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not (claim or "").strip():
        errors["claim"] = [N_("请说明哪里有误。")]
    elif len(claim.strip()) > TEXT_MAX:
        errors["claim"] = [N_("内容过长（不超过2000字）。")]
    if expected and len(expected.strip()) > TEXT_MAX:
        errors["expected"] = [N_("内容过长（不超过2000字）。")]
    if not (contact_name or "").strip() or len(contact_name.strip()) > 100:
        errors["contact_name"] = [N_("请填写联系人姓名（不超过100字）。")]
    phone = (contact_phone or "").strip()
    if not PHONE.match(phone) or sum(c.isdigit() for c in phone) < 5:
        errors["contact_phone"] = [N_("请填写有效的联系电话。")]
    return errors


def _target(session: Session, unit: Unit, target: str, target_id: int | None
            ) -> tuple[EnforcementRecord | None, Listing | None]:
    """The contested item, which must be the unit's own and public now (what the public page
    shows); another unit's record is not found, like one that does not exist."""
    shown = public.unit_page(unit.uscc)
    if target == "record":
        record = session.get(EnforcementRecord, target_id) if target_id else None
        if record is None or record.unit_id != unit.id:
            raise NotFound(N_("未找到该执法记录。"))
        if record.id not in {r["record_id"] for r in shown["records"]}:
            raise Conflict(NOT_PUBLIC)
        return record, None
    listing = active_listing(unit.id)
    if listing is None or not shown["listed"]:
        raise Conflict(NOT_PUBLIC)
    return None, listing


def file_objection(
    actor: Actor, unit_id: int, target: str, target_id: int | None, claim: str,
    expected: str | None, contact_name: str, contact_phone: str,
    files: list[uploads.Upload], channel: str,
) -> Objection:
    """File an objection; its files are checked (the self-service's upload rules) and stored
    first and removed again if the objection is refused."""
    if target not in OBJECTION_TARGETS or channel not in OBJECTION_CHANNELS:
        raise ValidationFailed.on("target", N_("请选择要提出异议的记录或失信名单。"))
    authorize(actor, "file_objection_for_unit" if channel == "staff" else "file_objection")
    errors = _check(claim, expected, contact_name, contact_phone)
    if errors:
        raise ValidationFailed(N_("异议内容有误，请按提示修改。"), errors)
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(N_("未找到该统一社会信用代码对应的单位。"))
    _target(db.session(), unit, target, target_id)  # before any file is stored
    db.session.rollback()
    checked = uploads.check_uploads(files)
    check_quota(unit.id, checked)
    stored = uploads.store(checked)
    try:
        with unit_of_work() as session:
            lock_unit_row(session, unit.id)
            record, listing = _target(session, unit, target, target_id)
            taken = (Objection.record_id == record.id if record is not None
                     else Objection.listing_id == (listing.id if listing else None))
            if session.scalar(select(Objection.id).where(
                    taken, Objection.status.in_(OPEN_OBJECTIONS))) is not None:
                raise Conflict(ALREADY_OPEN)
            category = record.category if record is not None else "listing"
            due = deadline_if_filed_today()
            objection = Objection(
                unit_id=unit.id, target=target, record_id=record.id if record else None,
                listing_id=listing.id if listing else None, category=category,
                channel=channel, status="filed", claim=claim.strip(),
                expected=(expected or "").strip() or None, contact_name=contact_name.strip(),
                contact_phone=contact_phone.strip(), marked=mark_applies(category),
                filed_by=actor.id if channel == "staff" else None, filed_on=today(),
                due_on=due.day, due_on_provisional=due.provisional)
            session.add(objection)
            session.flush()
            for item in stored:
                session.add(ObjectionFile(
                    objection_id=objection.id, unit_id=unit.id, stored_name=item.stored_name,
                    original_name=item.checked.filename,
                    content_type=item.checked.content_type, size=len(item.checked.data),
                    sha256=item.checked.sha256))
            append_event(session, unit.id, "objection_filed", unit.credit_status,
                         unit.credit_status, actor, None,
                         {"objection_id": objection.id, "channel": channel,
                          "record_id": objection.record_id, "listing_id": objection.listing_id,
                          "due_on": due.day.isoformat()})
            if objection.marked:
                _republish(session, objection)  # the mark goes out with the next update
    except IntegrityError as exc:  # the same item contested twice at the same moment
        uploads.remove([item.stored_name for item in stored])
        raise Conflict(ALREADY_OPEN) from exc
    except BaseException:
        uploads.remove([item.stored_name for item in stored])
        raise
    return objection


def deadline_if_filed_today() -> Any:
    """The answer's deadline of an objection filed today: ``OBJECTION_WORKDAYS`` working days
    on the working-day calendar (``.day``, ``.provisional``)."""
    return calendar().add_workdays(today(), setting_int("OBJECTION_WORKDAYS"))


def _republish(session: Session, objection: Objection) -> None:
    """An ``update`` item of the contested item, due within 3 working days: it carries the
    mark while the objection is open, and no mark once it is answered."""
    if objection.target == "listing":
        listing = session.get_one(Listing, objection.listing_id)
        if listing.status == "active":
            publish_listing(session, "update", listing, today(), correction=True)
        return
    record = session.get_one(EnforcementRecord, objection.record_id)
    shown = record.category != "penalty" or record.publicity_status in publicity.PUBLIC
    if record.status == "active" and shown and windows.on_platform(record):
        outbox.enqueue(session, "update", record, today(), correction=True)


def public_unit(raw_uscc: str) -> Unit:
    """The unit of a public page's code, or not found."""
    unit = db.session.scalar(select(Unit).where(Unit.uscc == uscc_codes.normalise(raw_uscc)))
    if unit is None:
        raise NotFound(N_("未找到该统一社会信用代码对应的单位。"))
    return unit


def get_objection(objection_id: int) -> Objection:
    objection = db.session.get(Objection, objection_id)
    if objection is None:
        raise NotFound(NOT_FOUND)
    return objection


def own_objection(unit_id: int, objection_id: int) -> Objection:
    """One of the unit's own objections; another unit's is not found."""
    objection = db.session.get(Objection, objection_id)
    if objection is None or objection.unit_id != unit_id:
        raise NotFound(NOT_FOUND)
    return objection


def objections_of(unit_id: int) -> list[Objection]:
    """Every objection of a unit, newest first."""
    return list(db.session.scalars(select(Objection).where(Objection.unit_id == unit_id)
                                   .order_by(Objection.id.desc())))


def objections_in(statuses: tuple[str, ...] = OPEN_OBJECTIONS, limit: int = 200
                  ) -> list[Objection]:
    """Objections in these states, the nearest deadline first."""
    return list(db.session.scalars(select(Objection).where(Objection.status.in_(statuses))
                                   .order_by(Objection.due_on, Objection.id).limit(limit)))


def _decide(actor: Actor, objection_id: int, work: Any) -> Objection:
    """Lock the unit, read the objection afresh, and let ``work`` move it."""
    with unit_of_work() as session:
        unit_id = session.scalar(select(Objection.unit_id).where(Objection.id == objection_id))
        if unit_id is None:
            raise NotFound(NOT_FOUND)
        lock_unit_row(session, unit_id)
        objection = session.get_one(Objection, objection_id, populate_existing=True)
        work(session, objection)
    return objection


def start_review(actor: Actor, objection_id: int) -> Objection:
    """Staff take the objection up (核查中)."""
    authorize(actor, "decide_objection")
    def work(session: Session, objection: Objection) -> None:
        move(session, objection, "review_objection", facts_of(session, objection, actor))
    return _decide(actor, objection_id, work)


def uphold(actor: Actor, objection_id: int, reason: str) -> Objection:
    """The record (or listing) stands: answered with the reason; the mark goes."""
    authorize(actor, "decide_objection")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.on("reason", N_("须填写维持原信息的理由。"))

    def work(session: Session, objection: Objection) -> None:
        move(session, objection, "uphold_objection",
             facts_of(session, objection, actor, reason=reason), reason)
        _answered(session, objection)
    return _decide(actor, objection_id, work)


def correct(actor: Actor, objection_id: int, changes: dict[str, Any], reason: str) -> Objection:
    """The record was wrong: corrected through the record path (the old values kept in the
    audit trail, an update published with 备注 "更正：…"), in the same transaction."""
    authorize(actor, "decide_objection")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.on("reason", N_("须填写更正说明。"))
    given = {k: v for k, v in changes.items() if v not in (None, "", [])}

    def work(session: Session, objection: Objection) -> None:
        if objection.target != "record":
            raise Conflict(N_("失信名单不能更正：有误的名单按撤销程序撤销。"))
        move(session, objection, "correct_objection",
             facts_of(session, objection, actor, reason=reason, changes=len(given)), reason)
        record = session.get_one(EnforcementRecord, objection.record_id)
        correct_record(session, actor, record, given, reason, {"objection_id": objection.id})
        notify(session, objection)
    return _decide(actor, objection_id, work)


def withdraw(actor: Actor, objection_id: int, unit_id: int | None = None,
             reason: str | None = None) -> Objection:
    """The unit withdraws its objection (``unit_id``: only its own), or staff for it."""
    authorize(actor, "withdraw_objection")
    if unit_id is not None:
        own_objection(unit_id, objection_id)
    note = (reason or "").strip() or None

    def work(session: Session, objection: Objection) -> None:
        move(session, objection, "withdraw_objection",
             facts_of(session, objection, actor, reason=note), note)
        if objection.marked:
            _republish(session, objection)
    return _decide(actor, objection_id, work)


def _answered(session: Session, objection: Objection) -> None:
    if objection.marked:
        _republish(session, objection)
    notify(session, objection)


def own_file(unit_id: int, file_id: int) -> ObjectionFile:
    """A proof the unit filed with an objection; another unit's is not found."""
    item = db.session.get(ObjectionFile, file_id)
    if item is None or item.unit_id != unit_id:
        raise NotFound(NOT_FOUND)
    return item


def get_file(objection_id: int, file_id: int) -> ObjectionFile:
    """A proof of an objection, for staff."""
    item = db.session.get(ObjectionFile, file_id)
    if item is None or item.objection_id != objection_id:
        raise NotFound(NOT_FOUND)
    return item


@dataclass(frozen=True)
class Contestable:
    """An item the public sees of a unit, which may be contested (``open``: it already is)."""

    target: str
    id: int
    category: str
    document_no: str
    decided_on: dt.date
    open: bool


def contestable(unit: Unit) -> list[Contestable]:
    """What may be contested of the unit: its listing, then its records, as the public page
    shows them now."""
    shown = public.unit_page(unit.uscc)
    ids = [r["record_id"] for r in shown["records"]]
    session = db.session()
    contested = set(session.scalars(select(Objection.record_id).where(
        Objection.record_id.in_(ids), Objection.status.in_(OPEN_OBJECTIONS))))
    items = []
    listing = active_listing(unit.id) if shown["listed"] else None
    if listing is not None:
        taken = session.scalar(select(Objection.id).where(
            Objection.listing_id == listing.id, Objection.status.in_(OPEN_OBJECTIONS)))
        items.append(Contestable("listing", listing.id, "listing", listing.document_no,
                                 listing.decided_on, taken is not None))
    records = {r.id: r for r in session.scalars(
        select(EnforcementRecord).where(EnforcementRecord.id.in_(ids)))}
    items += [Contestable("record", i, records[i].category, records[i].document_no,
                          records[i].decided_on, i in contested) for i in ids]
    return items


def contested_item(unit: Unit, target: str, target_id: int | None) -> Contestable:
    """The item an objection form is about: public and the unit's own, else not found."""
    for item in contestable(unit):
        if item.target == target and (target == "listing" or item.id == target_id):
            return item
    raise NotFound(N_("未找到可提出异议的公示信息。"))

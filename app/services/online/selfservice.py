"""What a unit does for itself: see where it stands, apply for restoration with a signed
commitment and proofs, follow and withdraw its application, and set where reminders go.

Every function takes the signed-in unit's id and touches only that unit's rows: a request or
file of another unit is ``NotFound``, exactly like one that does not exist.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.database import lock_unit_row, unit_of_work
from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import (
    EnforcementRecord,
    Listing,
    ObjectionFile,
    RestorationFile,
    RestorationRequest,
    Unit,
)
from app.models._types import utcnow
from app.services.audit.unit_trail import append_event
from app.services.base.context import setting_int
from app.services.casework.units import clean_email
from app.services.credit import record_restoration, restoration
from app.services.credit.record_publicity import RecordSteps
from app.services.credit.status import active_listing, obligations
from app.services.online import uploads
from app.workflows import application, publicity
from app.workflows.facts import Actor

NOT_FOUND = N_("未找到该申请或文件。")
PROOF_OF_PAYMENT = N_("本机关尚未登记罚款缴清：请上传缴款凭证（PDF、JPEG 或 PNG）。")


def unit_actor(unit: Unit) -> Actor:
    """The unit acting for itself (no staff account: ``id`` is None in the audit trail)."""
    return Actor(None, unit.name, "unit")


def get_own_unit(unit_id: int) -> Unit:
    """The signed-in unit."""
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(N_("未找到该统一社会信用代码对应的单位。"))
    return unit


@dataclass
class Overview:
    """Everything the unit's own page shows."""

    unit: Unit
    listing: Listing | None
    basis: list[EnforcementRecord]
    steps: restoration.RestorationSteps
    requests: list[RestorationRequest]
    records: list[RecordSteps]  # each penalty on the platform, with its own steps


def overview(unit_id: int, lang: str = "zh") -> Overview:
    """The unit's status and why, its checklist, each public penalty with its own steps and
    earliest date, and its applications (newest first)."""
    unit = get_own_unit(unit_id)
    session = db.session()
    listing = active_listing(unit.id)
    requests = session.scalars(
        select(RestorationRequest).where(RestorationRequest.unit_id == unit.id)
        .order_by(RestorationRequest.id.desc())
    ).all()
    basis = [b.record for b in listing.basis] if listing else []
    return Overview(unit, listing, basis, restoration.restoration_steps(unit.uscc),
                    list(requests), public_records(unit, lang))


def public_records(unit: Unit, lang: str = "zh") -> list[RecordSteps]:
    """The unit's penalties on the platform (or about to be), newest decision first."""
    shown = db.session.scalars(
        select(EnforcementRecord)
        .where(EnforcementRecord.unit_id == unit.id,
               EnforcementRecord.publicity_status.in_(publicity.SHOWN))
        .order_by(EnforcementRecord.decided_on.desc(), EnforcementRecord.id.desc())
    ).all()
    actor = unit_actor(unit)
    return [record_restoration.steps_of(r.id, actor, unit.id, lang) for r in shown]


def _same(typed: str, registered: str) -> bool:
    """Equal after width folding and without spaces (全角/半角, stray blanks)."""

    def fold(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text or "").split()).casefold()

    return fold(typed) == fold(registered) and bool(fold(typed))


def check_signature(unit: Unit, signed_name: str, signed_representative: str) -> None:
    """The commitment is signed by typing the unit's registered name and its legal
    representative (any name, when none is registered)."""
    errors: dict[str, list[str]] = {}
    if not _same(signed_name, unit.name):
        errors["signed_name"] = [N_("请输入与登记一致的单位名称。")]
    representative = unit.legal_representative or signed_representative
    if not _same(signed_representative, representative):
        errors["signed_representative"] = [N_("请输入与登记一致的法定代表人姓名。")]
    if errors:
        raise ValidationFailed(N_("信用承诺书签署信息有误。"), errors)


def apply(
    unit_id: int,
    signed_name: str,
    signed_representative: str,
    files: list[uploads.Upload],
    note: str | None = None,
) -> RestorationRequest:
    """The unit applies online to leave the list (see ``_signed_with_proofs``)."""
    unit = get_own_unit(unit_id)
    if unit.credit_status == "restoration_requested":
        raise Conflict(N_("贵单位已有一份待决定的修复申请，请勿重复申请。"))
    if unit.credit_status != "listed":
        raise Conflict(N_("贵单位不在失信名单上，无需申请信用修复。"))

    def file(signature: tuple[str, str], attach: Attach) -> RestorationRequest:
        return restoration.file_request(unit_actor(unit), unit.uscc, True, note, unit.version,
                                        signature=signature, attach=attach)

    listing = active_listing(unit.id)
    owed = obligations(db.session(), unit.id, listing).fine_outstanding if listing else 0
    return _signed_with_proofs(unit, signed_name, signed_representative, files, file, owed)


def apply_record(
    unit_id: int,
    record_id: int,
    signed_name: str,
    signed_representative: str,
    files: list[uploads.Upload],
    note: str | None = None,
) -> RestorationRequest:
    """The unit applies online to end one of its penalties' publicity early."""
    unit = get_own_unit(unit_id)
    record = record_restoration.get_unit_record(record_id, unit.id)  # another's: not found

    def file(signature: tuple[str, str], attach: Attach) -> RestorationRequest:
        return record_restoration.file_record_request(
            unit_actor(unit), record_id, True, note, unit.id, signature, attach)

    return _signed_with_proofs(unit, signed_name, signed_representative, files, file,
                               record.fine_outstanding)


Attach = Callable[[Session, RestorationRequest], None]


def _signed_with_proofs(
    unit: Unit,
    signed_name: str,
    signed_representative: str,
    files: list[uploads.Upload],
    file: Callable[[tuple[str, str], Attach], RestorationRequest],
    fine_outstanding: Decimal | int = 0,
) -> RestorationRequest:
    """Signature and files are checked before anything is written; the files are stored,
    then the request and its file rows are written in one transaction (the files are
    removed again if it is refused). While a fine is not recorded as paid, the application
    must carry its payment proof (the supervisor records the payment from it)."""
    check_signature(unit, signed_name, signed_representative)
    checked = uploads.check_uploads(files)
    check_quota(unit.id, checked)
    stored = uploads.store(checked)

    def attach(session: Session, request: RestorationRequest) -> None:
        # After the machine's guards: a unit applying too early hears that first.
        if fine_outstanding > 0 and not stored:
            raise ValidationFailed.on("proofs", PROOF_OF_PAYMENT)
        for item in stored:
            session.add(RestorationFile(
                request_id=request.id, unit_id=unit.id, stored_name=item.stored_name,
                original_name=item.checked.filename, content_type=item.checked.content_type,
                size=len(item.checked.data), sha256=item.checked.sha256))

    try:
        return file((signed_name.strip(), signed_representative.strip()), attach)
    except BaseException:
        uploads.remove([item.stored_name for item in stored])
        raise


QUOTA_FULL = N_("贵单位保存的证明材料已达上限，请联系执法人员。")


def check_quota(unit_id: int, checked: list[uploads.Checked]) -> None:
    """A unit keeps at most ``UNIT_UPLOAD_QUOTA_BYTES`` of proofs, with its applications and
    its objections (removed ones not counted), so filing and withdrawing in a loop cannot fill
    the disk."""
    kept = db.session.scalar(
        select(func.coalesce(func.sum(RestorationFile.size), 0))
        .where(RestorationFile.unit_id == unit_id, RestorationFile.removed_at.is_(None))
    )
    kept = int(kept or 0) + int(db.session.scalar(
        select(func.coalesce(func.sum(ObjectionFile.size), 0))
        .where(ObjectionFile.unit_id == unit_id)) or 0)
    db.session.rollback()
    if kept + sum(len(c.data) for c in checked) > setting_int("UNIT_UPLOAD_QUOTA_BYTES"):
        raise ValidationFailed.on("proofs", QUOTA_FULL)


def prune_proofs() -> int:
    """Remove the proofs of applications withdrawn, rejected or closed more than
    ``PROOF_RETENTION_DAYS`` ago: the files are deleted, their rows kept as a record."""
    cutoff = utcnow() - dt.timedelta(days=setting_int("PROOF_RETENTION_DAYS"))
    due = db.session.execute(
        select(RestorationFile.id, RestorationFile.stored_name)
        .join(RestorationRequest, RestorationRequest.id == RestorationFile.request_id)
        .where(RestorationFile.removed_at.is_(None),
               RestorationRequest.status.in_(application.ENDED_UNDECIDED),
               RestorationRequest.decided_at < cutoff)
    ).all()
    db.session.rollback()
    if not due:
        return 0
    with unit_of_work() as session:
        session.execute(update(RestorationFile).where(RestorationFile.id.in_([i for i, _ in due]))
                        .values(removed_at=utcnow()))
    # After the commit: a crash leaves a file (found again by no one; docs/operations.md),
    # never a row that points at nothing.
    uploads.remove([name for _id, name in due])
    return len(due)


def own_request(unit_id: int, request_id: int) -> RestorationRequest:
    """One of the unit's own requests; another unit's is not found."""
    request = db.session.get(RestorationRequest, request_id)
    if request is None or request.unit_id != unit_id:
        raise NotFound(NOT_FOUND)
    return request


def withdraw(unit_id: int, request_id: int) -> RestorationRequest:
    """The unit withdraws its open application; it is listed again and may apply later."""
    request = own_request(unit_id, request_id)
    if request.status != application.OPEN:
        raise Conflict(N_("该申请已办结。"))
    return restoration.withdraw_request(unit_actor(get_own_unit(unit_id)), request.id)


def own_file(unit_id: int, file_id: int) -> RestorationFile:
    """A proof the unit uploaded; another unit's is not found."""
    item = db.session.get(RestorationFile, file_id)
    if item is None or item.unit_id != unit_id:
        raise NotFound(NOT_FOUND)
    return item


def get_file(request_id: int, file_id: int) -> RestorationFile:
    """A proof of a request, for staff."""
    item = db.session.get(RestorationFile, file_id)
    if item is None or item.request_id != request_id:
        raise NotFound(NOT_FOUND)
    return item


def set_contact_email(unit_id: int, raw: str | None) -> Any:
    """Where the unit's reminders go (empty: no reminders). The change is in the unit's
    audit chain, from and to, as the unit's own act."""
    email = clean_email(raw)
    with unit_of_work() as session:
        lock_unit_row(session, unit_id)
        unit = session.get_one(Unit, unit_id, populate_existing=True)
        before = unit.contact_email
        if before == email:
            return email
        table = Unit.__table__  # a Core update: the credit state's version stays as it is
        session.execute(table.update().where(table.c.id == unit_id).values(contact_email=email))
        append_event(session, unit_id, "reminder_address_changed", unit.credit_status,
                     unit.credit_status, unit_actor(unit), None, {"from": before, "to": email})
    return email

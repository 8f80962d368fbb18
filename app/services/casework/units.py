"""Registering, finding and searching units."""

from __future__ import annotations

from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import bindparam, or_, select
from sqlalchemy.exc import IntegrityError

from app import uscc as uscc_codes
from app.database import lock_unit_row, unit_of_work
from app.errors import Duplicate, NotFound, ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import Unit
from app.models.units import CREDIT_STATUSES
from app.services.audit.unit_trail import append_event
from app.services.base.context import authorize
from app.services.base.paging import page_of
from app.services.casework.record_rules import checked_id, one_of
from app.workflows.facts import Actor

_BY_CODE = select(Unit).where(Unit.uscc == bindparam("code"))
OPTIONAL_FIELDS = (
    "address", "street", "legal_representative", "legal_rep_id_type", "legal_rep_id_number",
    "contact_phone", "contact_email",
)


def checked_uscc(raw: str, field: str = "uscc") -> str:
    """The normalised code, or a validation error on ``field``."""
    try:
        return uscc_codes.validate(raw)
    except uscc_codes.InvalidUSCC as exc:
        raise ValidationFailed.on(field, str(exc)) from exc


def clean_email(raw: str | None) -> str | None:
    """An email address in its normal form, or None when left empty."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        return str(validate_email(text, check_deliverability=False).normalized)
    except EmailNotValidError as exc:
        raise ValidationFailed.on("contact_email", N_("电子邮箱地址无效。")) from exc


def clean_id(id_type: str | None, number: str | None) -> dict[str, str | None]:
    """The legal representative's ID: a known type and a number of that type, or neither."""
    kind, text = checked_id(id_type, number, "legal_rep_id_type", "legal_rep_id_number")
    return {"legal_rep_id_type": kind, "legal_rep_id_number": text}


def register_unit(actor: Actor, uscc: str, name: str, **optional: str | None) -> Unit:
    """Register a unit with status ``normal``; its first audit event records who did it."""
    authorize(actor, "register_unit")
    code = checked_uscc(uscc)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed.on("name", N_("单位名称不能为空。"))
    unknown = set(optional) - set(OPTIONAL_FIELDS)
    if unknown:
        raise ValidationFailed.on(sorted(unknown)[0], "Unknown field.")
    cleaned = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in optional.items()}
    if cleaned.get("contact_email"):
        cleaned["contact_email"] = clean_email(cleaned["contact_email"])
    cleaned.update(clean_id(cleaned.get("legal_rep_id_type"), cleaned.get("legal_rep_id_number")))
    try:
        with unit_of_work() as session:
            if session.scalar(select(Unit.id).where(Unit.uscc == code)) is not None:
                raise Duplicate(
                    N_("统一社会信用代码 %(code)s 已登记。", code=code),
                    {"uscc": ["already registered"]},
                )
            unit = Unit(uscc=code, name=name, credit_status="normal", **cleaned)
            session.add(unit)
            session.flush()
            append_event(session, unit.id, "unit_registered", "normal", "normal", actor)
    except IntegrityError as exc:  # a concurrent registration of the same code won
        raise Duplicate(
            N_("统一社会信用代码 %(code)s 已登记。", code=code), {"uscc": ["already registered"]}
        ) from exc
    return unit


def get_unit(raw_uscc: str, lock: bool = False) -> Unit:
    """The unit with this code (normalised first), or ``NotFound``.

    ``lock``: inside a unit of work, also take the unit's row lock (see ``lock_unit_row``).
    """
    code = uscc_codes.normalise(raw_uscc)
    plausible = len(code) == 18 and all(c in uscc_codes.ALPHABET for c in code)
    unit = db.session.scalar(_BY_CODE, {"code": code}) if plausible else None
    if unit is not None and lock:
        lock_unit_row(db.session(), unit.id)
    if unit is None:
        raise NotFound(N_("未找到该统一社会信用代码对应的单位。"), uscc=code[:18])
    return unit


def search_units(
    q: str | None = None,
    status: str | None = None,
    street: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> tuple[list[Unit], int]:
    """Units matching a name fragment or code prefix, a status and a street.

    Returns one page and the total count.
    """
    return page_of(units_query(q, status, street), (Unit.name, Unit.id), page, per_page)


def units_query(q: str | None = None, status: str | None = None,
                street: str | None = None) -> Any:
    """The units the staff list shows for these filters (the list pages it, the export
    streams it whole)."""
    if status is not None and status not in CREDIT_STATUSES:
        raise ValidationFailed.on("status", one_of("status", CREDIT_STATUSES))
    query = select(Unit)
    if q:
        term = q.strip()
        code = uscc_codes.normalise(term)
        query = query.where(
            or_(
                Unit.name.contains(term, autoescape=True),
                Unit.uscc.startswith(code, autoescape=True),
            )
        )
    if status:
        query = query.where(Unit.credit_status == status)
    if street:
        query = query.where(Unit.street == street)
    return query

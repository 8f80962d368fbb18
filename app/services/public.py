"""What the public may see: units by name or code, whether each is listed, and the records
that were disclosed and are still inside their publicity period.

A record shows as it was published (the masked public fields of its last delivered item);
a record whose latest item is a withdrawal, delivered or not yet, no longer shows. Nothing of
a unit beyond its name and code (no address, phone or legal representative's ID) is returned.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, or_, select

from app import uscc as uscc_codes
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import DisclosureItem, EnforcementRecord, Listing, Unit
from app.services.context import setting, today

LISTED = ("listed", "restoration_requested")
# A person's name, published in the 双公示 set but left out of the district's own lookup.
PRIVATE_FIELDS = frozenset({"法定代表人"})
MIN_NAME = 2
_ITEMS = (
    select(DisclosureItem.id, DisclosureItem.record_id, DisclosureItem.category,
           DisclosureItem.op, DisclosureItem.status, DisclosureItem.payload,
           EnforcementRecord.decided_on, EnforcementRecord.status)
    .join(EnforcementRecord, EnforcementRecord.id == DisclosureItem.record_id)
)  # fmt: skip


def search(q: str | None, page: int = 1, per_page: int = 20) -> tuple[list[dict[str, Any]], int]:
    """Units whose name contains ``q`` (two characters at least) or whose code is ``q``."""
    term = (q or "").strip()
    code = uscc_codes.normalise(term)
    if len(code) == 18 and all(c in uscc_codes.ALPHABET for c in code):
        where = or_(Unit.uscc == code, Unit.name.contains(term, autoescape=True))
    elif len(term) >= MIN_NAME:
        where = Unit.name.contains(term, autoescape=True)
    else:
        raise ValidationFailed.on("q", N_("请输入单位名称的至少两个字，或完整的统一社会信用代码。"))
    query = select(Unit.uscc, Unit.name, Unit.credit_status).where(where)
    rows, total = page_of_rows(query, page, per_page)
    return [{"uscc": r.uscc, "name": r.name, "listed": r.credit_status in LISTED}
            for r in rows], total  # fmt: skip


def page_of_rows(query: Any, page: int, per_page: int) -> tuple[list[Any], int]:
    """``page_of`` for a select of columns (rows, not entities)."""
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.execute(
        query.order_by(Unit.name, Unit.id).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return list(rows), int(total)


def public_until(category: str, decided_on: dt.date, payload: dict[str, Any]) -> dt.date:
    """The end of a record's publicity: the published 公示截止期 of a penalty (its tier or its
    listing), else ``PUBLIC_MONTHS`` of the category from the decision."""
    published = payload.get("公示截止期") if category == "penalty" else None
    if published:
        return dt.date.fromisoformat(str(published))
    months = int(setting("PUBLIC_MONTHS").get(category, 36))
    if category == "penalty":
        months = int(setting("PUBLICITY_MONTHS")["minor"][1])
    return decided_on + relativedelta(months=months)


def unit_page(raw_uscc: str) -> dict[str, Any]:
    """A unit as the public sees it."""
    code = uscc_codes.normalise(raw_uscc or "")
    unit = db.session.scalar(select(Unit).where(Unit.uscc == code)) if len(code) == 18 else None
    if unit is None:
        raise NotFound(N_("未找到该统一社会信用代码对应的单位。"))
    listed = unit.credit_status in LISTED
    listing = None
    if listed:
        row = db.session.scalar(
            select(Listing).where(Listing.unit_id == unit.id, Listing.status == "active")
        )
        if row is not None:
            listing = {"level": row.level, "decided_on": row.decided_on,
                       "document_no": row.document_no, "publicity_until": row.max_until}
    return {"uscc": unit.uscc, "name": unit.name, "listed": listed, "listing": listing,
            "records": visible_records(unit.id)}  # fmt: skip


def visible_records(unit_id: int) -> list[dict[str, Any]]:
    """The unit's disclosed records inside their publicity period, newest decision first."""
    latest: dict[int, Any] = {}
    published: dict[int, Any] = {}
    for row in db.session.execute(_ITEMS.where(DisclosureItem.unit_id == unit_id)
                                  .order_by(DisclosureItem.id)):  # fmt: skip
        latest[row.record_id] = row
        if row.status == "delivered" and row.op != "withdraw":
            published[row.record_id] = row
    day, records = today(), []
    for record_id, row in published.items():
        last = latest[record_id]
        if last.op == "withdraw" or last[7] != "active":
            continue
        until = public_until(row.category, row.decided_on, row.payload)
        if until < day:
            continue
        records.append({"record_id": record_id, "category": row.category,
                        "decided_on": row.decided_on, "publicity_until": until,
                        "fields": {k: v for k, v in row.payload.items()
                                   if k not in PRIVATE_FIELDS}})  # fmt: skip
    records.sort(key=lambda r: (r["decided_on"], r["record_id"]), reverse=True)
    return records

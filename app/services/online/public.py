"""What the public may see: units by name or code, whether each is listed, and the records
that were disclosed and are still inside their publicity period.

A record shows as it was published (the masked public fields of its last delivered item);
a record whose latest item is a withdrawal, delivered or not yet, no longer shows. Nothing of
a unit beyond its name and code (no address, phone or legal representative's ID) is returned.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, func, select, text

from app import uscc as uscc_codes
from app.database import read_only
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import DisclosureItem, EnforcementRecord, Listing, Objection, Unit
from app.services.base.context import setting_int, today
from app.services.disclosure import windows
from app.services.disclosure.objection_marks import marked
from app.workflows import publicity

LISTED = ("listed", "restoration_requested")
# A person's name, published in the 双公示 set but left out of the district's own lookup.
PRIVATE_FIELDS = frozenset({"法定代表人", "法定代表人证件类型", "法定代表人证件号码",
                            "证件类型", "证件号码"})
PERSON = "自然人"  # a natural person's name is not shown on the district's page either
MIN_NAME = 2


class SearchPage(NamedTuple):
    """A page of units found, how many match (up to the cap), and whether more do."""

    items: list[dict[str, Any]]
    total: int
    capped: bool
# One round trip per lookup: the unit, its active listing (at most one) and all its items,
# with whether each record and the listing is under an open objection ("异议处理中").
_LOOKUP = (
    select(Unit.id, Unit.uscc, Unit.name, Unit.credit_status, Listing.id.label("listing_id"),
           Listing.level, Listing.decided_on.label("listed_on"), Listing.document_no,
           Listing.max_until, DisclosureItem.id.label("item_id"), DisclosureItem.record_id,
           DisclosureItem.category, DisclosureItem.op, DisclosureItem.status.label("item_status"),
           DisclosureItem.payload, EnforcementRecord.decided_on,
           EnforcementRecord.status.label("record_status"), EnforcementRecord.publicity_status,
           EnforcementRecord.publicity_blocked_on, Listing.expiry_blocked_on,
           marked(Objection.record_id == DisclosureItem.record_id).label("record_marked"),
           marked(Objection.listing_id == Listing.id).label("listing_marked"))
    .outerjoin(Listing, and_(Listing.unit_id == Unit.id, Listing.status == "active"))
    .outerjoin(DisclosureItem, DisclosureItem.unit_id == Unit.id)
    .outerjoin(EnforcementRecord, EnforcementRecord.id == DisclosureItem.record_id)
    .where(Unit.uscc == bindparam("code"))
    .order_by(DisclosureItem.id)
)


def search(q: str | None, page: int = 1, per_page: int = 20) -> SearchPage:
    """Units whose name contains ``q`` (two characters at least) or whose code is ``q``, in
    name order. The total is counted up to ``PUBLIC_COUNT_CAP`` (``capped``: more match, and
    the pages show the first of them by registration), and pages stop there: a broad term
    never scans the whole register.

    On PostgreSQL the name test first goes through the bigram index (migration 0020): a
    two-character query is one index lookup, a longer one the intersection of its bigrams, the
    ``LIKE`` then confirms; the planner walks the name index instead for a term most names
    contain. SQLite keeps the plain ``LIKE``."""
    term = (q or "").strip()
    code = uscc_codes.normalise(term)
    if len(code) == 18 and all(c in uscc_codes.ALPHABET for c in code):
        where: Any = Unit.uscc == code
    elif len(term) >= MIN_NAME:
        where = Unit.name.contains(term, autoescape=True)
        if db.session.get_bind().dialect.name == "postgresql":
            # one request, many small queries: no parallel workers to start for each
            db.session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
            where = and_(func.creditflow_bigrams(Unit.name)
                         .op("@>")(func.creditflow_bigrams(term)), where)
    else:
        raise ValidationFailed.on("q", N_("请输入单位名称的至少两个字，或完整的统一社会信用代码。"))
    cap = setting_int("PUBLIC_COUNT_CAP")
    if (page - 1) * per_page >= cap:
        raise ValidationFailed.on("page", N_("结果太多，请输入更完整的单位名称。"))
    # The first cap + 1 matches in registration order: found by the bigram index when they
    # are few, by walking the primary key when most names match (matches are spread evenly
    # over ids, so the planner's guess holds; in name order a district's names bunch up).
    # They are counted and sorted by name; a broad term never scans the register.
    found = select(Unit.id).where(where).order_by(Unit.id).limit(cap + 1).subquery()
    total = int(db.session.scalar(select(func.count()).select_from(found)) or 0)
    units = db.session.scalars(select(Unit).where(Unit.id.in_(select(found.c.id)))
                               .order_by(Unit.name, Unit.id)
                               .offset((page - 1) * per_page).limit(per_page)).all()
    return SearchPage([{"uscc": u.uscc, "name": u.name, "listed": u.credit_status in LISTED}
                       for u in units], min(total, cap), total > cap)


def public_until(category: str, decided_on: dt.date, payload: dict[str, Any]) -> dt.date | None:
    """The end of a record's publicity as published: a penalty's 公示截止期 (None: open, it
    stays public until its fine is paid), else ``PUBLIC_MONTHS`` of the category."""
    if category == "penalty":
        published = payload.get("公示截止期")
        return dt.date.fromisoformat(str(published)) if published else None
    return windows.public_end(category, decided_on)


def unit_page(raw_uscc: str) -> dict[str, Any]:
    """A unit as the public sees it."""
    code = uscc_codes.normalise(raw_uscc or "")
    rows = read_only(_LOOKUP, {"code": code}, key="public.unit") if len(code) == 18 else []
    if not rows:
        raise NotFound(N_("未找到该统一社会信用代码对应的单位。"))
    first = rows[0]
    listed = first.credit_status in LISTED
    listing = None
    if listed and first.level is not None:
        listing = {"level": first.level, "decided_on": first.listed_on.isoformat(),
                   "document_no": first.document_no,
                   "publicity_until": None if first.expiry_blocked_on
                   else first.max_until.isoformat(),
                   "objection": bool(first.listing_marked)}
    records = visible_records(rows)
    return {"uscc": first.uscc, "name": first.name, "listed": listed, "listing": listing,
            "records": records}


def public_view(payload: dict[str, Any]) -> dict[str, Any]:
    """A published item's fields without personal data: no representative's or person's ID,
    and no natural person's name."""
    hidden = PRIVATE_FIELDS | ({"行政相对人名称"} if payload.get("行政相对人类别") == PERSON
                               else set())
    return {k: v for k, v in payload.items() if k not in hidden}


def visible_records(rows: list[Any]) -> list[dict[str, Any]]:
    """Of a unit's items (in id order), each record's last published state, if the record is
    still active, not being withdrawn and inside its publicity period; newest decision first."""
    latest: dict[int, Any] = {}
    published: dict[int, Any] = {}
    for row in rows:
        if row.item_id is None or row.record_id is None:
            continue  # no item; a listing's own (the banner shows the listing)
        latest[row.record_id] = row
        if row.item_status == "delivered" and row.op != "withdraw":
            published[row.record_id] = row
    day, records = today(), []
    for record_id, row in published.items():
        last = latest[record_id]
        if last.op == "withdraw" or last.record_status != "active":
            continue
        until = public_until(row.category, row.decided_on, row.payload)
        if row.category == "penalty" and last.publicity_status not in publicity.PUBLIC:
            continue  # its own machine ended it (restored, expired, withdrawn)
        if until is not None and until < day and last.publicity_blocked_on is None:
            continue  # its window ended; kept only while its fine is unpaid
        records.append({"record_id": record_id, "category": row.category,
                        "decided_on": row.decided_on.isoformat(),
                        "publicity_until": until.isoformat() if until else None,
                        "fields": public_view(row.payload),
                        "objection": bool(last.record_marked)})
    records.sort(key=lambda r: (r["decided_on"], r["record_id"]), reverse=True)
    return records

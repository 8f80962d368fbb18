"""Writing disclosure items (the outbox) inside the transaction of the change they report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import DisclosureItem, EnforcementRecord, Listing
from app.models._types import utcnow
from app.publishers.fields import public_fields
from app.services.base.context import calendar, setting, today
from app.services.credit.objection_marks import under_objection
from app.services.credit.record_publicity import window

PUBLIC_RECORD_FIELDS = (
    "document_no", "decided_on", "facts", "legal_basis", "tier", "penalty_types",
    "fine_amount", "hazards_found", "hazards_rectified", "measure_type", "started_on",
    "lifted_on", "licence_type", "licence_no", "valid_from", "valid_to", "status",
    "publicity_status", "revoked_reason", "revoked_on", "confiscation_amount",
    "licence_affected", "effective_until", "certificate_name",
)


_INSERT_ITEM = insert(DisclosureItem.__table__)  # Core: no ORM bulk machinery per row


_PLAIN = frozenset({str, int, float, bool})


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is not None and not isinstance(value, (str, int, float, bool, list, dict)):
        return str(value)  # Decimal: exact, as text
    return value


def snapshot(record: EnforcementRecord, listing: Listing | None = None,
             as_of: dt.date | None = None, objection: bool | None = None) -> dict[str, Any]:
    """The public fields of a record (and of the listing based on it) at this moment
    (``as_of``: today, given once by a caller that snapshots many records; ``objection``:
    whether it is under objection, given by a caller that knows, else read)."""
    unit = record.unit
    data: dict[str, Any] = {
        "record_id": record.id,
        "category": record.category,
        "unit": {
            "uscc": unit.uscc,
            "name": unit.name,
            "legal_representative": unit.legal_representative,
            "id_type": unit.legal_rep_id_type,
            "id_number": unit.legal_rep_id_number,  # masked by the field set, never stored
        },
        "as_of": (as_of or today()).isoformat(),
        "person": {"name": record.person_name, "id_type": record.person_id_type,
                   "id_number": record.person_id_number} if record.person_name else None,
        "authority": {"name": setting("AUTHORITY_NAME"), "uscc": setting("AUTHORITY_USCC")},
    }
    for name in PUBLIC_RECORD_FIELDS:
        value = getattr(record, name)
        data[name] = value if value is None or type(value) in _PLAIN else _jsonable(value)
    data["publicity_until"] = _jsonable(publicity_until(record, listing))
    data["extended"] = record.publicity_blocked_on is not None
    data["objection"] = objection if objection is not None else under_objection(
        db.session(), record.id, listing.id if listing else None)
    if listing is not None:
        data["listing"] = {
            "id": listing.id,
            "level": listing.level,
            "status": listing.status,
            "document_no": listing.document_no,
            "decided_on": listing.decided_on.isoformat(),
            "publicity_until": None if listing.expiry_blocked_on else listing.max_until.isoformat(),
            "extended": listing.expiry_blocked_on is not None,
            "ended_on": listing.ended_on.isoformat() if listing.ended_on else None,
        }
    return data


def public_payload(
    op: str, record: EnforcementRecord, listing: Listing | None, note: str | None = None,
    as_of: dt.date | None = None, objection: bool | None = None,
) -> dict[str, str]:
    """What an item stores: the public fields (masked) of the record at this moment;
    ``note``: a public remark (备注) that explains a correction."""
    return public_fields(record.category,
                         {"op": op, "note": note, **snapshot(record, listing, as_of, objection)})


def publicity_until(record: EnforcementRecord, listing: Listing | None = None) -> dt.date | None:
    """Until when a penalty stays public (公示截止期): the end of its own window, counted from
    its decision date by its tier (a listing based on it never moves that date); None once
    the window passed with the fine unpaid (public until it is paid)."""
    span = window(record)
    return span[1] if span and record.publicity_blocked_on is None else None


def workdays_for(op: str, category: str, correction: bool = False) -> int:
    """Working days an item has: 3 for a withdrawal or a correction (行政处罚法 第48条, 第85条),
    else the category's disclosure deadline (国办发〔2018〕118号)."""
    if op == "withdraw" or correction:
        return int(setting("WITHDRAWAL_WORKDAYS"))
    return int(setting("DISCLOSURE_WORKDAYS")[category])


def enqueue(
    session: Session,
    op: str,
    record: EnforcementRecord,
    on: dt.date,
    listing: Listing | None = None,
    correction: bool = False,
    note: str | None = None,
) -> None:
    """Add one disclosure item for ``record`` to the caller's transaction, due the right number
    of working days after ``on`` (kept with the item, so that a year's official schedule
    re-dates it when it arrives)."""
    workdays = workdays_for(op, record.category, correction)
    due = calendar().add_workdays(on, workdays)
    session.execute(
        _INSERT_ITEM,
        {
            "category": record.category,
            "op": op,
            "record_id": record.id,
            "unit_id": record.unit_id,
            "listing_id": listing.id if listing else None,
            "payload": public_payload(op, record, listing, note),
            "due_by": due.day,
            "due_from": on,
            "due_workdays": workdays,
            "due_provisional": due.provisional,
            "status": "pending",
            "batch_id": None,
            "created_at": utcnow(),
        },
    )

"""Writing disclosure items (the outbox) inside the transaction of the change they report."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, func, insert, literal, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import DisclosureItem, EnforcementRecord, Listing
from app.models._types import utcnow
from app.publishers.fields import public_fields
from app.services.base.context import calendar, setting, setting_int, setting_str, today
from app.services.disclosure.objection_marks import under_objection
from app.services.disclosure.windows import window_of
from app.workflows import record_kinds
from app.workflows.vocabulary import LISTING

# What an item snapshots besides the fields its kind declares (record_kinds).
BOOKKEEPING = ("status", "publicity_status", "revoked_reason", "revoked_on")


def snapshot_columns() -> tuple[str, ...]:
    """The record columns a snapshot reads: every declared field kept on the record, and the
    record's state."""
    return (*record_kinds.stored_columns(), *BOOKKEEPING)


ITEMS = DisclosureItem.__table__
_INSERT_ITEM = insert(ITEMS)  # Core: no ORM bulk machinery per row


def clock_seq() -> int:
    """The floor of a new sequence number: the clock in microseconds. A sequence number
    taken after a restore from backup is above every one taken before it (the clock does not
    go back with the database), so a change made after a restore is never mistaken for an
    older one by a receiver that already holds what the lost changes sent."""
    return time.time_ns() // 1000


def next_seq(record_id: int | None, listing_id: int | None = None) -> ColumnElement[int]:
    """The sequence number of a record's (or, ``record_id`` None, a listing's own) next item,
    in the statement that inserts it: above its last (changes of one record or listing are
    serialised by the row locks of the change) and never below the clock (``clock_seq``)."""
    same = (ITEMS.c.record_id == record_id if record_id is not None
            else (ITEMS.c.listing_id == listing_id) & ITEMS.c.record_id.is_(None))
    after = func.coalesce(select(func.max(ITEMS.c.seq)).where(same).scalar_subquery(), 0) + 1
    floor = literal(clock_seq())
    return case((after > floor, after), else_=floor)


_PLAIN = frozenset({str, int, float, bool})


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is not None and not isinstance(value, (str, int, float, bool, list, dict)):
        return str(value)  # Decimal: exact, as text
    return value


def snapshot(record: EnforcementRecord, as_of: dt.date | None = None,
             objection: bool | None = None) -> dict[str, Any]:
    """The public fields of a record at this moment (``as_of``: today, given once by a caller
    that snapshots many records; ``objection``: whether it is under objection, given by a
    caller that knows, else read). A listing based on it is an item of its own
    (``listing_snapshot``)."""
    values = {name: getattr(record, name) for name in snapshot_columns()}
    values.update(id=record.id, category=record.category,
                  publicity_blocked_on=record.publicity_blocked_on)
    if objection is None:
        objection = under_objection(db.session(), record.id, None)
    return snapshot_of(values, record.unit, as_of, objection)


def authority() -> dict[str, str]:
    """The deciding authority as every item names it (数据来源单位, 处罚机关, …)."""
    return {"name": setting_str("AUTHORITY_NAME"), "uscc": setting_str("AUTHORITY_USCC")}


def _subject(unit: Any) -> dict[str, Any]:
    return {"uscc": unit.uscc, "name": unit.name,
            "legal_representative": unit.legal_representative,
            "id_type": unit.legal_rep_id_type,
            "id_number": unit.legal_rep_id_number}  # masked by the field set, never stored


def snapshot_of(values: Mapping[str, Any], unit: Any, as_of: dt.date | None, objection: bool,
                source: dict[str, str] | None = None) -> dict[str, Any]:
    """A snapshot from a record's column values (``id``, ``category`` and
    ``snapshot_columns()``) and its unit's (``uscc``, ``name``, the legal representative):
    what ``snapshot`` takes from a row, and the writer of new records from what it inserts."""
    data: dict[str, Any] = {
        "record_id": values["id"],
        "category": values["category"],
        "unit": _subject(unit),
        "as_of": (as_of or today()).isoformat(),
        "person": {"name": values.get("person_name"), "id_type": values.get("person_id_type"),
                   "id_number": values.get("person_id_number")}
        if values.get("person_name") else None,
        "authority": source or authority(),
    }
    for name in snapshot_columns():
        value = values.get(name)
        data[name] = value if value is None or type(value) in _PLAIN else _jsonable(value)
    span = window_of(values["category"], values.get("tier"), values["decided_on"])
    blocked = values.get("publicity_blocked_on") is not None
    data["publicity_until"] = span[1].isoformat() if span and not blocked else None
    data["extended"] = blocked
    data["objection"] = objection
    return data


def listing_snapshot(listing: Listing) -> dict[str, Any]:
    """A listing's public fields at this moment: its subject, level, decision, reason, the
    numbers of the decisions it rests on, its window, its state, and whether it is under
    objection."""
    return {
        "listing_id": listing.id, "category": LISTING, "unit": _subject(listing.unit),
        "authority": authority(), "level": listing.level, "status": listing.status,
        "document_no": listing.document_no, "decided_on": listing.decided_on.isoformat(),
        "reason": listing.reason,
        "basis": [b.record.document_no for b in sorted(listing.basis, key=lambda b: b.record_id)],
        "publicity_until": None if listing.expiry_blocked_on else listing.max_until.isoformat(),
        "extended": listing.expiry_blocked_on is not None,
        "ended_on": listing.ended_on.isoformat() if listing.ended_on else None,
        "end_reason": listing.end_reason, "as_of": today().isoformat(),
        "objection": under_objection(db.session(), None, listing.id),
    }


def public_payload(
    op: str, record: EnforcementRecord, note: str | None = None,
    as_of: dt.date | None = None, objection: bool | None = None,
) -> dict[str, str]:
    """What an item stores: the public fields (masked) of the record at this moment;
    ``note``: a public remark (备注) that explains a correction."""
    return public_fields(record.category,
                         {"op": op, "note": note, **snapshot(record, as_of, objection)})


def payload_of(op: str, values: Mapping[str, Any], unit: Any, as_of: dt.date,
               source: dict[str, str] | None = None) -> dict[str, str]:
    """What an item of a new record stores, from the values its writer inserts (a new record
    has no listing, no objection and no remark); ``source``: the authority, read once by a
    caller that writes many."""
    return public_fields(values["category"], {
        "op": op, "note": None, **snapshot_of(values, unit, as_of, False, source)})


@dataclass(frozen=True)
class Due:
    """When a disclosure item is due: ``workdays`` working days after ``start``."""

    day: dt.date
    provisional: bool
    start: dt.date
    workdays: int


def workdays_for(op: str, category: str, correction: bool = False) -> int:
    """Working days an item has: 3 for a withdrawal or a correction (行政处罚法 第48条, 第85条),
    else the category's disclosure deadline (国办发〔2018〕118号)."""
    if op == "withdraw" or correction:
        return setting_int("WITHDRAWAL_WORKDAYS")
    workdays: int = setting("DISCLOSURE_WORKDAYS")[category]
    return workdays


def due(op: str, category: str, on: dt.date, correction: bool = False,
        memo: dict[Any, Due] | None = None) -> Due:
    """The one disclosure deadline: of an item of ``op`` reporting a change of ``on``, and of
    a new record (its ``publish_by`` is the deadline of its ``add``). ``memo``: a cache kept by
    a caller that dates many items (a district's year has few distinct days)."""
    key = (op, category, on, correction)
    if memo is not None and key in memo:
        return memo[key]
    workdays = workdays_for(op, category, correction)
    deadline = calendar().add_workdays(on, workdays)
    found = Due(deadline.day, deadline.provisional, on, workdays)
    if memo is not None:
        memo[key] = found
    return found


def item_row(op: str, category: str, record_id: int | None, unit_id: int,
             payload: dict[str, str],
             when: Due, listing_id: int | None = None) -> dict[str, Any]:
    """A pending disclosure item as its table takes it (one writer for ``enqueue`` and the
    bulk writer of records, whose new records' first items take ``clock_seq``; ``enqueue``
    replaces it by ``next_seq``)."""
    return {"category": category, "op": op, "record_id": record_id, "seq": clock_seq(),
            "unit_id": unit_id,
            "listing_id": listing_id, "payload": payload, "due_by": when.day,
            "due_from": when.start, "due_workdays": when.workdays,
            "due_provisional": when.provisional, "status": "pending", "batch_id": None,
            "created_at": utcnow()}


def enqueue(
    session: Session,
    op: str,
    record: EnforcementRecord,
    on: dt.date,
    correction: bool = False,
    note: str | None = None,
) -> None:
    """Add one disclosure item for ``record`` to the caller's transaction, due the right number
    of working days after ``on`` (kept with the item, so that a year's official schedule
    re-dates it when it arrives)."""
    when = due(op, record.category, on, correction)
    row = item_row(op, record.category, record.id, record.unit_id,
                   public_payload(op, record, note), when)
    del row["seq"]
    session.execute(_INSERT_ITEM.values(seq=next_seq(record.id)), row)


def enqueue_listing(session: Session, op: str, listing: Listing, on: dt.date,
                    correction: bool = False) -> None:
    """Add one item of the listing's own (category ``listing``): ``add`` when it is decided,
    ``update`` when what is public about it changes, ``withdraw`` when it ends; due like a
    record's (``DISCLOSURE_WORKDAYS["listing"]``; 3 working days for a change or an end)."""
    session.flush()
    when = due(op, LISTING, on, correction)
    payload = public_fields(LISTING, {"op": op, "note": None, **listing_snapshot(listing)})
    row = item_row(op, LISTING, None, listing.unit_id, payload, when, listing.id)
    del row["seq"]
    session.execute(_INSERT_ITEM.values(seq=next_seq(None, listing.id)), row)

"""The one writer of new enforcement records: entry by hand, the API and the import all end
here, one row or a hundred thousand, set-based (one INSERT per table and kind, not one per
row), in the caller's transaction.

For each record it writes the row (the columns its kind declares, ``record_kinds``), its
disclosure deadline (``outbox.due``, the same function that dates every item), its own
publicity state, the ``add`` item of a record that is published, a register's fine payment,
and the audit events of the unit's chain.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.database import bulk_insert, reserve_ids
from app.models import DisclosureItem, EnforcementRecord, FinePayment, Unit
from app.models._types import utcnow
from app.services.audit.unit_trail import append_events
from app.services.base.context import today
from app.services.disclosure import outbox, windows
from app.workflows import publicity, record_kinds
from app.workflows.facts import Actor

# A record to write: the id of its unit and its fields as ``clean_record`` returned them.
Entry = tuple[int, dict[str, Any]]


def write_records(session: Session, actor: Actor, entries: Sequence[Entry],
                  refs: dict[str, Any] | None = None,
                  memo: dict[Any, outbox.Due] | None = None) -> list[int]:
    """Write new records (already checked, their document numbers free) in the caller's
    transaction; returns their ids in order. ``refs``: what every audit event adds (an
    import says so); ``memo``: deadlines already computed by a caller writing in chunks."""
    if not entries:
        return []
    memo = {} if memo is None else memo
    now, as_of = utcnow(), today()
    seen: dict[tuple[Any, ...], bool] = {}
    shown = [shown_on_platform(f, as_of, seen) for _, f in entries]
    rows = [_row(actor, unit_id, fields, visible, now, memo)
            for (unit_id, fields), visible in zip(entries, shown, strict=True)]
    ids = reserve_ids(session, EnforcementRecord.__table__, len(rows))
    for record_id, row in zip(ids, rows, strict=True):
        row["id"] = record_id
    for category in record_kinds.KINDS:  # one statement per kind: only its own columns
        bulk_insert(session, EnforcementRecord.__table__,
                    [r for r in rows if r["category"] == category])
    payments = _payments(session, actor, ids, entries, now)
    _items(session, [r for r, s in zip(rows, shown, strict=True) if s], as_of, memo)
    append_events(session, [
        {"unit_id": row["unit_id"], "trigger": "record_added",
         "refs": {"record_id": row["id"], "category": row["category"], **(refs or {})}}
        for row in rows] + payments, actor)
    return ids


def shown_on_platform(fields: dict[str, Any], day: dt.date,
                      seen: dict[tuple[Any, ...], bool] | None = None) -> bool:
    """Whether a new record goes to the platform: its category and tier are published (a minor
    penalty is not) and its publicity has not already ended (``windows.publicity_ended``).
    ``seen``: answers already found for a caller deciding many rows (a register's rows share
    a few hundred decision dates; a window costs date arithmetic)."""
    category, tier = fields["category"], fields.get("tier")
    owed = (fields.get("fine_amount") or 0) > (fields.get("paid_amount") or 0)
    key = (category, tier, fields["decided_on"], owed)
    if seen is not None and key in seen:
        return seen[key]
    answer = windows.published(category, tier) and windows.publicity_ended(
        category, tier, fields["decided_on"], day, owed) is None
    if seen is not None:
        seen[key] = answer
    return answer


def _row(actor: Actor, unit_id: int, fields: dict[str, Any], shown: bool, now: dt.datetime,
         memo: dict[Any, outbox.Due]) -> dict[str, Any]:
    category = fields["category"]
    kind = record_kinds.kind(category)
    deadline = outbox.due("add", category, fields["decided_on"], memo=memo)
    return {**{name: fields.get(name) for name in kind.columns}, "category": category,
            "unit_id": unit_id, "publish_by": deadline.day,
            "publish_by_provisional": deadline.provisional, "status": "active",
            "publicity_status": publicity.initial_state(category, shown),
            "created_by": actor.id, "created_at": now}


def _payments(session: Session, actor: Actor, ids: list[int], entries: Sequence[Entry],
              now: dt.datetime) -> list[dict[str, Any]]:
    """A register's payment of each fine (the fields a kind keeps as a payment), written as
    the fine payment that entry by hand records separately; returns their audit events."""
    paid = [(record_id, unit_id, fields) for record_id, (unit_id, fields)
            in zip(ids, entries, strict=True) if fields.get("paid_amount")]
    if not paid:
        return []
    made = reserve_ids(session, FinePayment.__table__, len(paid))
    bulk_insert(session, FinePayment.__table__, [
        {"id": payment_id, "record_id": record_id, "amount": fields["paid_amount"],
         "paid_on": fields["paid_on"], "receipt_no": fields.get("receipt_no"),
         "recorded_by": actor.id, "recorded_at": now}
        for payment_id, (record_id, _, fields) in zip(made, paid, strict=True)])
    return [{"unit_id": unit_id, "trigger": "payment_recorded",
             "refs": {"record_id": record_id, "payment_id": payment_id,
                      "amount": str(fields["paid_amount"])}}
            for payment_id, (record_id, unit_id, fields) in zip(made, paid, strict=True)]


def _items(session: Session, shown: list[dict[str, Any]], as_of: dt.date,
           memo: dict[Any, outbox.Due]) -> None:
    """The ``add`` item of every new record that is published (a minor penalty is not)."""
    if not shown:
        return
    units = {u.id: u for u in session.execute(select(
        Unit.id, Unit.uscc, Unit.name, Unit.legal_representative, Unit.legal_rep_id_type,
        Unit.legal_rep_id_number).where(Unit.id.in_({r["unit_id"] for r in shown})))}
    authority = outbox.authority()
    bulk_insert(session, DisclosureItem.__table__, [
        outbox.item_row("add", row["category"], row["id"], row["unit_id"],
                        outbox.payload_of("add", row, units[row["unit_id"]], as_of, authority),
                        outbox.due("add", row["category"], row["decided_on"], memo=memo))
        for row in shown])

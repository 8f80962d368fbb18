"""The append-only audit trail: one hash-chained event per transition or key step of a unit."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from app.database import lock_unit_row
from app.models import AuditEvent
from app.models._types import utcnow
from app.workflows.facts import Actor

GENESIS = "0" * 64
# Built once: statement construction is a large share of a use case's time.
_LAST_LINK = (
    select(AuditEvent.seq, AuditEvent.hash)
    .where(AuditEvent.unit_id == bindparam("unit_id"))
    .order_by(AuditEvent.seq.desc())
    .limit(1)
)
_APPEND = insert(AuditEvent.__table__)
HASHED_FIELDS = (
    "unit_id", "seq", "trigger", "from_status", "to_status",
    "actor_id", "actor", "role", "reason", "refs", "occurred_at",
)  # fmt: skip


def event_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    """SHA-256 over the previous hash and the event's fields in canonical JSON."""
    body = {k: fields[k] for k in HASHED_FIELDS}
    body["occurred_at"] = fields["occurred_at"].isoformat(timespec="microseconds")
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def append_event(
    session: Session,
    unit_id: int,
    trigger: str,
    from_status: str,
    to_status: str,
    actor: Actor,
    reason: str | None = None,
    refs: dict[str, Any] | None = None,
) -> str:
    """Append an event to the unit's chain in the caller's transaction; return its hash.

    The unit row is locked first (PostgreSQL; SQLite already holds the write lock), so two
    writers append to one chain one after the other instead of racing for the same ``seq``.
    """
    lock_unit_row(session, unit_id)
    last = session.execute(_LAST_LINK, {"unit_id": unit_id}).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    fields: dict[str, Any] = {
        "unit_id": unit_id,
        "seq": seq,
        "trigger": trigger,
        "from_status": from_status,
        "to_status": to_status,
        "actor_id": actor.id,
        "actor": actor.name,
        "role": actor.role,
        "reason": reason,
        "refs": refs or {},
        "occurred_at": utcnow(),
    }
    digest = event_hash(prev, fields)
    # A Core insert: an append-only row needs no unit-of-work bookkeeping.
    session.execute(_APPEND, {**fields, "prev_hash": prev, "hash": digest})
    return digest


def verify_chain(events: Iterable[AuditEvent | Mapping[str, Any]]) -> int | None:
    """Check a unit's events in ``seq`` order.

    Returns the position (from 1) of the first broken link, or None when the chain holds.
    """
    prev = GENESIS
    expected_seq = 1
    for event in events:
        fields = (
            event
            if isinstance(event, Mapping)
            else {k: getattr(event, k) for k in (*HASHED_FIELDS, "prev_hash", "hash")}
        )
        if (
            fields["seq"] != expected_seq
            or fields["prev_hash"] != prev
            or event_hash(prev, fields) != fields["hash"]
        ):
            return expected_seq
        prev, expected_seq = fields["hash"], expected_seq + 1
    return None


def unit_events(session: Session, unit_id: int) -> list[AuditEvent]:
    """The unit's audit trail, oldest first."""
    return list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.unit_id == unit_id).order_by(AuditEvent.seq)
        )
    )

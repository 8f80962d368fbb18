"""The append-only audit trail: one keyed, hash-chained event per transition or key step of a
unit, and the check that finds deletion, rewriting and changes made behind it.

Each event's ``hash`` is an HMAC-SHA-256, under ``AUDIT_KEY`` (kept outside the database), of
the previous event's hash and the event's fields in canonical JSON. The unit row keeps the
chain's head (``audit_seq``, ``audit_head``) and a seal, an HMAC of the head with the unit's
``credit_status``: whoever can write to the database but does not hold the key cannot
recompute a rewritten tail, cannot shorten the chain without the head disagreeing, cannot move
the head back to an earlier event, and cannot change the status without the seal breaking.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from app.database import bulk_insert, lock_unit_row
from app.extensions import db
from app.models import AuditEvent, Unit
from app.models._types import utcnow
from app.services.base.context import setting_str
from app.workflows import publicity
from app.workflows.facts import Actor

GENESIS = "0" * 64
_UNITS = Unit.__table__
# Built once: statement construction is a large share of a use case's time.
_HEAD = select(_UNITS.c.audit_seq, _UNITS.c.audit_head, _UNITS.c.credit_status).where(
    _UNITS.c.id == bindparam("unit_id")
)
_MOVE_HEAD = (
    update(_UNITS)
    .where(_UNITS.c.id == bindparam("unit_id"))
    .values(audit_seq=bindparam("seq"), audit_head=bindparam("head"),
            audit_seal=bindparam("seal"))
)
_APPEND = insert(AuditEvent.__table__)
HASHED_FIELDS = (
    "unit_id", "seq", "trigger", "from_status", "to_status",
    "actor_id", "actor", "role", "reason", "refs", "occurred_at",
)
# Events of a penalty's own publicity carry publicity states; every other event carries the
# unit's credit status (a step that changes nothing carries it as both ``from`` and ``to``).
PUBLICITY_TRIGGERS = frozenset(publicity.TRIGGERS)


def audit_key() -> bytes:
    """The key of every trail's HMACs (``AUDIT_KEY``, kept outside the database)."""
    return setting_str("AUDIT_KEY").encode()


def keyed_hash(
    prev_hash: str, fields: Mapping[str, Any], names: tuple[str, ...], key: bytes
) -> str:
    """HMAC-SHA-256 under ``key`` of the previous hash and the fields ``names`` of an event,
    in canonical JSON (its time in ISO 8601 to the microsecond): every trail's link."""
    body = {k: fields[k] for k in names}
    body["occurred_at"] = fields["occurred_at"].isoformat(timespec="microseconds")
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, (prev_hash + canonical).encode(), hashlib.sha256).hexdigest()


def event_hash(prev_hash: str, fields: Mapping[str, Any], key: bytes | None = None) -> str:
    """The keyed hash of a unit's event (under the audit key unless ``key`` is given)."""
    return keyed_hash(prev_hash, fields, HASHED_FIELDS, key or audit_key())


def head_seal(unit_id: int, seq: int, head: str, status: str, key: bytes | None = None) -> str:
    """The seal of a unit's chain head: binds the last event to the unit's credit status."""
    message = f"{unit_id}|{seq}|{head}|{status}".encode()
    return hmac.new(key or audit_key(), message, hashlib.sha256).hexdigest()


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
    The new head and its seal (over the unit's status as this transaction left it) are written
    to the unit row with the event.
    """
    lock_unit_row(session, unit_id)
    last_seq, prev, status = session.execute(_HEAD, {"unit_id": unit_id}).one()
    seq = last_seq + 1
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
    key = audit_key()
    digest = event_hash(prev, fields, key)
    # Core statements: an append-only row needs no unit-of-work bookkeeping.
    session.execute(_APPEND, {**fields, "prev_hash": prev, "hash": digest})
    session.execute(_MOVE_HEAD, {"unit_id": unit_id, "seq": seq, "head": digest,
                                 "seal": head_seal(unit_id, seq, digest, status, key)})
    return digest


def append_events(session: Session, events: list[dict[str, Any]], actor: Actor) -> None:
    """Append many events (``unit_id``, ``trigger``, ``refs``; ``from_status`` and
    ``to_status``, else the unit's status as both) in the caller's transaction, in their
    order, chain by chain: the heads are read in one
    query (rows locked on PostgreSQL), the links computed here, the events written with one
    executemany and the heads moved with another. What ``append_event`` does, for a bulk
    import."""
    if not events:
        return
    ids = sorted({e["unit_id"] for e in events})
    heads: dict[int, tuple[int, str, str]] = {}
    for start in range(0, len(ids), 1000):
        chunk = ids[start:start + 1000]
        query = select(_UNITS.c.id, _UNITS.c.audit_seq, _UNITS.c.audit_head,
                       _UNITS.c.credit_status).where(_UNITS.c.id.in_(chunk))
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        heads.update({r.id: (r.audit_seq, r.audit_head, r.credit_status)
                      for r in session.execute(query)})
    key, now, rows = audit_key(), utcnow(), []
    for event in events:
        seq, prev, status = heads[event["unit_id"]]
        fields = {"unit_id": event["unit_id"], "seq": seq + 1, "trigger": event["trigger"],
                  "from_status": event.get("from_status") or status,
                  "to_status": event.get("to_status") or status,
                  "actor_id": actor.id, "actor": actor.name, "role": actor.role,
                  "reason": event.get("reason"), "refs": event.get("refs") or {},
                  "occurred_at": now}
        digest = event_hash(prev, fields, key)
        rows.append({**fields, "prev_hash": prev, "hash": digest})
        heads[event["unit_id"]] = (seq + 1, digest, status)
    bulk_insert(session, AuditEvent.__table__, rows)
    session.execute(_MOVE_HEAD, [
        {"unit_id": unit_id, "seq": seq, "head": head,
         "seal": head_seal(unit_id, seq, head, status, key)}
        for unit_id, (seq, head, status) in heads.items()])


def verify_chain(
    events: Iterable[AuditEvent | Mapping[str, Any]], key: bytes | None = None
) -> int | None:
    """Check the links of a unit's events in ``seq`` order (under the audit key, or ``key``).

    Returns the position (from 1) of the first broken link, or None when every link holds.
    """
    return _links(events, key or audit_key())[0]


def _links(
    events: Iterable[AuditEvent | Mapping[str, Any]], key: bytes
) -> tuple[int | None, int, str, str | None]:
    """(first broken position or None, last seq, last hash, last credit status seen)."""
    prev, seq, status = GENESIS, 0, None
    for event in events:
        fields = (
            event
            if isinstance(event, Mapping)
            else {k: getattr(event, k) for k in (*HASHED_FIELDS, "prev_hash", "hash")}
        )
        if (
            fields["seq"] != seq + 1
            or fields["prev_hash"] != prev
            or not hmac.compare_digest(event_hash(prev, fields, key), fields["hash"])
        ):
            return seq + 1, seq, prev, status
        prev, seq = fields["hash"], seq + 1
        if fields["trigger"] not in PUBLICITY_TRIGGERS:
            status = fields["to_status"]
    return None, seq, prev, status


@dataclass(frozen=True)
class ChainCheck:
    """What checking one unit's trail found: ``problem`` is None when it holds."""

    unit_id: int
    events: int  # how many the unit has
    problem: str | None = None  # link, head, seal, status
    at: int | None = None  # the position of a broken link

    @property
    def valid(self) -> bool:
        return self.problem is None


def check_unit(
    unit_id: int, head: tuple[int, str, str | None, str], events: Iterable[Any], key: bytes
) -> ChainCheck:
    """Check one unit's events against its head ``(audit_seq, audit_head, audit_seal,
    credit_status)``: every link, the head and seal, and the last credit event's status."""
    audit_seq, audit_head, seal, status = head
    events = list(events)
    broken, seq, last, last_status = _links(events, key)
    if broken is not None:
        return ChainCheck(unit_id, len(events), "link", broken)
    if seq == 0 or (seq, last) != (audit_seq, audit_head):
        return ChainCheck(unit_id, seq, "head", seq + 1)  # every unit has its registration
    if last_status != status:
        return ChainCheck(unit_id, seq, "status")
    if not hmac.compare_digest(seal or "", head_seal(unit_id, seq, last, status, key)):
        return ChainCheck(unit_id, seq, "seal")
    return ChainCheck(unit_id, seq)


_EVENT_COLUMNS = [getattr(AuditEvent, k) for k in (*HASHED_FIELDS, "prev_hash", "hash")]
_UNIT_HEADS = select(_UNITS.c.id, _UNITS.c.audit_seq, _UNITS.c.audit_head, _UNITS.c.audit_seal,
                     _UNITS.c.credit_status)


def check_one(unit_id: int) -> ChainCheck:
    """The check of one unit's trail, as the unit page and the API show it."""
    row = db.session.execute(_UNIT_HEADS.where(_UNITS.c.id == unit_id)).one()
    events = db.session.execute(
        select(*_EVENT_COLUMNS).where(AuditEvent.unit_id == unit_id).order_by(AuditEvent.seq)
    ).mappings()
    return check_unit(unit_id, tuple(row[1:]), events, audit_key())


def check_all(batch: int = 500) -> Iterable[ChainCheck]:
    """Every unit's check, a batch of units at a time (their events streamed in one query per
    batch, ordered by unit and ``seq``); for ``creditflow audit verify``."""
    key, after = audit_key(), 0
    while True:
        heads = db.session.execute(
            _UNIT_HEADS.where(_UNITS.c.id > after).order_by(_UNITS.c.id).limit(batch)
        ).all()
        if not heads:
            return
        low, high = heads[0][0], heads[-1][0]
        by_unit: dict[int, list[Any]] = {}
        for event in db.session.execute(
            select(*_EVENT_COLUMNS)
            .where(AuditEvent.unit_id.between(low, high))
            .order_by(AuditEvent.unit_id, AuditEvent.seq)
        ).mappings():
            by_unit.setdefault(event["unit_id"], []).append(event)
        for unit_id, *head in heads:
            yield check_unit(unit_id, tuple(head), by_unit.get(unit_id, []), key)
        after = high


def unit_events(unit_id: int) -> list[AuditEvent]:
    """The unit's audit trail, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.unit_id == unit_id).order_by(AuditEvent.seq)
        )
    )

"""The administration trail: every change of who may do what, or of when deadlines fall,
with who made it. Staff accounts (created, role changed, password reset, unlocked,
deactivated or reactivated), API tokens (created, revoked), the holiday calendar (a year's
schedule entered, deadlines re-dated), and disclosure batches retried or run by hand.

One append-only chain for the service, keyed like the units' chains (``audit.keyed_hash``
under the audit key), its head and seal in ``audit_heads`` (name ``admin``): an event changed,
deleted or the head moved back shows in ``check`` and in ``creditflow audit verify``.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import AdminEvent, AuditHead
from app.models._types import utcnow
from app.services.audit.unit_trail import GENESIS, ChainCheck, audit_key, keyed_hash
from app.workflows.facts import Actor

CHAIN = "admin"
FIELDS = ("seq", "action", "subject", "actor_id", "actor", "role", "details", "occurred_at")
# Someone at the server's command line (users create, tokens, calendar load, disclose run).
CONSOLE = Actor(None, "creditflow CLI", "system")
_APPEND = insert(AdminEvent.__table__)


def _seal(seq: int, head: str, key: bytes) -> str:
    return hmac.new(key, f"{CHAIN}|{seq}|{head}".encode(), hashlib.sha256).hexdigest()


def record(
    session: Session, action: str, subject: str, actor: Actor, details: dict[str, Any]
) -> None:
    """Append an event in the caller's transaction. The head row is locked (PostgreSQL; on
    SQLite the write lock is held), so appends to the one chain queue behind each other."""
    head = session.get(AuditHead, CHAIN, with_for_update=True, populate_existing=True)
    if head is None:
        head = AuditHead(name=CHAIN, seq=0, head=GENESIS)
        session.add(head)
    fields: dict[str, Any] = {
        "seq": head.seq + 1, "action": action, "subject": subject, "actor_id": actor.id,
        "actor": actor.name, "role": actor.role, "details": details, "occurred_at": utcnow(),
    }
    key = audit_key()
    digest = keyed_hash(head.head, fields, FIELDS, key)
    session.execute(_APPEND, {**fields, "prev_hash": head.head, "hash": digest})
    head.seq, head.head, head.seal = fields["seq"], digest, _seal(fields["seq"], digest, key)
    session.flush()


def open_trail(session: Session) -> None:
    """Write the opening event of an empty trail (migration 0016 does this once; a test
    harness that empties every table does it again)."""
    if session.get(AuditHead, CHAIN) is None:
        record(session, "trail_opened", CHAIN, Actor(None, "creditflow", "system"), {})


def check() -> ChainCheck:
    """Every link, and the head and its seal (``unit_id`` 0: the chain of no unit)."""
    key, prev, seq = audit_key(), GENESIS, 0
    rows: Iterable[Any] = db.session.execute(
        select(*[getattr(AdminEvent, k) for k in (*FIELDS, "prev_hash", "hash")])
        .order_by(AdminEvent.seq)
    ).mappings()
    for row in rows:
        if (row["seq"] != seq + 1 or row["prev_hash"] != prev
                or not hmac.compare_digest(keyed_hash(prev, row, FIELDS, key), row["hash"])):
            return ChainCheck(0, seq, "link", seq + 1)
        prev, seq = row["hash"], seq + 1
    head = db.session.get(AuditHead, CHAIN)
    stored = (head.seq, head.head) if head is not None else (0, GENESIS)
    if seq == 0 or stored != (seq, prev):  # the trail opens with an event: never empty
        return ChainCheck(0, seq, "head", seq + 1)
    if head is not None and not hmac.compare_digest(head.seal or "", _seal(seq, prev, key)):
        return ChainCheck(0, seq, "seal")
    return ChainCheck(0, seq)


def events(page: int = 1, per_page: int = 50) -> tuple[list[AdminEvent], int]:
    """One page of the trail, newest first, and how many events it has."""
    total = db.session.scalar(select(func.count()).select_from(AdminEvent)) or 0
    rows = db.session.scalars(select(AdminEvent).order_by(AdminEvent.seq.desc())
                              .offset((page - 1) * per_page).limit(per_page))
    return list(rows), int(total)

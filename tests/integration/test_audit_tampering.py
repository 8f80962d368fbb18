"""The audit trail catches more than edits: deleting the newest events, rewriting a tail with
recomputed hashes, moving the chain head back, and changing a unit's status behind the trail.
Each attack is made as someone with write access to the database (the append-only triggers
switched off) but without the audit key would make it."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import text

from app.extensions import db
from app.services.audit.unit_trail import GENESIS, HASHED_FIELDS, check_one, unit_events
from tests import builders as b

PG = "postgresql"


@pytest.fixture
def trail(ctx):
    """A listed unit whose fine was paid: registration, record, proposal, listing, payment."""
    officer, sup = b.staff("officer"), b.staff("supervisor")
    u, rec, _ = b.listed_unit(officer, sup)
    b.pay_in_full(officer, rec)
    db.session.rollback()
    assert check_one(u.id).valid
    return u.id


def tamper(*statements: str, **params: object) -> None:
    """Run ``statements`` past the append-only triggers, as a database owner could."""
    session = db.session()
    session.rollback()
    if session.get_bind().dialect.name == PG:
        session.execute(text("SET LOCAL session_replication_role = replica"))
    else:
        session.execute(text("DROP TRIGGER IF EXISTS audit_events_no_update"))
        session.execute(text("DROP TRIGGER IF EXISTS audit_events_no_delete"))
    for statement in statements:
        session.execute(text(statement), params)
    session.commit()


def newest(unit_id: int, n: int = 1) -> list:  # type: ignore[type-arg]
    return unit_events(unit_id)[-n:]


def test_an_untouched_trail_verifies(trail, runner):
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "1 units, 5 events checked; administration trail" in result.output
    assert "0 chains broken" in result.output


def test_deleting_the_newest_events_is_detected(trail, runner):
    last = newest(trail, 2)
    tamper(f"DELETE FROM audit_events WHERE id IN ({last[0].id}, {last[1].id})")
    assert check_one(trail).problem == "head"
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "chain head does not match" in result.output and "1 chains broken" in result.output


def test_deleting_the_newest_event_and_moving_the_head_back_is_detected(trail):
    gone, kept = newest(trail, 1)[0], newest(trail, 2)[0]
    assert gone.trigger == "payment_recorded"  # changes no status: only the seal can tell
    tamper(f"DELETE FROM audit_events WHERE id = {gone.id}",
           "UPDATE units SET audit_seq = :seq, audit_head = :head WHERE id = :unit",
           seq=kept.seq, head=kept.hash, unit=trail)
    assert check_one(trail).problem == "seal"


@pytest.mark.parametrize("key", [None, b"a-guessed-key"])
def test_rewriting_a_tail_with_recomputed_hashes_is_detected(trail, key):
    import hmac

    events = unit_events(trail)
    prev = events[-3].hash
    rewritten = []
    for event in events[-2:]:
        fields = {k: getattr(event, k) for k in HASHED_FIELDS}
        fields["reason"] = "改写的理由"
        body = {**fields, "occurred_at": event.occurred_at.isoformat(timespec="microseconds")}
        canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        message = (prev + canonical).encode()
        digest = (hashlib.sha256(message).hexdigest() if key is None
                  else hmac.new(key, message, hashlib.sha256).hexdigest())
        rewritten.append((event.id, prev, digest))
        prev = digest
    tamper(*[f"UPDATE audit_events SET reason = '改写的理由', prev_hash = '{p}', hash = '{h}' "
             f"WHERE id = {i}" for i, p, h in rewritten],
           "UPDATE units SET audit_head = :head WHERE id = :unit", head=prev, unit=trail)
    check = check_one(trail)
    assert (check.problem, check.at) == ("link", events[-2].seq)


def test_changing_the_status_behind_the_trail_is_detected(trail, runner):
    tamper("UPDATE units SET credit_status = 'normal' WHERE id = :unit", unit=trail)
    assert check_one(trail).problem == "status"
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "changed behind the trail" in result.output


def test_emptying_a_units_trail_is_detected(trail):
    tamper("DELETE FROM audit_events WHERE unit_id = :unit",
           "UPDATE units SET audit_seq = 0, audit_head = :genesis, audit_seal = NULL "
           "WHERE id = :unit", unit=trail, genesis=GENESIS)
    assert check_one(trail).problem == "head"


def test_the_trail_cannot_be_truncated_updated_or_deleted(trail):
    session = db.session()
    session.rollback()
    statements = ["UPDATE audit_events SET reason = 'x'", "DELETE FROM audit_events"]
    if session.get_bind().dialect.name == PG:
        statements.append("TRUNCATE audit_events CASCADE")
    for statement in statements:
        with pytest.raises(Exception, match="append-only"):
            session.execute(text(statement))
        session.rollback()
    assert check_one(trail).valid

"""Property: random sequences of triggers keep the credit invariants (hypothesis)."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.errors import DomainError
from app.extensions import db
from app.models import AuditEvent, Listing, RestorationRequest, Unit
from app.services.audit.unit_trail import unit_events, verify_chain
from app.services.base.context import today
from app.services.casework import records
from app.services.credit import listings, restoration
from app.workflows import publicity
from app.workflows.facts import Actor
from tests import builders as b

ACTIONS = ("propose_and_approve", "pay", "request", "approve", "reject", "withdraw",
           "expire", "revoke_record_and_listing", "request_unsigned")


def act(action: str, u: Unit, officer: Actor, sup: Actor, counter: list[int]) -> None:
    session = db.session()
    listing = session.scalar(select(Listing).where(Listing.unit_id == u.id,
                                                   Listing.status == "active"))
    request = session.scalar(select(RestorationRequest).where(
        RestorationRequest.unit_id == u.id, RestorationRequest.status == "submitted"))
    counter[0] += 1
    if action == "propose_and_approve":
        days = 1200 if counter[0] % 2 else 30
        rec = b.penalty(officer, u.uscc, decided_on=today() - dt.timedelta(days=days))
        lst = listings.propose_listing(officer, u.uscc, "general", "r", [rec.id],
                                       f"L-{u.id}-{counter[0]}", rec.decided_on)
        listings.approve_listing(sup, lst.id)
    elif action == "pay" and listing is not None:
        for basis in listing.basis:
            if basis.record.fine_outstanding > 0:
                records.record_payment(officer, basis.record.id, basis.record.fine_outstanding,
                                       today())
    elif action in ("request", "request_unsigned"):
        restoration.file_request(officer, u.uscc, action == "request")
    elif action == "approve" and request is not None:
        restoration.approve_request(sup, request.id)
    elif action == "reject" and request is not None:
        restoration.reject_request(sup, request.id, "材料不全")
    elif action == "withdraw" and request is not None:
        restoration.withdraw_request(officer, request.id)
    elif action == "expire":
        listings.expire_listing(Actor(None, "scheduler", "system"), u.uscc)
    elif action == "revoke_record_and_listing" and listing is not None:
        b.revoke_record(officer, sup, listing.basis[0].record_id, "复议撤销")


def check_invariants(u: Unit) -> None:
    session = db.session()
    session.rollback()
    unit = session.get_one(Unit, u.id)
    active = session.scalar(select(func.count()).where(Listing.unit_id == u.id,
                                                       Listing.status == "active"))
    is_listed = unit.credit_status in ("listed", "restoration_requested")
    assert active == (1 if is_listed else 0)
    open_requests = session.scalar(select(func.count()).where(
        RestorationRequest.unit_id == u.id, RestorationRequest.status == "submitted"))
    assert open_requests == (1 if unit.credit_status == "restoration_requested" else 0)
    events = unit_events(u.id)
    assert verify_chain(events) is None
    # a penalty's own publicity moves in the same chain, under its own triggers
    events = [e for e in events if e.trigger not in publicity.TRIGGERS]
    changes = [e for e in events if e.from_status != e.to_status]
    # every status change has exactly one event, and the events chain the statuses
    status = "normal"
    for e in events:
        assert e.from_status == status
        status = e.to_status
    assert status == unit.credit_status
    assert unit.version == 1 + len(changes)


@pytest.mark.slow
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=12))
def test_random_trigger_sequences_keep_the_invariants(ctx, steps):
    officer, sup = b.staff("officer"), b.staff("supervisor")
    u = b.unit(officer)
    counter = [0]
    for action in steps:
        # a refused trigger must change nothing; the invariants check that
        with contextlib.suppress(DomainError):
            act(action, u, officer, sup, counter)
        check_invariants(u)


def test_altering_a_stored_event_breaks_verification(ctx):
    officer, sup = b.staff("officer"), b.staff("supervisor")
    u, rec, lst = b.listed_unit(officer, sup)
    events = unit_events(u.id)
    assert verify_chain(events) is None
    db.session.expunge_all()
    events = unit_events(u.id)
    target = events[len(events) // 2]
    db.session.expunge(target)
    target.reason = "篡改"
    assert verify_chain(events) == target.seq
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == len(events)

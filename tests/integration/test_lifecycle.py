"""Every trigger through the service layer, on the real schema, with audit and outbox rows."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.errors import Conflict, InvalidTransition, StaleVersion, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, DisclosureItem, Listing
from app.services.audit.unit_trail import unit_events, verify_chain
from app.services.base.context import today
from app.services.casework import records
from app.services.credit import listings, restoration
from app.services.credit.triggers import trigger_states
from app.workflows.facts import Actor
from tests import builders as b
from tests.integration.helpers import row_counts


@pytest.fixture
def people(ctx):
    return b.staff("officer"), b.staff("supervisor"), b.staff("supervisor")


def items_for(unit_id: int) -> list[tuple[str, str]]:
    rows = db.session.execute(
        select(DisclosureItem.category, DisclosureItem.op)
        .where(DisclosureItem.unit_id == unit_id)
        .order_by(DisclosureItem.id)
    )
    return [(c, o) for c, o in rows]


def test_listing_and_restoration_write_one_event_per_transition(people):
    officer, supervisor, _ = people
    u, rec, lst, req = b.restoration_ready(officer, supervisor)
    restoration.approve_request(supervisor, req.id)
    db.session.refresh(u)
    assert u.credit_status == "restored"
    events = unit_events(u.id)
    transitions = [(e.trigger, e.from_status, e.to_status) for e in events
                   if e.from_status != e.to_status]
    assert transitions == [
        ("list_as_dishonest", "normal", "listed"),
        ("request_restoration", "listed", "restoration_requested"),
        ("approve_restoration", "restoration_requested", "restored"),
    ]
    assert verify_chain(events) is None
    # The listing is an item of its own: added at the approval, withdrawn when the unit
    # leaves the list; the penalty keeps its own window until its own restoration (Order 36),
    # so nothing of it changes.
    assert items_for(u.id) == [("penalty", "add"), ("listing", "add"), ("listing", "withdraw")]
    assert db.session.get(Listing, lst.id).status == "restored"


def test_deadlines_follow_the_category(people):
    officer, *_ = people
    u = b.unit(officer)
    pen = b.penalty(officer, u.uscc, decided_on=dt.date(2026, 9, 28))
    insp = b.inspection(officer, u.uscc, decided_on=dt.date(2026, 9, 28))
    assert pen.publish_by == dt.date(2026, 10, 13)  # 7 working days across National Day
    assert insp.publish_by == dt.date(2026, 10, 30)  # 20 working days, 10 October worked
    due = db.session.scalars(select(DisclosureItem.due_by).order_by(DisclosureItem.id)).all()
    assert due == [pen.publish_by, insp.publish_by]


def test_reject_and_withdraw_return_the_unit_to_listed(people):
    officer, supervisor, _ = people
    u, rec, lst, req = b.restoration_ready(officer, supervisor)
    restoration.reject_request(supervisor, req.id, "承诺书未盖章")
    db.session.refresh(u)
    assert u.credit_status == "listed"
    req2 = restoration.file_request(officer, u.uscc, True)
    restoration.withdraw_request(Actor(None, u.name, "unit"), req2.id)
    db.session.refresh(u)
    assert u.credit_status == "listed"
    assert verify_chain(unit_events(u.id)) is None


def test_expire_listing_needs_the_maximum_period_and_met_obligations(people):
    officer, supervisor, _ = people
    u, rec, lst = b.listed_unit(officer, supervisor, level="general", days_ago=400)
    system = Actor(None, "scheduler", "system")
    with pytest.raises(InvalidTransition) as info:
        listings.expire_listing(system, u.uscc)
    assert [x["code"] for x in info.value.extra["unmet"]] == ["fines_unpaid"]
    b.pay_in_full(officer, rec)
    listings.expire_listing(system, u.uscc)
    db.session.refresh(u)
    assert u.credit_status == "restored"
    assert items_for(u.id)[-1] == ("listing", "withdraw")  # the listing's end, not the penalty's


def test_revoke_listing_after_the_basis_is_revoked(people):
    officer, supervisor, _ = people
    u, rec, lst, req = b.restoration_ready(officer, supervisor)
    with pytest.raises(ValidationFailed) as refused:  # no basis decision is revoked yet
        b.revoke_listing(officer, supervisor, u.uscc, "复议", "basis_revoked")
    assert "ground" in refused.value.errors
    # Revoking the only basis decision revokes the listing with it (never left public).
    b.revoke_record(officer, supervisor, rec.id, "行政复议决定撤销")
    db.session.refresh(u)
    assert u.credit_status == "normal"
    assert db.session.get(type(req), req.id).status == "closed"
    assert items_for(u.id)[-2:] == [("penalty", "withdraw"), ("listing", "withdraw")]


def test_approval_by_the_proposer_or_the_filer_is_refused(ctx):
    supervisor_a, supervisor_b = b.staff("supervisor"), b.staff("supervisor")
    u = b.unit(supervisor_a)
    rec = b.penalty(supervisor_a, u.uscc)
    lst = listings.propose_listing(supervisor_a, u.uscc, "general", "r", [rec.id], "DOC-1",
                                   today() - dt.timedelta(days=300))
    before = row_counts()
    with pytest.raises(InvalidTransition) as info:
        listings.approve_listing(supervisor_a, lst.id)
    assert "approver_is_proposer" in str(info.value.extra["unmet"])
    assert row_counts() == before
    listings.approve_listing(supervisor_b, lst.id)
    b.pay_in_full(supervisor_a, rec)
    req = restoration.file_request(supervisor_a, u.uscc, True)
    with pytest.raises(InvalidTransition):
        restoration.approve_request(supervisor_a, req.id)
    restoration.approve_request(supervisor_b, req.id)


def test_a_refused_trigger_changes_nothing(people):
    officer, supervisor, _ = people
    u, rec, lst = b.listed_unit(officer, supervisor, days_ago=10)  # minimum not passed
    before = row_counts()
    with pytest.raises(InvalidTransition) as info:
        restoration.file_request(officer, u.uscc, True)
    assert info.value.extra["unmet"][0]["earliest"] == lst.min_until.isoformat()
    with pytest.raises(InvalidTransition):
        restoration.file_request(officer, u.uscc, False)
    assert row_counts() == before


def test_a_stale_version_is_a_conflict(people):
    officer, supervisor, _ = people
    u, rec, lst = b.listed_unit(officer, supervisor)
    old = u.version - 1
    before = row_counts()
    with pytest.raises(StaleVersion):
        restoration.file_request(officer, u.uscc, True, expected_version=old)
    assert row_counts() == before


def test_duplicate_document_numbers_are_refused(people):
    officer, *_ = people
    u = b.unit(officer)
    b.penalty(officer, u.uscc, document_no="DUP-1")
    before = row_counts()
    with pytest.raises(Conflict):
        b.penalty(officer, u.uscc, document_no="DUP-1")
    assert row_counts() == before


def test_allowed_triggers_name_the_unmet_guards(people):
    officer, supervisor, _ = people
    u, rec, lst = b.listed_unit(officer, supervisor, days_ago=10)
    states = {t.trigger: t for t in trigger_states(u, officer)}
    assert set(states) == {"request_restoration", "expire_listing", "revoke_listing"}
    assert not states["request_restoration"].allowed
    assert states["request_restoration"].reasons[0]["code"] == "minimum_period_not_passed"
    assert states["revoke_listing"].reasons[0]["code"] == "supervisor_required"


def test_restoration_steps_come_from_our_own_records(people):
    officer, supervisor, _ = people
    u, rec, lst = b.listed_unit(officer, supervisor)  # listed 400 days ago
    b.inspection(officer, u.uscc, hazards_found=2, decided_on=today() - dt.timedelta(days=450))
    steps = {s.key: s for s in restoration.restoration_steps(u.uscc).steps}
    assert not steps["fines_paid"].done and steps["fines_paid"].detail["outstanding"] == "5000.00"
    assert not steps["hazards_rectified"].done
    records.record_payment(officer, rec.id, "2000", today())
    insp = db.session.scalars(select(type(rec)).where(type(rec).category == "inspection")).one()
    records.record_rectification(officer, insp.id, today(), hazards_count=2)
    b.pay_in_full(officer, db.session.get(type(rec), rec.id))
    result = restoration.restoration_steps(u.uscc)
    steps = {s.key: s for s in result.steps}
    assert steps["fines_paid"].done and steps["hazards_rectified"].done
    assert result.can_apply_now and result.earliest_apply_on == lst.min_until


def test_only_the_hazards_open_when_listed_block_restoration_and_expiry(people):
    officer, supervisor, _ = people
    u, rec, lst = b.listed_unit(officer, supervisor, days_ago=400)
    b.pay_in_full(officer, rec)
    b.inspection(officer, u.uscc, hazards_found=3, decided_on=today() - dt.timedelta(days=20))
    steps = {s.key: s for s in restoration.restoration_steps(u.uscc).steps}
    assert steps["hazards_rectified"].done  # a later inspection is a matter of its own
    b.inspection(officer, u.uscc, hazards_found=1, decided_on=today() - dt.timedelta(days=401))
    steps = {s.key: s for s in restoration.restoration_steps(u.uscc).steps}
    assert not steps["hazards_rectified"].done  # open when the unit was listed
    with pytest.raises(InvalidTransition) as info:
        listings.expire_listing(Actor(None, "scheduler", "system"), u.uscc)
    assert [x["code"] for x in info.value.extra["unmet"]] == ["hazards_unrectified"]


def test_overpaying_a_fine_is_refused(people):
    officer, *_ = people
    u = b.unit(officer)
    rec = b.penalty(officer, u.uscc)
    with pytest.raises(ValidationFailed):
        records.record_payment(officer, rec.id, "5000.01", today())


def test_audit_events_cannot_be_updated_or_deleted(people):
    officer, *_ = people
    b.unit(officer)
    db.session.rollback()
    for statement in ("UPDATE audit_events SET reason = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(Exception, match="append-only"):
            db.session.execute(db.text(statement))
            db.session.flush()
        db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 1

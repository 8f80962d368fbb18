"""Four eyes on every reversal: revoking a listing or a decision is a proposal with the revoking
decision's number and date that a second person, a supervisor, approves. No one person can
take a unit off the list or a penalty off the platform."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.errors import Conflict, InvalidTransition, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, DisclosureItem, EnforcementRecord, Listing, Revocation, Unit
from app.services.audit.unit_trail import unit_events, verify_chain
from app.services.base.context import today
from app.services.credit import revocations
from tests import builders as b
from tests.integration.helpers import row_counts
from tests.integration.test_concurrency import race

DOC = "东复决字〔2026〕88号"


@pytest.fixture
def people(ctx):
    return b.staff("officer"), b.staff("supervisor"), b.staff("supervisor")


def unmet_codes(exc: InvalidTransition) -> list[str]:
    return [u["code"] for u in exc.extra["unmet"]]


def test_one_supervisor_alone_cannot_take_a_unit_off_the_list(people):
    officer, sup_a, sup_b = people
    u, rec, lst = b.listed_unit(officer, sup_b)
    proposal = revocations.propose_listing_revocation(
        sup_a, u.uscc, "reconsideration", "行政复议决定撤销列入决定", DOC, today())
    # Proposing changes nothing the public or the unit sees.
    assert db.session.get_one(Unit, u.id).credit_status == "listed"
    assert db.session.get_one(Listing, lst.id).status == "active"
    for who, code in ((sup_a, "approver_is_proposer"), (officer, "supervisor_required")):
        with pytest.raises(InvalidTransition) as refused:
            revocations.approve_revocation(who, proposal.id)
        assert code in unmet_codes(refused.value)
    assert db.session.get_one(Unit, u.id).credit_status == "listed"
    revocations.approve_revocation(sup_b, proposal.id)
    assert db.session.get_one(Unit, u.id).credit_status == "normal"
    assert db.session.get_one(Listing, lst.id).status == "revoked"
    events = unit_events(u.id)
    assert [e.trigger for e in events][-2:] == ["revocation_proposed", "revoke_listing"]
    assert events[-1].actor_id == sup_b.id
    assert events[-1].refs["proposed_by"] == sup_a.id and events[-1].refs["document_no"] == DOC
    assert verify_chain(events) is None


def test_a_decision_is_revoked_only_when_a_second_supervisor_agrees(people):
    officer, sup_a, _ = people
    u, rec = b.public_penalty(officer)
    proposal = revocations.propose_record_revocation(officer, rec.id, "复议撤销", DOC, today())
    assert db.session.get_one(EnforcementRecord, rec.id).status == "active"
    assert not db.session.scalars(select(DisclosureItem).where(
        DisclosureItem.record_id == rec.id, DisclosureItem.op == "withdraw")).all()
    with pytest.raises(InvalidTransition):
        revocations.approve_revocation(officer, proposal.id)  # the proposer, not a supervisor
    revocations.approve_revocation(sup_a, proposal.id)
    record = db.session.get_one(EnforcementRecord, rec.id)
    assert (record.status, record.revoked_on, record.publicity_status) == (
        "revoked", today(), "withdrawn")
    last = db.session.scalars(select(DisclosureItem.op).where(
        DisclosureItem.record_id == rec.id).order_by(DisclosureItem.id.desc())).first()
    assert last == "withdraw"


def test_a_proposal_without_its_decision_number_or_date_changes_nothing(people):
    officer, sup_a, _ = people
    u, rec, lst = b.listed_unit(officer, sup_a)
    before = row_counts()
    with pytest.raises(ValidationFailed) as refused:
        revocations.propose_record_revocation(officer, rec.id, " ", " ", None)
    assert set(refused.value.errors) == {"reason", "document_no", "revoked_on"}
    with pytest.raises(ValidationFailed) as refused:
        revocations.propose_listing_revocation(officer, u.uscc, "whim", "理由", DOC, today())
    assert set(refused.value.errors) == {"ground"}
    assert row_counts() == before


def test_one_open_proposal_per_decision_and_a_rejection_keeps_it(people):
    officer, sup_a, sup_b = people
    u, rec = b.public_penalty(officer)
    first = revocations.propose_record_revocation(officer, rec.id, "复议撤销", DOC, today())
    with pytest.raises(Conflict):
        revocations.propose_record_revocation(sup_a, rec.id, "再次", DOC, today())
    with pytest.raises(ValidationFailed):
        revocations.reject_revocation(sup_a, first.id, "  ")
    revocations.reject_revocation(sup_a, first.id, "复议决定书系复印件，未加盖印章")
    assert db.session.get_one(Revocation, first.id).status == "rejected"
    assert db.session.get_one(EnforcementRecord, rec.id).status == "active"
    with pytest.raises(InvalidTransition):
        revocations.approve_revocation(sup_b, first.id)  # decided already
    again = revocations.propose_record_revocation(sup_a, rec.id, "复议撤销", DOC, today())
    assert again.status == "proposed"  # a fresh proposal may follow a rejected one
    assert verify_chain(unit_events(u.id)) is None


def test_a_listing_proposal_is_superseded_when_the_listing_ends_another_way(people):
    officer, sup_a, sup_b = people
    u, rec, lst = b.listed_unit(officer, sup_b, days_ago=100)
    on_listing = revocations.propose_listing_revocation(
        officer, u.uscc, "litigation", "判决撤销列入", DOC, today())
    b.revoke_record(officer, sup_a, rec.id, "复议撤销其唯一依据")  # the listing ends with it
    assert db.session.get_one(Listing, lst.id).status == "revoked"
    assert db.session.get_one(Revocation, on_listing.id).status == "superseded"
    assert revocations.revocations_in("proposed", u.id) == []


def test_revocation_dates_follow_the_decision(people):
    officer, *_ = people
    rec = b.penalty(officer, b.unit(officer).uscc, decided_on=today() - dt.timedelta(days=10))
    for bad in (rec.decided_on - dt.timedelta(days=1), today() + dt.timedelta(days=1)):
        with pytest.raises(ValidationFailed) as refused:
            revocations.propose_record_revocation(officer, rec.id, "撤销", DOC, bad)
        assert "revoked_on" in refused.value.errors


@pytest.mark.slow
def test_two_supervisors_approve_the_same_revocation_at_once(app):
    with app.app_context():
        officer, sup_a, sup_b = b.staff("officer"), b.staff("supervisor"), b.staff("supervisor")
        u, rec, lst = b.listed_unit(officer, sup_a)
        proposal = revocations.propose_listing_revocation(
            officer, u.uscc, "reconsideration", "复议撤销", DOC, today())
        unit_id, proposal_id = u.id, proposal.id
        events_before = db.session.scalar(select(func.count()).select_from(AuditEvent))
        db.session.remove()
    outcomes = race(app, [lambda: revocations.approve_revocation(sup_a, proposal_id),
                          lambda: revocations.approve_revocation(sup_b, proposal_id)])
    winners = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(winners) == 1, outcomes
    with app.app_context():
        assert db.session.get_one(Unit, unit_id).credit_status == "normal"
        events = db.session.scalar(select(func.count()).select_from(AuditEvent))
        assert events == events_before + 1
        assert verify_chain(unit_events(unit_id)) is None

"""The credit state machine and its guards, without a database."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from app.workflows import credit
from app.workflows.facts import (
    Actor,
    BasisRecord,
    CreditFacts,
    ListingFacts,
    Obligations,
    RequestFacts,
)
from app.workflows.machine import Case
from app.workflows.messages import MESSAGES, render

TODAY = dt.date(2026, 11, 28)
OFFICER = Actor(1, "officer", "officer")
SUPERVISOR = Actor(2, "supervisor", "supervisor")


def listing(status: str = "active", **kw) -> ListingFacts:
    base = dict(
        id=10, unit_id=5, status=status, proposed_by=OFFICER.id,
        min_until=TODAY - dt.timedelta(days=1), max_until=TODAY + dt.timedelta(days=200),
        basis=(BasisRecord(100, 5, "penalty"),),
    )
    base.update(kw)
    return ListingFacts(**base)


# Facts under which every guard of the trigger holds.
GOOD = {
    "list_as_dishonest": CreditFacts(5, TODAY, SUPERVISOR, listing=listing("proposed")),
    "request_restoration": CreditFacts(
        5, TODAY, OFFICER, listing=listing(), commitment_signed=True
    ),
    "approve_restoration": CreditFacts(
        5, TODAY, SUPERVISOR, listing=listing(), request=RequestFacts(7, OFFICER.id, True)
    ),
    "reject_restoration": CreditFacts(
        5,
        TODAY,
        SUPERVISOR,
        listing=listing(),
        request=RequestFacts(7, OFFICER.id, True),
        reason="材料不全",
    ),
    "withdraw_restoration": CreditFacts(5, TODAY, Actor(None, "单位", "unit")),
    "expire_listing": CreditFacts(
        5,
        TODAY,
        Actor(None, "scheduler", "system"),
        listing=listing(max_until=TODAY - dt.timedelta(days=1)),
    ),
    "revoke_listing": CreditFacts(
        5,
        TODAY,
        SUPERVISOR,
        listing=listing(),
        reason="复议撤销",
        revocation_ground="reconsideration",
    ),
}
EXPECTED = {(t.trigger, s): t.dest for t in credit.TRANSITIONS for s in t.sources}


@pytest.mark.parametrize(("trigger", "source"), sorted(EXPECTED))
def test_each_transition_moves_to_its_destination(trigger, source):
    assert credit.fire(source, trigger, GOOD[trigger]) == EXPECTED[trigger, source]


NOT_IN_TABLE = [(t, s) for t in credit.TRIGGERS for s in credit.STATES if (t, s) not in EXPECTED]


@pytest.mark.parametrize(("trigger", "state"), NOT_IN_TABLE)
def test_triggers_not_in_the_table_are_errors(trigger, state):
    with pytest.raises(credit.InvalidTrigger):
        credit.fire(state, trigger, GOOD[trigger])


def test_unknown_trigger_and_state_shortcuts_are_errors():
    with pytest.raises(credit.InvalidTrigger):
        credit.fire("normal", "to_restored", GOOD["list_as_dishonest"])
    case = Case(credit.MACHINE, "normal", GOOD["list_as_dishonest"])
    credit.MACHINE.build(case)
    assert not hasattr(case, "to_restored")


def test_all_seven_triggers_are_defined():
    assert set(credit.TRIGGERS) == {
        "list_as_dishonest", "request_restoration", "approve_restoration",
        "reject_restoration", "withdraw_restoration", "expire_listing", "revoke_listing",
    }


BAD = [
    ("list_as_dishonest", "normal", {"listing": listing("active")}, "no_pending_proposal"),
    ("list_as_dishonest", "normal", {"listing": None}, "no_pending_proposal"),
    ("list_as_dishonest", "normal",
     {"listing": listing("proposed", basis=(BasisRecord(1, 99, "penalty"),))},
     "basis_not_own_sanction"),
    ("list_as_dishonest", "normal",
     {"listing": listing("proposed", basis=(BasisRecord(1, 5, "inspection"),))},
     "basis_not_own_sanction"),
    ("list_as_dishonest", "normal",
     {"listing": listing("proposed", basis=(BasisRecord(1, 5, "penalty", "revoked"),))},
     "basis_not_own_sanction"),
    ("list_as_dishonest", "normal", {"listing": listing("proposed", basis=())},
     "basis_not_own_sanction"),
    ("list_as_dishonest", "restored", {"actor": OFFICER}, "supervisor_required"),
    ("list_as_dishonest", "normal",
     {"actor": Actor(OFFICER.id, "x", "supervisor")}, "approver_is_proposer"),
    ("request_restoration", "listed",
     {"listing": listing(min_until=TODAY + dt.timedelta(days=3))}, "minimum_period_not_passed"),
    ("request_restoration", "listed", {"bar_reasons": ("policy",)}, "restoration_barred"),
    ("request_restoration", "listed", {"commitment_signed": False}, "commitment_not_signed"),
    ("approve_restoration", "restoration_requested", {"actor": OFFICER}, "supervisor_required"),
    ("approve_restoration", "restoration_requested",
     {"request": RequestFacts(7, SUPERVISOR.id, True)}, "reviewer_is_preparer"),
    ("approve_restoration", "restoration_requested",
     {"obligations": Obligations(fine_outstanding=Decimal("10.00"))}, "fines_unpaid"),
    ("approve_restoration", "restoration_requested",
     {"obligations": Obligations(hazards_outstanding=2)}, "hazards_unrectified"),
    ("approve_restoration", "restoration_requested",
     {"obligations": Obligations(measures_in_force=1)}, "hazards_unrectified"),
    ("approve_restoration", "restoration_requested",
     {"request": RequestFacts(7, OFFICER.id, False)}, "commitment_not_signed"),
    ("reject_restoration", "restoration_requested", {"reason": "  "}, "reason_required"),
    ("withdraw_restoration", "restoration_requested",
     {"actor": Actor(9, "admin", "admin")}, "not_for_unit"),
    ("expire_listing", "listed", {"listing": listing()}, "maximum_period_not_passed"),
    ("expire_listing", "listed", {"obligations": Obligations(fine_outstanding=Decimal("1"))},
     "fines_unpaid"),
    ("revoke_listing", "listed", {"actor": OFFICER}, "supervisor_required"),
    ("revoke_listing", "listed", {"reason": None}, "reason_required"),
    ("revoke_listing", "listed", {"revocation_ground": None}, "revocation_ground_required"),
    ("revoke_listing", "restoration_requested", {"revocation_ground": "basis_revoked"},
     "basis_not_revoked"),
]


@pytest.mark.parametrize(("trigger", "state", "change", "code"), BAD)
def test_each_unmet_guard_blocks_with_an_actionable_message(trigger, state, change, code):
    facts = replace(GOOD[trigger], **change)
    with pytest.raises(credit.GuardsUnmet) as info:
        credit.fire(state, trigger, facts)
    codes = [u.code for u in info.value.unmet]
    assert code in codes
    for unmet in info.value.unmet:
        assert render(unmet, "zh") and render(unmet, "en")
        assert "{" not in render(unmet, "zh") + render(unmet, "en")


def test_basis_revoked_ground_holds_when_a_basis_record_was_revoked():
    facts = replace(
        GOOD["revoke_listing"],
        revocation_ground="basis_revoked",
        listing=listing(basis=(BasisRecord(100, 5, "penalty", "revoked"),)),
    )
    assert credit.fire("listed", "revoke_listing", facts) == "normal"


def test_minimum_period_message_names_the_earliest_date():
    facts = replace(GOOD["request_restoration"], listing=listing(min_until=dt.date(2027, 3, 1)))
    with pytest.raises(credit.GuardsUnmet) as info:
        credit.fire("listed", "request_restoration", facts)
    assert "2027-03-01" in render(info.value.unmet[0], "zh")


def test_every_guard_code_has_both_languages():
    for texts in MESSAGES.values():
        assert set(texts) == {"zh", "en"}


def test_mermaid_lists_every_transition():
    diagram = credit.mermaid()
    for (trigger, source), dest in EXPECTED.items():
        assert f"{source} --> {dest}: {trigger}" in diagram

"""The credit state machine of a unit, as data: states, transitions and their guards.

Built on ``transitions`` (``app.workflows.machine``). The machine is attached per use case to
a small case whose state is the unit row's ``credit_status`` (the single source of truth).
"""

from __future__ import annotations

from app.workflows import guards as g
from app.workflows import vocabulary
from app.workflows.facts import CreditFacts
from app.workflows.machine import GuardsUnmet, InvalidTrigger, StateMachine, Transition

__all__ = ["GuardsUnmet", "InvalidTrigger", "STATES", "TRANSITIONS", "TRIGGERS", "fire"]

STATES = vocabulary.CREDIT_STATUSES.values


TRANSITIONS: tuple[Transition[CreditFacts], ...] = (
    Transition(
        "list_as_dishonest",
        ("normal", "restored"),
        "listed",
        (
            g.proposal_awaits_decision,
            g.basis_is_own_sanction,
            g.level_fits_basis,
            g.decider_is_supervisor,
            g.approver_is_not_proposer,
        ),
    ),
    Transition(
        "request_restoration",
        ("listed",),
        "restoration_requested",
        (g.minimum_period_passed, g.restoration_not_barred, g.commitment_signed),
    ),
    Transition(
        "approve_restoration",
        ("restoration_requested",),
        "restored",
        (
            g.decider_is_supervisor,
            g.reviewer_is_not_preparer,
            g.fines_paid,
            g.hazards_rectified,
            g.commitment_signed,
        ),
    ),
    Transition(
        "reject_restoration",
        ("restoration_requested",),
        "listed",
        (g.decider_is_supervisor, g.reviewer_is_not_preparer, g.reason_given),
    ),
    Transition("withdraw_restoration", ("restoration_requested",), "listed", (g.acted_for_unit,)),
    Transition(
        "expire_listing",
        ("listed",),
        "restored",
        (g.maximum_period_passed, g.fines_paid, g.hazards_rectified),
    ),
    Transition(
        "revoke_listing",
        ("listed", "restoration_requested"),
        "normal",
        (g.decider_is_supervisor, g.reason_given, g.basis_found_unlawful),
    ),
)
MACHINE = StateMachine(STATES, TRANSITIONS)
TRIGGERS = MACHINE.triggers
unmet_guards = MACHINE.unmet_guards
triggers_from = MACHINE.triggers_from
fire = MACHINE.fire


def mermaid() -> str:
    """The state diagram in mermaid syntax, generated from the table (shown in the README)."""
    return MACHINE.mermaid("normal")

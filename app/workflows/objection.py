"""The machine of an objection (异议申诉), as data.

A unit that finds a published record or its listing wrong objects; while staff check it the
item is marked "异议处理中" on the public page and in the next disclosure update. The answer
comes within ``OBJECTION_WORKDAYS`` working days (《天津市消防安全领域信用管理暂行办法》, the
chapter on objections): upheld (the record stands, with the reason), corrected (the record
changed through the record paths, an update published, the old values in the audit trail),
or revoked (the revocation path with its own four eyes; the approval of that revocation ends
the objection). The unit may withdraw it while it is open; one whose item ended another way
(withdrawn, restored, expired) is closed as withdrawn by the system.

Four eyes on the outcome: whoever entered the contested record (or proposed the listing), or
filed the objection for the unit, does not decide it. The column ``status`` of the objection
row is the single source of truth.
"""

from __future__ import annotations

from app.workflows import guards as g
from app.workflows import vocabulary
from app.workflows.facts import ObjectionFacts
from app.workflows.machine import StateMachine, Transition

STATES = vocabulary.OBJECTION_STATUSES.values
OPEN = vocabulary.OPEN_OBJECTIONS
DECIDE = (g.decider_is_staff_worker, g.decider_did_not_enter_it)

TRANSITIONS: tuple[Transition[ObjectionFacts], ...] = (
    Transition("review_objection", ("filed",), "under_review", (g.decider_is_staff_worker,)),
    Transition("uphold_objection", OPEN, "upheld",
               (*DECIDE, g.objection_target_stands, g.reason_given)),
    Transition("correct_objection", OPEN, "corrected",
               (*DECIDE, g.objection_target_stands, g.reason_given, g.correction_given)),
    # Fired by the approval of a revocation of the contested item (its own four eyes).
    Transition("revoke_objection", OPEN, "revoked", (g.objection_target_ended,)),
    Transition("withdraw_objection", OPEN, "withdrawn",
               (g.acted_for_unit, g.withdrawer_did_not_enter_it)),
    # The item ended another way (restored, expired, withdrawn): nothing is left to decide.
    Transition("close_objection", OPEN, "withdrawn", (g.objection_target_ended,)),
)
MACHINE = StateMachine(STATES, TRANSITIONS)
TRIGGERS = MACHINE.triggers
fire = MACHINE.fire


def mermaid() -> str:
    """The objection diagram in mermaid syntax, generated from the table."""
    return MACHINE.mermaid("filed")

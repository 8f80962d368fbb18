"""The machine of a revocation proposal (撤销), as data: four eyes on every reversal.

A listing is revoked when the decision it rests on is revoked or found unlawful on
reconsideration or in litigation; a record when its decision is revoked (行政处罚法 第48条,
第85条). Either way one person proposes, carrying the revoking decision's number and date,
and a second person, a supervisor, approves or rejects it: no one person takes a unit off
the list or a penalty off the platform. A proposal whose listing or record ended meanwhile
(restored, expired, revoked by another path) is superseded. The column ``status`` of the
proposal row is the single source of truth; what approval does to the unit or the record is
the credit machine's ``revoke_listing`` and the publicity machine's ``withdraw_record``.
"""

from __future__ import annotations

from app.workflows import guards as g
from app.workflows import vocabulary
from app.workflows.facts import ReversalFacts
from app.workflows.machine import StateMachine, Transition

STATES = vocabulary.REVERSAL_STATUSES.values

TRANSITIONS: tuple[Transition[ReversalFacts], ...] = (
    Transition(
        "approve_revocation",
        ("proposed",),
        "approved",
        (g.decider_is_supervisor, g.second_person, g.target_still_stands),
    ),
    Transition(
        "reject_revocation",
        ("proposed",),
        "rejected",
        (g.decider_is_supervisor, g.second_person, g.reason_given),
    ),
    Transition("supersede_revocation", ("proposed",), "superseded", (g.target_has_ended,)),
)
MACHINE = StateMachine(STATES, TRANSITIONS)
TRIGGERS = MACHINE.triggers
fire = MACHINE.fire


def mermaid() -> str:
    """The revocation proposal diagram in mermaid syntax, generated from the table."""
    return MACHINE.mermaid("proposed")

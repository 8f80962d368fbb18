"""The machine of a restoration application (信用修复申请), as data.

A unit (or an officer for it) applies to leave the list or to end one penalty's publicity
early; the application is then decided once: approved or rejected by a supervisor, withdrawn
by the unit, or closed because its listing or record ended another way (revoked). The guards
of the decision are the unit's credit machine's or the record's publicity machine's, fired in
the same transaction; this table says only which ends an application has. The column
``status`` of the request row is the single source of truth; at most one application per
listing or record is open (a partial unique index on ``OPEN``).
"""

from __future__ import annotations

from typing import Any

from app.workflows import vocabulary
from app.workflows.machine import StateMachine, Transition

STATES = vocabulary.REQUEST_STATUSES.values
OPEN = vocabulary.OPEN_REQUEST

TRANSITIONS: tuple[Transition[Any], ...] = (
    Transition("approve_request", (OPEN,), "approved", ()),
    Transition("reject_request", (OPEN,), "rejected", ()),
    Transition("withdraw_request", (OPEN,), "withdrawn", ()),
    Transition("close_request", (OPEN,), "closed", ()),
)
MACHINE = StateMachine(STATES, TRANSITIONS)
TRIGGERS = MACHINE.triggers
fire = MACHINE.fire
# An application ended without a decision on its merits (its proofs are pruned later).
ENDED_UNDECIDED = tuple(t.dest for t in TRANSITIONS if t.trigger != "approve_request")


def mermaid() -> str:
    """The application diagram in mermaid syntax, generated from the table."""
    return MACHINE.mermaid(OPEN)

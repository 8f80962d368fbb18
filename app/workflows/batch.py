"""The machine of a disclosure batch, as data: claimed, delivered, retried, given up.

A batch is claimed ``pending``; each delivery attempt ends ``delivered``, ``retrying`` (a
retryable failure: tried again later) or ``failed`` (a permanent refusal, or the pipeline gave
up: shown to the admins); an admin sends a failed batch again (``retry_batch``) or a delivered
one the platform lost (``resend_batch``), under the same id. The outcomes are written by
set-based statements fenced by the attempt's lease (``app/services/disclosure/claims.py``),
which take their ``WHERE status IN`` and their new state from this table. The column
``status`` of the batch row is the single source of truth.
"""

from __future__ import annotations

from typing import Any

from app.workflows import vocabulary
from app.workflows.machine import StateMachine, Transition

STATES = vocabulary.BATCH_STATUSES.values
UNSETTLED = ("pending", "retrying")  # a delivery attempt may hold it

TRANSITIONS: tuple[Transition[Any], ...] = (
    Transition("deliver", UNSETTLED, "delivered", ()),
    Transition("fail_retryable", UNSETTLED, "retrying", ()),
    Transition("fail", UNSETTLED, "failed", ()),
    Transition("retry_batch", ("failed",), "retrying", ()),
    Transition("resend_batch", ("delivered",), "retrying", ()),
    # A retry or re-send whose every item a newer delivered item of its record overtook.
    Transition("supersede", UNSETTLED, "superseded", ()),
)
MACHINE = StateMachine(STATES, TRANSITIONS)
TRIGGERS = MACHINE.triggers
sources, dest = MACHINE.sources, MACHINE.dest


def mermaid() -> str:
    """The batch diagram in mermaid syntax, generated from the table."""
    return MACHINE.mermaid("pending")

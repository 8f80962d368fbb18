"""The machine of a listing (列入失信名单), as data: from the proposal to its end.

An officer or a supervisor proposes to list a unit on its own penalty or coercive-measure
records; a supervisor other than the proposer approves (the unit's credit machine then fires
``list_as_dishonest``, with its own guards) or rejects it with a reason. An active listing ends
once: restored on an approved application, expired at its maximum publicity, or revoked with
the decision it rests on (Order No. 36; 行政处罚法 第48条). The column ``status`` of the listing
row is the single source of truth.
"""

from __future__ import annotations

from app.workflows import guards as g
from app.workflows import vocabulary
from app.workflows.facts import ProposalFacts
from app.workflows.machine import StateMachine, Transition

STATES = vocabulary.LISTING_STATUSES.values
START = "proposed"

TRANSITIONS: tuple[Transition[ProposalFacts], ...] = (
    # The approval's guards are the credit machine's list_as_dishonest (a supervisor other
    # than the proposer, the basis the unit's own standing sanctions), fired with it.
    Transition("approve_listing", (START,), "active", ()),
    Transition("reject_listing", (START,), "rejected",
               (g.decider_is_supervisor, g.second_person, g.reason_given)),
    # How an active listing ends; the credit machine's transition of the unit carries the
    # guards (restoration approved, maximum passed with the obligations met, basis unlawful).
    Transition("restore_listing", ("active",), "restored", ()),
    Transition("expire_listing", ("active",), "expired", ()),
    Transition("revoke_listing", ("active",), "revoked", ()),
)
MACHINE = StateMachine(STATES, TRANSITIONS)
TRIGGERS = MACHINE.triggers
fire = MACHINE.fire
# The trigger that ends an active listing in each of its end states.
ENDED_BY = {t.dest: t.trigger for t in TRANSITIONS if t.sources == ("active",)}


def mermaid() -> str:
    """The listing diagram in mermaid syntax, generated from the table."""
    return MACHINE.mermaid(START)

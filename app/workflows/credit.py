"""The credit state machine of a unit, as data: states, transitions and their guards.

Built on ``transitions``. The machine is attached per use case to a small ``CreditCase``
whose state is the unit row's ``credit_status`` (the single source of truth); there are no
``to_<state>()`` shortcuts and an invalid trigger is an error, never ignored.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from transitions import Machine, MachineError

from app.workflows import guards as g
from app.workflows.facts import CreditFacts
from app.workflows.guards import Guard, Unmet

STATES = ("normal", "listed", "restoration_requested", "restored")


@dataclass(frozen=True)
class Transition:
    """One row of the transition table."""

    trigger: str
    sources: tuple[str, ...]
    dest: str
    guards: tuple[Guard, ...]


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "list_as_dishonest",
        ("normal", "restored"),
        "listed",
        (
            g.proposal_awaits_decision,
            g.basis_is_own_sanction,
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
TRIGGERS = tuple(t.trigger for t in TRANSITIONS)
_BY_TRIGGER = {t.trigger: t for t in TRANSITIONS}


class InvalidTrigger(Exception):
    """The trigger does not exist, or the current state does not allow it."""

    def __init__(self, trigger: str, state: str) -> None:
        super().__init__(f"trigger {trigger!r} is not allowed from state {state!r}")
        self.trigger = trigger
        self.state = state


class GuardsUnmet(Exception):
    """The trigger is allowed from this state, but some guards do not hold."""

    def __init__(self, trigger: str, unmet: list[Unmet]) -> None:
        super().__init__(f"{trigger}: " + ", ".join(u.code for u in unmet))
        self.trigger = trigger
        self.unmet = unmet


def unmet_guards(trigger: str, facts: CreditFacts) -> list[Unmet]:
    """Every guard of ``trigger`` that does not hold for ``facts`` (empty: all hold)."""
    return [u for guard in _BY_TRIGGER[trigger].guards if (u := guard(facts)) is not None]


def triggers_from(state: str) -> tuple[str, ...]:
    """The triggers the table defines from ``state``, in table order."""
    return tuple(t.trigger for t in TRANSITIONS if state in t.sources)


class CreditCase:
    """The model a machine is attached to for one use case: a state and the facts."""

    def __init__(self, state: str, facts: CreditFacts) -> None:
        self.state = state
        self.facts = facts
        self.unmet: list[Unmet] = []

    def guards_hold(self, event: object) -> bool:
        """The single condition of every transition: all guards of its trigger hold."""
        self.unmet = unmet_guards(event.event.name, self.facts)  # type: ignore[attr-defined]
        return not self.unmet


def build_machine(case: CreditCase) -> Machine:
    """Attach a fresh machine to ``case``, starting from the case's current state."""
    return Machine(
        model=case,
        states=list(STATES),
        transitions=[
            {
                "trigger": t.trigger,
                "source": list(t.sources),
                "dest": t.dest,
                "conditions": "guards_hold",
            }
            for t in TRANSITIONS
        ],
        initial=case.state,
        auto_transitions=False,
        send_event=True,
        ignore_invalid_triggers=False,
    )


_local = threading.local()


def _attached_case(state: str, facts: CreditFacts) -> CreditCase:
    """This thread's case, its machine set to ``state`` (building a machine costs more than
    firing one, so each thread keeps one and re-attaches it per use case)."""
    case: CreditCase | None = getattr(_local, "case", None)
    if case is None:
        case = _local.case = CreditCase(state, facts)
        _local.machine = build_machine(case)
    _local.machine.set_state(state, model=case)
    case.facts, case.unmet = facts, []
    return case


def fire(state: str, trigger: str, facts: CreditFacts) -> str:
    """Fire ``trigger`` from ``state``; return the new state or raise why it cannot happen."""
    if trigger not in _BY_TRIGGER or state not in STATES:
        raise InvalidTrigger(trigger, state)
    case = _attached_case(state, facts)
    try:
        moved = getattr(case, trigger)()
    except MachineError as exc:
        raise InvalidTrigger(trigger, state) from exc
    if not moved:
        raise GuardsUnmet(trigger, case.unmet)
    return case.state


def mermaid() -> str:
    """The state diagram in mermaid syntax, generated from the table (shown in the README)."""
    lines = ["stateDiagram-v2", "    [*] --> normal"]
    for t in TRANSITIONS:
        for source in t.sources:
            lines.append(f"    {source} --> {t.dest}: {t.trigger}")
    return "\n".join(lines)

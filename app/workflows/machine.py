"""What every state machine of the service shares: a transition table of guarded triggers,
fired through ``transitions`` on a small case object. Pure: no Flask, no session.

A machine is data: its states and a table of ``Transition`` rows, each with plain guard
functions of the machine's facts that return ``None`` or an ``Unmet`` a person can act on.
There are no ``to_<state>()`` shortcuts and an invalid trigger is an error, never ignored.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from transitions import Machine, MachineError

from app.workflows.guards import Unmet

F = TypeVar("F")


@dataclass(frozen=True)
class Transition(Generic[F]):
    """One row of a transition table."""

    trigger: str
    sources: tuple[str, ...]
    dest: str
    guards: tuple[Callable[[F], Unmet | None], ...]


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


class Case(Generic[F]):
    """The model a machine is attached to for one use case: a state and the facts."""

    def __init__(self, machine: StateMachine[F], state: str, facts: F) -> None:
        self.table = machine
        self.state = state
        self.facts = facts
        self.unmet: list[Unmet] = []

    def guards_hold(self, event: Any) -> bool:
        """The single condition of every transition: all guards of its trigger hold."""
        self.unmet = self.table.unmet_guards(event.event.name, self.facts)
        return not self.unmet


class StateMachine(Generic[F]):
    """A machine defined by ``states`` and a table of transitions over facts of type ``F``."""

    def __init__(self, states: tuple[str, ...], table: tuple[Transition[F], ...]) -> None:
        self.states = states
        self.transitions = table
        self.triggers = tuple(t.trigger for t in table)
        self._by_trigger = {t.trigger: t for t in table}
        self._local = threading.local()

    def sources(self, trigger: str) -> tuple[str, ...]:
        """The states ``trigger`` may be fired from."""
        return self._by_trigger[trigger].sources

    def dest(self, trigger: str) -> str:
        """The state ``trigger`` leads to."""
        return self._by_trigger[trigger].dest

    def unmet_guards(self, trigger: str, facts: F) -> list[Unmet]:
        """Every guard of ``trigger`` that does not hold for ``facts`` (empty: all hold)."""
        return [u for g in self._by_trigger[trigger].guards if (u := g(facts)) is not None]

    def triggers_from(self, state: str) -> tuple[str, ...]:
        """The triggers the table defines from ``state``, in table order."""
        return tuple(t.trigger for t in self.transitions if state in t.sources)

    def build(self, case: Case[F]) -> Machine:
        """Attach a fresh ``transitions`` machine to ``case``, from the case's current state."""
        return Machine(
            model=case,
            states=list(self.states),
            transitions=[
                {"trigger": t.trigger, "source": list(t.sources), "dest": t.dest,
                 "conditions": "guards_hold"}
                for t in self.transitions
            ],
            initial=case.state,
            auto_transitions=False,
            send_event=True,
            ignore_invalid_triggers=False,
        )

    def _attached(self, state: str, facts: F) -> Case[F]:
        """This thread's case, its machine set to ``state`` (building a machine costs more
        than firing one, so each thread keeps one and re-attaches it per use case)."""
        local = self._local
        case: Case[F] | None = getattr(local, "case", None)
        if case is None:
            case = local.case = Case(self, state, facts)
            local.machine = self.build(case)
        local.machine.set_state(state, model=case)
        case.facts, case.unmet = facts, []
        return case

    def fire(self, state: str, trigger: str, facts: F) -> str:
        """Fire ``trigger`` from ``state``; return the new state or raise why it cannot."""
        if trigger not in self._by_trigger or state not in self.states:
            raise InvalidTrigger(trigger, state)
        case = self._attached(state, facts)
        try:
            moved = getattr(case, trigger)()
        except MachineError as exc:
            raise InvalidTrigger(trigger, state) from exc
        if not moved:
            raise GuardsUnmet(trigger, case.unmet)
        return case.state

    def mermaid(self, start: str) -> str:
        """The state diagram in mermaid syntax, generated from the table."""
        lines = ["stateDiagram-v2", f"    [*] --> {start}"]
        for t in self.transitions:
            lines += [f"    {source} --> {t.dest}: {t.trigger}" for source in t.sources]
        return "\n".join(lines)

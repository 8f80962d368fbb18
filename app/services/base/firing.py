"""Firing a machine's trigger in a use case: its refusals become the service's conflicts.

Every machine (credit, record publicity, revocation proposal) answers an impossible trigger
with ``InvalidTrigger`` and unmet guards with ``GuardsUnmet``; here both become an
``InvalidTransition`` whose message a person can act on and whose ``unmet`` list the API and
the pages show.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from app.errors import InvalidTransition
from app.workflows.machine import GuardsUnmet, InvalidTrigger
from app.workflows.messages import render

F = TypeVar("F")


def fire(
    machine_fire: Callable[[str, str, F], str], state: str, trigger: str, facts: F,
    not_allowed: str,
) -> str:
    """The state ``trigger`` leads to from ``state``, or an ``InvalidTransition``: with
    ``not_allowed`` as its message when the state does not allow the trigger, with each unmet
    guard's message when the guards do not hold."""
    try:
        return machine_fire(state, trigger, facts)
    except InvalidTrigger as exc:
        raise InvalidTransition(not_allowed, trigger=trigger, status=state) from exc
    except GuardsUnmet as exc:
        raise InvalidTransition(
            " ".join(render(u) for u in exc.unmet), trigger=trigger, status=state,
            unmet=[{"code": u.code, "message": render(u), **u.params} for u in exc.unmet],
        ) from exc


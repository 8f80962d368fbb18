"""Bearer-token authentication and role checks for the staff API."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g, request

from app.errors import Forbidden, Unauthorized
from app.i18n import N_
from app.services.staff.accounts import actor_of, user_for_token
from app.workflows import policy
from app.workflows.facts import Actor

F = TypeVar("F", bound=Callable[..., Any])


def current_actor() -> Actor:
    """The staff actor of this request (set by ``staff_required``)."""
    actor: Actor = g.actor
    return actor


def staff_required(use_case: str = "read") -> Callable[[F], F]:
    """Require a valid bearer token of a role the policy lets carry out ``use_case``
    (``app/workflows/policy.py``: the service asks the same table)."""
    roles = policy.roles_for(use_case, staff_only=True)

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            header = request.headers.get("Authorization", "")
            scheme, _, token = header.partition(" ")
            user = user_for_token(token.strip()) if scheme.lower() == "bearer" and token else None
            if user is None:
                raise Unauthorized("缺少或无效的访问令牌（Authorization: Bearer …）。")
            if user.role not in roles:
                raise Forbidden(
                    N_("此操作需要角色：%(roles)s。", roles=" / ".join(roles)),
                    required_roles=list(roles),
                )
            g.actor = actor_of(user)
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate

"""Browser sign-in (Flask-Login) and CSRF on every form of the pages (Flask-WTF)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFProtect

from app.extensions import db
from app.models import User
from app.workflows import policy
from app.workflows.facts import Actor

F = TypeVar("F", bound=Callable[..., Any])

csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.session_protection = "basic"


class StaffUser(UserMixin):
    """The signed-in staff member, as Flask-Login sees them (the model stays free of it)."""

    def __init__(self, user: User) -> None:
        self.id, self.username, self.role = user.id, user.username, user.role
        self.display_name = user.display_name or user.username
        self.epoch = user.session_epoch

    def get_id(self) -> str:
        # The epoch makes a password change or deactivation end every other session.
        return f"{self.id}:{self.epoch}"

    @property
    def actor(self) -> Actor:
        return Actor(self.id, self.display_name, self.role)


@login_manager.user_loader
def _load(user_key: str) -> StaffUser | None:
    user_id, _, epoch = user_key.partition(":")
    if not user_id.isdigit() or not epoch.isdigit() or int(user_id) > 2**31:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_epoch != int(epoch):
        return None
    return StaffUser(user)


def current_actor() -> Actor:
    """The actor of the signed-in staff member."""
    actor: Actor = current_user.actor
    return actor


def staff_page(use_case: str = "read") -> Callable[[F], F]:
    """Sign-in required, and a role the policy lets carry out ``use_case`` (403 otherwise;
    ``app/workflows/policy.py``: the service asks the same table)."""
    roles = policy.roles_for(use_case, staff_only=True)

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


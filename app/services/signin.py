"""Staff sign-in with a lockout per account, password changes, and session epochs."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from app.database import unit_of_work
from app.errors import Locked, Unauthorized, ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import User
from app.services import admin_trail
from app.services.context import setting
from app.workflows.facts import Actor

MIN_PASSWORD = 10
BAD_CREDENTIALS = N_("用户名或密码不正确。")
# Checked against when the user does not exist, so that both answers take as long.
_DUMMY_HASH = generate_password_hash("not-a-password-of-anyone")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def authenticate(username: str, password: str) -> User:
    """The active user with these credentials; count a failure and lock after too many.

    An unknown user, a wrong password and a deactivated account get the same answer.
    """
    user = db.session.scalar(select(User).where(User.username == (username or "").strip()))
    if user is None or not user.active:
        check_password_hash(_DUMMY_HASH, password or "")
        raise Unauthorized(BAD_CREDENTIALS)
    if user.locked_until is not None and user.locked_until > _now():
        raise Locked(N_("登录失败次数过多，账户已暂时锁定，请稍后再试或联系管理员。"),
                     until=user.locked_until.isoformat())  # fmt: skip
    if not check_password_hash(user.password_hash, password or ""):
        _count_failure(user.id)
        raise Unauthorized(BAD_CREDENTIALS)
    with unit_of_work() as session:
        session.execute(update(User).where(User.id == user.id)
                        .values(failed_logins=0, locked_until=None))  # fmt: skip
    return user


def _count_failure(user_id: int) -> None:
    """One more failure, counted in SQL so that parallel attempts all count."""
    limit = int(setting("LOGIN_MAX_FAILURES"))
    until = _now() + dt.timedelta(minutes=int(setting("LOGIN_LOCKOUT_MINUTES")))
    with unit_of_work() as session:
        session.execute(
            update(User).where(User.id == user_id)
            .values(failed_logins=User.failed_logins + 1)
        )  # fmt: skip
        session.execute(
            update(User)
            .where(User.id == user_id, User.failed_logins >= limit)
            .values(locked_until=until, failed_logins=0)
        )


def end_sessions(user_id: int) -> None:
    """The user signed out: every session of the account ends, copied cookies included."""
    with unit_of_work() as session:
        user = session.get(User, user_id)
        if user is not None:
            user.session_epoch += 1


def check_new_password(password: str, field: str = "new_password") -> None:
    """A password long enough to resist guessing."""
    if len(password or "") < MIN_PASSWORD:
        raise ValidationFailed.on(field, N_("密码至少10个字符。"))


def change_password(user_id: int, current: str, new: str) -> User:
    """The user changes their own password; their other sessions end."""
    with unit_of_work() as session:
        user = session.get(User, user_id)
        if user is None or not check_password_hash(user.password_hash, current or ""):
            raise ValidationFailed.on("current_password", N_("当前密码不正确。"))
        check_new_password(new)
        if current == new:
            raise ValidationFailed.on("new_password", N_("新密码不能与当前密码相同。"))
        user.password_hash = generate_password_hash(new)
        user.session_epoch += 1
        admin_trail.record(session, "password_changed", f"user:{user.id}",
                           Actor(user.id, user.display_name or user.username, user.role), {})
    return user

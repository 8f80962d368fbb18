"""Staff sign-in with a lockout per username and address, password changes, session epochs."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from app.database import unit_of_work
from app.errors import Unauthorized, ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import SigninLockout, User
from app.services.audit import admin_trail
from app.services.base.context import setting_int
from app.workflows.facts import Actor

MIN_PASSWORD = 10
BAD_CREDENTIALS = N_("用户名或密码不正确；连续输错多次后须稍候再试。")
# Checked against when the user does not exist, so that both answers take as long.
_DUMMY_HASH = generate_password_hash("not-a-password-of-anyone")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def authenticate(username: str, password: str, address: str) -> User:
    """The active user with these credentials, signing in from ``address``.

    Failures are counted per (username, address) pair, for unknown usernames too; after
    ``LOGIN_MAX_FAILURES`` the pair is locked for ``LOGIN_LOCKOUT_MINUTES``. An unknown user,
    a wrong password, a deactivated account and a locked pair all get the same answer, after
    the same password-hash work, so the answer never tells whether a username exists; and a
    stranger's failures lock out only the stranger's address, never the account's owner.
    """
    name, where = (username or "").strip()[:80], (address or "unknown")[:64]
    user = db.session.scalar(select(User).where(User.username == name)) if name else None
    correct = check_password_hash(user.password_hash if user else _DUMMY_HASH, password or "")
    locked = db.session.scalar(select(SigninLockout.locked_until).where(
        SigninLockout.username == name, SigninLockout.address == where))
    if locked is not None and locked > _now():
        raise Unauthorized(BAD_CREDENTIALS)
    if user is None or not user.active or not correct:
        _count_failure(name, where)
        raise Unauthorized(BAD_CREDENTIALS)
    with unit_of_work() as session:
        session.execute(delete(SigninLockout).where(SigninLockout.username == name,
                                                    SigninLockout.address == where))
    return user


def _count_failure(username: str, address: str) -> None:
    """One more failure of the pair, counted in SQL so that parallel attempts all count; at
    the limit the pair is locked and its count starts again."""
    limit = setting_int("LOGIN_MAX_FAILURES")
    now = _now()
    until = now + dt.timedelta(minutes=setting_int("LOGIN_LOCKOUT_MINUTES"))
    pair = (SigninLockout.username == username, SigninLockout.address == address)
    for _attempt in range(2):
        try:
            with unit_of_work() as session:
                counted = session.execute(
                    update(SigninLockout).where(*pair)
                    .values(failures=SigninLockout.failures + 1, updated_at=now)
                ).rowcount  # type: ignore[attr-defined]
                if not counted:
                    session.add(SigninLockout(username=username, address=address, failures=1,
                                              updated_at=now))
                    session.flush()
                session.execute(update(SigninLockout)
                                .where(*pair, SigninLockout.failures >= limit)
                                .values(locked_until=until, failures=0))
            return
        except IntegrityError:
            continue  # a parallel attempt inserted the pair first: count on its row


def locked_pairs(username: str) -> list[SigninLockout]:
    """The addresses a username is locked out from now (for the admin's account page)."""
    return list(db.session.scalars(select(SigninLockout).where(
        SigninLockout.username == username, SigninLockout.locked_until > _now())))


def locked_usernames() -> set[str]:
    """Usernames locked out from at least one address now."""
    return set(db.session.scalars(select(SigninLockout.username).where(
        SigninLockout.locked_until > _now())))


def prune_lockouts() -> int:
    """Forget failure counts of pairs neither locked nor tried for a day (a daily job), so
    that guessed usernames do not pile up."""
    now = _now()
    with unit_of_work() as session:
        gone = session.execute(delete(SigninLockout).where(
            SigninLockout.updated_at < now - dt.timedelta(days=1),
            (SigninLockout.locked_until.is_(None)) | (SigninLockout.locked_until < now),
        )).rowcount  # type: ignore[attr-defined]
    return int(gone or 0)


def clear_lockouts(session: Session, username: str) -> int:
    """An admin lifts every lockout of a username; returns how many pairs were locked."""
    locked = session.scalar(select(func.count()).select_from(SigninLockout).where(
        SigninLockout.username == username, SigninLockout.locked_until > _now())) or 0
    session.execute(delete(SigninLockout).where(SigninLockout.username == username))
    return int(locked)


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

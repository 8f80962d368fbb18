"""Staff accounts and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from sqlalchemy import select, update
from werkzeug.security import generate_password_hash

from app.database import unit_of_work
from app.errors import Conflict, Duplicate, NotFound, ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import ApiToken, User
from app.models._types import utcnow
from app.models.users import ROLES
from app.services.audit import admin_trail
from app.services.audit.admin_trail import CONSOLE
from app.services.base.context import authorize, setting_int
from app.services.staff.signin import check_new_password, clear_lockouts
from app.workflows import policy
from app.workflows.facts import Actor

TOKEN_PREFIX = "cf_"


def actor_of(user: User) -> Actor:
    """The actor a staff user acts as."""
    return Actor(user.id, user.display_name or user.username, user.role)


def create_user(
    username: str, role: str, password: str, display_name: str | None = None,
    by: Actor = CONSOLE,
) -> User:
    """Create a staff account; the password is stored as a salted hash (scrypt). ``by``: who
    creates it (the administration trail says so)."""
    authorize(by, "manage_accounts")
    username = (username or "").strip()
    if not username:
        raise ValidationFailed.on("username", N_("用户名不能为空。"))
    _check_role(role)
    check_new_password(password, "password")
    with unit_of_work() as session:
        if session.scalar(select(User.id).where(User.username == username)):
            message = N_("该用户名已存在。")
            raise Duplicate(message, {"username": [message]})
        user = User(
            username=username, role=role, display_name=display_name or username,
            password_hash=generate_password_hash(password),
        )
        session.add(user)
        session.flush()
        admin_trail.record(session, "account_created", f"user:{user.id}", by,
                           {"username": username, "role": role})
    return user


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    username: str, name: str = "api", days: int | None = None, by: Actor = CONSOLE
) -> str:
    """Issue a bearer token for a user and return it; only its hash is kept. It expires after
    ``days`` (``TOKEN_DAYS`` by default; 0: never)."""
    authorize(by, "manage_accounts")
    days = setting_int("TOKEN_DAYS") if days is None else days
    if days < 0:
        raise ValidationFailed.on("days", N_("有效天数不能为负数。"))
    with unit_of_work() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFound(N_("未找到用户 %(name)s。", name=username))
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        expires = utcnow() + dt.timedelta(days=days) if days else None
        row = ApiToken(user_id=user.id, name=name, token_hash=hash_token(token),
                       expires_at=expires)
        session.add(row)
        session.flush()
        admin_trail.record(session, "token_created", f"user:{user.id}", by,
                           {"token_id": row.id, "label": name,
                            "expires_at": expires.isoformat() if expires else None})
    return token


def user_for_token(token: str) -> User | None:
    """The active user a token belongs to, or None for an unknown, revoked or expired token.
    Its last use is recorded, at most once a minute (not a write per request)."""
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    now = utcnow()
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    if row.expires_at is not None and row.expires_at <= now:
        return None
    user = row.user
    if row.last_used_at is None or row.last_used_at < now - dt.timedelta(minutes=1):
        token_id = row.id
        with unit_of_work() as session:
            stale = now - dt.timedelta(minutes=1)
            session.execute(update(ApiToken).where(
                ApiToken.id == token_id,
                ApiToken.last_used_at.is_(None) | (ApiToken.last_used_at < stale),
            ).values(last_used_at=now))
        user = db.session.get_one(User, user.id)
    return user


def list_tokens() -> list[ApiToken]:
    """Every API token with its user, newest first (the tokens themselves are never kept)."""
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id.desc())))


def revoke_token(token_id: int, by: Actor = CONSOLE) -> ApiToken:
    """Revoke a token: it opens nothing from now on."""
    authorize(by, "manage_accounts")
    with unit_of_work() as session:
        row = session.get(ApiToken, token_id)
        if row is None:
            raise NotFound(N_("未找到该访问令牌。"))
        if row.revoked_at is None:
            row.revoked_at = utcnow()
            admin_trail.record(session, "token_revoked", f"user:{row.user_id}", by,
                               {"token_id": row.id, "label": row.name})
    return row


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValidationFailed.on("role", N_("角色须为执法人员、审核人或管理员。"))


def list_users() -> list[User]:
    """Every staff account, by username."""
    return list(db.session.scalars(select(User).order_by(User.username)))


def get_user(user_id: int) -> User:
    """One staff account."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(N_("未找到该用户。"))
    return user


def update_user(
    admin: Actor,
    user_id: int,
    role: str,
    active: bool,
    display_name: str | None = None,
    new_password: str | None = None,
) -> User:
    """An admin changes a user's role, active flag, name or password; also clears a lockout.

    Admins cannot demote or deactivate themselves, so a district never loses its last admin
    by a slip of the hand. A new password or deactivation ends the user's browser sessions.
    """
    authorize(admin, "manage_accounts")
    _check_role(role)
    if new_password:
        check_new_password(new_password)
    with unit_of_work() as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound(N_("未找到该用户。"))
        if user.id == admin.id and (not policy.may(role, "manage_accounts") or not active):
            raise Conflict(N_("管理员不能降低自己的角色或停用自己的账户。"))
        if new_password or (user.active and not active) or user.role != role:
            user.session_epoch += 1
        changes = _account_changes(user, role, active, bool(new_password))
        if locked := clear_lockouts(session, user.username):
            changes.append(("account_unlocked", {"addresses": locked}))
        for action, details in changes:
            admin_trail.record(session, action, f"user:{user.id}", admin,
                               {"username": user.username, **details})
        if new_password:
            user.password_hash = generate_password_hash(new_password)
        user.role, user.active = role, active
        user.display_name = (display_name or "").strip() or user.display_name
    return user


def _account_changes(
    user: User, role: str, active: bool, password: bool
) -> list[tuple[str, dict[str, Any]]]:
    """What an edit changes in who may do what, one trail event each."""
    changes: list[tuple[str, dict[str, Any]]] = []
    if user.role != role:
        changes.append(("role_changed", {"from": user.role, "to": role}))
    if user.active != active:
        changes.append(("account_reactivated" if active else "account_deactivated", {}))
    if password:
        changes.append(("password_reset", {}))
    return changes

"""Staff accounts and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.database import unit_of_work
from app.errors import Duplicate, NotFound, ValidationFailed
from app.extensions import db
from app.models import ApiToken, User
from app.models.users import ROLES
from app.workflows.facts import Actor

TOKEN_PREFIX = "cf_"


def actor_of(user: User) -> Actor:
    """The actor a staff user acts as."""
    return Actor(user.id, user.display_name or user.username, user.role)


def create_user(username: str, role: str, password: str, display_name: str | None = None) -> User:
    """Create a staff account; the password is stored as a salted hash (scrypt)."""
    username = (username or "").strip()
    if not username:
        raise ValidationFailed.on("username", "用户名不能为空。")
    if role not in ROLES:
        raise ValidationFailed.on("role", f"角色须为 {', '.join(ROLES)} 之一。")
    if len(password or "") < 10:
        raise ValidationFailed.on("password", "密码至少10个字符。")
    with unit_of_work() as session:
        if session.scalar(select(User.id).where(User.username == username)):
            raise Duplicate(f"用户 {username} 已存在。", {"username": ["already exists"]})
        user = User(
            username=username, role=role, display_name=display_name or username,
            password_hash=generate_password_hash(password),
        )  # fmt: skip
        session.add(user)
    return user


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(username: str, name: str = "api") -> str:
    """Issue a bearer token for a user and return it; only its hash is kept."""
    with unit_of_work() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFound(f"未找到用户 {username}。")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        session.add(ApiToken(user_id=user.id, name=name, token_hash=hash_token(token)))
    return token


def user_for_token(token: str) -> User | None:
    """The active user a token belongs to, or None for an unknown or revoked token."""
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    return row.user

"""Staff accounts and their API tokens."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import UTCDateTime, utcnow
from app.workflows import vocabulary

ROLES = vocabulary.ROLES.values


class User(db.Model):  # type: ignore[name-defined]
    """A staff member: an officer, a supervisor or an admin."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(vocabulary.ROLES.sql_in("role"), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Bumped on every password change or deactivation: older browser sessions stop working.
    session_epoch: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class ApiToken(db.Model):  # type: ignore[name-defined]
    """A bearer token for the JSON API. Only its SHA-256 is stored; the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # None: never

    user: Mapped[User] = relationship(lazy="joined")


class SigninLockout(db.Model):  # type: ignore[name-defined]
    """Failed sign-ins of one username from one address, and until when that pair is locked.

    Kept per (username, address) pair, for usernames that exist and those that do not alike:
    a stranger's failures lock only their own address out, never the account's owner, and an
    unknown username behaves exactly like a locked or mistyped one.
    """

    __tablename__ = "signin_lockouts"

    username: Mapped[str] = mapped_column(String(80), primary_key=True)
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

"""What every use case needs besides its arguments: today's date, the calendar, settings."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from flask import current_app
from marshmallow import fields
from sqlalchemy import select

from app.calendar import WorkdayCalendar
from app.config import SCHEMA
from app.errors import Forbidden
from app.extensions import db
from app.i18n import N_
from app.models import Holiday
from app.workflows import policy

T = TypeVar("T", int, float, Decimal, str, bool)
# What each reader returns, and the schema field a setting read with it must be declared as.
_DECLARED: dict[type, type[fields.Field]] = {
    int: fields.Integer, float: fields.Float, Decimal: fields.Decimal, str: fields.String,
    bool: fields.Boolean,
}


def setting(name: str) -> Any:
    """A configuration value of the running app: a table or a list (a single number, text or
    switch is read typed, with ``setting_int``, ``setting_decimal``, ``setting_float``,
    ``setting_str`` or ``setting_bool``)."""
    field = SCHEMA.fields.get(name)
    if field is not None and isinstance(field, tuple(_DECLARED.values())):
        raise TypeError(f"setting {name} is a {type(field).__name__}: read it typed")
    return current_app.config[name]


def _typed(name: str, kind: type[T]) -> T:
    """``name``'s value, which the settings schema declares (and loaded) as ``kind``: a read
    of the wrong kind, or a value of another type put in the config by hand, is an error."""
    field = SCHEMA.fields[name]
    if not isinstance(field, _DECLARED[kind]):
        raise TypeError(f"setting {name} is declared {type(field).__name__}, read as "
                        f"{kind.__name__}")
    value = current_app.config[name]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TypeError(f"setting {name} holds {value!r}, not {kind.__name__}")
    return value


def setting_int(name: str) -> int:
    """A whole-number setting (a count, days, hours, bytes)."""
    return _typed(name, int)


def setting_float(name: str) -> float:
    """A setting in (fractional) seconds."""
    return _typed(name, float)


def setting_decimal(name: str) -> Decimal:
    """A sum of money in yuan."""
    return _typed(name, Decimal)


def setting_str(name: str) -> str:
    """A text setting (a name, an address, a format)."""
    return _typed(name, str)


def setting_bool(name: str) -> bool:
    """A setting that is on or off."""
    return _typed(name, bool)


def today() -> dt.date:
    """Today in the detachment's time zone (Asia/Shanghai by default)."""
    return dt.datetime.now(ZoneInfo(setting_str("TIMEZONE"))).date()


CALENDAR_TTL_SECONDS = 30.0


def calendar() -> WorkdayCalendar:
    """The working-day calendar with the schedules staff entered.

    Kept for 30 seconds per process (a schedule entered in another process shows up within
    that time); ``forget_calendar`` drops it at once after an edit in this process.
    """
    cached = current_app.extensions.get("workday_calendar")
    if cached is not None and time.monotonic() - cached[0] < CALENDAR_TTL_SECONDS:
        cal: WorkdayCalendar = cached[1]
        return cal
    rows = db.session.execute(select(Holiday.day, Holiday.kind)).all()
    cal = WorkdayCalendar.from_rows(rows)
    current_app.extensions["workday_calendar"] = (time.monotonic(), cal)
    return cal


def forget_calendar() -> None:
    """Drop the cached calendar (call after the holiday table changed)."""
    current_app.extensions.pop("workday_calendar", None)


def authorize(actor: Any, use_case: str) -> None:
    """Refuse ``use_case`` unless the actor's role may carry it out (``app/workflows/policy``):
    every write use case asks this before it changes anything."""
    if not policy.may(actor.role, use_case):
        raise Forbidden(N_("您的角色不能办理此事项。"),
                        required_roles=list(policy.roles_for(use_case, staff_only=True)))

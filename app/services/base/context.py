"""What every use case needs besides its arguments: today's date, the calendar, settings."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from app.calendar import WorkdayCalendar
from app.errors import Forbidden
from app.extensions import db
from app.i18n import N_
from app.models import Holiday


def setting(name: str) -> Any:
    """A configuration value of the running app."""
    return current_app.config[name]


def today() -> dt.date:
    """Today in the detachment's time zone (Asia/Shanghai by default)."""
    return dt.datetime.now(ZoneInfo(setting("TIMEZONE"))).date()


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


def require_role(actor: Any, *roles: str) -> None:
    """Refuse the use case unless the actor has one of ``roles``."""
    if actor.role not in roles:
        raise Forbidden(N_("您的角色不能办理此事项。"), required_roles=list(roles))

"""What every use case needs besides its arguments: today's date, the calendar, settings."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, g, has_request_context
from sqlalchemy import select

from app.calendar import WorkdayCalendar
from app.extensions import db
from app.models import Holiday


def setting(name: str) -> Any:
    """A configuration value of the running app."""
    return current_app.config[name]


def today() -> dt.date:
    """Today in the detachment's time zone (Asia/Shanghai by default)."""
    return dt.datetime.now(ZoneInfo(setting("TIMEZONE"))).date()


def calendar() -> WorkdayCalendar:
    """The working-day calendar with the schedules staff entered (cached per request)."""
    if has_request_context() and "workday_calendar" in g:
        cal: WorkdayCalendar = g.workday_calendar
        return cal
    rows = db.session.execute(select(Holiday.day, Holiday.kind)).all()
    cal = WorkdayCalendar.from_rows(rows)
    if has_request_context():
        g.workday_calendar = cal
    return cal


def require_role(actor: Any, *roles: str) -> None:
    """Refuse the use case unless the actor has one of ``roles``."""
    from app.errors import Forbidden

    if actor.role not in roles:
        raise Forbidden(f"此操作需要角色：{' / '.join(roles)}。", required_roles=list(roles))

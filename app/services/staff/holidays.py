"""Entering a year's official working-day schedule, and firming up provisional deadlines.

The State Council publishes next year's schedule each autumn. Until staff enter it, deadlines
reaching into that year are provisional; entering it recomputes them in one pass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, Table, bindparam, delete, extract, select, update
from sqlalchemy.orm import Session

from app.calendar.statutory import statutory_holidays
from app.database import unit_of_work
from app.errors import ValidationFailed
from app.i18n import N_
from app.models import DisclosureItem, EnforcementRecord, Holiday, RestorationRequest
from app.services.audit import admin_trail
from app.services.audit.admin_trail import CONSOLE
from app.services.base.context import (
    authorize,
    calendar,
    forget_calendar,
    setting,
    setting_int,
    setting_str,
)
from app.workflows.facts import Actor


@dataclass(frozen=True)
class ScheduleDay:
    """One line of the official notice: a day off (``holiday``) or a 调休 working day."""

    day: dt.date
    kind: str
    name: str | None = None


def set_year_schedule(
    year: int, days: Iterable[ScheduleDay], by: Actor = CONSOLE
) -> dict[str, int]:
    """Replace ``year``'s schedule and recompute the provisional deadlines it settles; the
    administration trail records who entered it and how many deadlines moved."""
    authorize(by, "manage_calendar")
    days = list(days)
    errors = [N_("%(day)s 不在 %(year)s 年内。", day=d.day.isoformat(), year=year)
              for d in days if d.day.year != year]
    errors += [N_("%(day)s：类型须为 holiday 或 workday。", day=d.day.isoformat()) for d in days
               if d.kind not in ("holiday", "workday")]
    if len({d.day for d in days}) != len(days):
        errors.append(N_("有日期重复列出。"))
    if not any(d.kind == "holiday" for d in days):
        errors.append(N_("正式安排中须有放假日期。"))
    errors += statutory_gaps(year, days)
    if errors:
        raise ValidationFailed(N_("日程表有误。"), {"days": errors})
    with unit_of_work() as session:
        session.execute(delete(Holiday).where(extract("year", Holiday.day) == year))
        session.add_all(Holiday(day=d.day, kind=d.kind, name=d.name) for d in days)
        session.flush()
        forget_calendar()
        counts = _firm_up_deadlines(session)
        admin_trail.record(session, "calendar_changed", f"calendar:{year}", by, {
            "holidays": sum(d.kind == "holiday" for d in days),
            "workdays": sum(d.kind == "workday" for d in days), "re_dated": counts})
    forget_calendar()
    return counts


# From this year on the statutory days are those of 《全国年节及纪念日放假办法》 as revised in
# 2024 (国务院令第795号, in force 2025-01-01); earlier years come from the package.
STATUTORY_SINCE = 2025


def statutory_gaps(year: int, days: Iterable[ScheduleDay]) -> list[str]:
    """Each statutory holiday of ``year`` the schedule would make a working day: one listed
    as ``workday``, or a weekday not listed as ``holiday`` (放假办法 第二条: every statutory
    day is a day off; 调休 only moves weekends)."""
    if year < STATUTORY_SINCE:
        return []
    kinds = {d.day: d.kind for d in days}
    return [N_("%(day)s 是法定节假日（《全国年节及纪念日放假办法》第二条），安排中须为休息日；"
               "请核对国务院办公厅的通知。", day=day.isoformat())
            for day in sorted(statutory_holidays(year))
            if kinds.get(day) == "workday" or (day.weekday() < 5 and kinds.get(day) != "holiday")]


def missing_schedule(on: dt.date) -> int | None:
    """Next year, when from ``CALENDAR_WARN_FROM_MONTH`` its official schedule is neither
    entered nor in the package (its deadlines would be provisional); else None."""
    year = on.year + 1
    if on.month < setting_int("CALENDAR_WARN_FROM_MONTH"):
        return None
    return year if calendar().source(year) == "provisional" else None


def _firm_up_deadlines(session: Session) -> dict[str, int]:
    """Recompute every provisional deadline with the calendar as it now stands."""
    workdays = setting("DISCLOSURE_WORKDAYS")
    tz = ZoneInfo(setting_str("TIMEZONE"))
    records = _recompute(
        session,
        EnforcementRecord.__table__,
        ("publish_by", "publish_by_provisional"),
        select(EnforcementRecord.id, EnforcementRecord.decided_on, EnforcementRecord.category)
        .where(EnforcementRecord.publish_by_provisional.is_(True)),
        lambda decided_on, category: (decided_on, int(workdays[category])),
    )
    # Every queued item (additions, updates, withdrawals) from how its deadline was counted.
    items = _recompute(
        session,
        DisclosureItem.__table__,
        ("due_by", "due_provisional"),
        select(DisclosureItem.id, DisclosureItem.due_from, DisclosureItem.due_workdays)
        .where(DisclosureItem.due_provisional.is_(True), DisclosureItem.status == "pending",
               DisclosureItem.due_from.is_not(None), DisclosureItem.due_workdays.is_not(None)),
        lambda due_from, workdays: (due_from, int(workdays)),
    )
    days = setting_int("RESTORATION_DECISION_WORKDAYS")
    requests = _recompute(
        session,
        RestorationRequest.__table__,
        ("due_on", "due_on_provisional"),
        select(RestorationRequest.id, RestorationRequest.filed_at)
        .where(RestorationRequest.due_on_provisional.is_(True)),
        lambda filed_at: (filed_at.astimezone(tz).date(), days),
    )
    return {"records": len(records), "items": len(items), "requests": len(requests)}


def _recompute(
    session: Session,
    table: Table,
    columns: tuple[str, str],
    query: Select[*tuple[Any, ...]],
    start_and_days: Callable[..., tuple[dt.date, int]],
) -> list[dict[str, Any]]:
    """For each row of ``query`` (id first), the deadline from its start date and working
    days, written back to ``columns`` (date, provisional flag) in one executemany."""
    cal = calendar()
    fixes = []
    for key, *rest in session.execute(query).all():
        deadline = cal.add_workdays(*start_and_days(*rest))
        fixes.append({"key": key, "due": deadline.day, "prov": deadline.provisional})
    if fixes:
        due, flag = columns
        session.execute(
            update(table).where(table.c.id == bindparam("key"))
            .values({due: bindparam("due"), flag: bindparam("prov")}),
            fixes,
        )
    return fixes


EXAMPLE_MARK = "# creditflow: example"  # the first line of docs/calendar/*.example.csv


def parse_schedule(text: str, example: bool = False) -> list[ScheduleDay]:
    """Lines of ``YYYY-MM-DD,holiday|workday[,name]``; blank lines and ``#`` comments skipped.
    The documented example (its first line ``EXAMPLE_MARK``) is refused unless ``example``:
    its dates are illustrative, never a year's schedule."""
    days = []
    if not example and text.lstrip("\ufeff").startswith(EXAMPLE_MARK):
        raise ValidationFailed.on("days", N_("这是格式示例文件，其中的日期不是正式安排；请按国务院"
                                             "办公厅的通知填写该年的安排。"))
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split(",")]
        try:
            day = dt.date.fromisoformat(parts[0])
        except ValueError as exc:
            raise ValidationFailed.on("days", N_("第 %(n)s 行：日期 %(day)s 无效。", n=number,
                                                 day=parts[0])) from exc
        kind = parts[1] if len(parts) > 1 else ""
        days.append(ScheduleDay(day, kind, parts[2] if len(parts) > 2 else None))
    return days


def special_days(year: int) -> list[tuple[dt.date, str]]:
    """Weekdays off (``holiday``) and weekend working days (``workday``) of ``year``."""
    cal, day, out = calendar(), dt.date(year, 1, 1), []
    while day.year == year:
        weekend = day.weekday() >= 5
        if cal.is_workday(day) == weekend:
            out.append((day, "workday" if weekend else "holiday"))
        day += dt.timedelta(days=1)
    return out

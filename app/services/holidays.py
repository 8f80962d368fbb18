"""Entering a year's official working-day schedule, and firming up provisional deadlines.

The State Council publishes next year's schedule each autumn. Until staff enter it, deadlines
reaching into that year are provisional; entering it recomputes them in one pass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, delete, extract, select, update
from sqlalchemy.orm import Session

from app.calendar import WorkdayCalendar
from app.database import unit_of_work
from app.errors import ValidationFailed
from app.models import DisclosureItem, EnforcementRecord, Holiday, RestorationRequest
from app.services.context import calendar, forget_calendar, setting


@dataclass(frozen=True)
class ScheduleDay:
    """One line of the official notice: a day off (``holiday``) or a 调休 working day."""

    day: dt.date
    kind: str
    name: str | None = None


def set_year_schedule(year: int, days: Iterable[ScheduleDay]) -> dict[str, int]:
    """Replace ``year``'s schedule and recompute the provisional deadlines it settles."""
    days = list(days)
    errors = [f"{d.day}: not in {year}" for d in days if d.day.year != year]
    errors += [f"{d.day}: kind must be holiday or workday" for d in days
               if d.kind not in ("holiday", "workday")]  # fmt: skip
    if len({d.day for d in days}) != len(days):
        errors.append("a day is listed twice")
    if not any(d.kind == "holiday" for d in days):
        errors.append("an official schedule has holidays")
    if errors:
        raise ValidationFailed("日程表有误。", {"days": errors})
    with unit_of_work() as session:
        session.execute(delete(Holiday).where(extract("year", Holiday.day) == year))
        session.add_all(Holiday(day=d.day, kind=d.kind, name=d.name) for d in days)
        session.flush()
        forget_calendar()
        counts = _firm_up_deadlines(session)
    forget_calendar()
    return counts


def _firm_up_deadlines(session: Session) -> dict[str, int]:
    """Recompute every provisional deadline with the calendar as it now stands."""
    cal = calendar()
    workdays = setting("DISCLOSURE_WORKDAYS")
    rows = session.execute(
        select(
            EnforcementRecord.id, EnforcementRecord.category, EnforcementRecord.decided_on
        ).where(EnforcementRecord.publish_by_provisional.is_(True))
    ).all()
    fixes = []
    for record_id, category, decided_on in rows:
        deadline = cal.add_workdays(decided_on, int(workdays[category]))
        fixes.append({"rid": record_id, "due": deadline.day, "prov": deadline.provisional})
    if fixes:
        records = EnforcementRecord.__table__
        session.execute(
            update(records).where(records.c.id == bindparam("rid"))
            .values(publish_by=bindparam("due"), publish_by_provisional=bindparam("prov")),
            fixes,
        )  # fmt: skip
        items = DisclosureItem.__table__
        session.execute(
            update(items)
            .where(items.c.record_id == bindparam("rid"), items.c.op == "add",
                   items.c.status == "pending")
            .values(due_by=bindparam("due")),
            fixes,
        )  # fmt: skip
    requests = _firm_up_requests(session, cal)
    return {"records": len(fixes), "requests": requests}


def _firm_up_requests(session: Session, cal: WorkdayCalendar) -> int:
    days = int(setting("RESTORATION_DECISION_WORKDAYS"))
    rows = session.execute(
        select(RestorationRequest.id, RestorationRequest.filed_at).where(
            RestorationRequest.due_on_provisional.is_(True)
        )
    ).all()
    fixes = []
    for request_id, filed_at in rows:
        filed_on = filed_at.astimezone(ZoneInfo(setting("TIMEZONE"))).date()
        deadline = cal.add_workdays(filed_on, days)
        fixes.append({"qid": request_id, "due": deadline.day, "prov": deadline.provisional})
    if fixes:
        table = RestorationRequest.__table__
        session.execute(
            update(table).where(table.c.id == bindparam("qid"))
            .values(due_on=bindparam("due"), due_on_provisional=bindparam("prov")),
            fixes,
        )  # fmt: skip
    return len(fixes)


def parse_schedule(text: str) -> list[ScheduleDay]:
    """Lines of ``YYYY-MM-DD,holiday|workday[,name]``; blank lines and ``#`` comments skipped."""
    days = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split(",")]
        try:
            day = dt.date.fromisoformat(parts[0])
        except ValueError as exc:
            raise ValidationFailed.on("days", f"line {number}: bad date {parts[0]!r}") from exc
        kind = parts[1] if len(parts) > 1 else ""
        days.append(ScheduleDay(day, kind, parts[2] if len(parts) > 2 else None))
    return days

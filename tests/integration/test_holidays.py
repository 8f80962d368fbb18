"""Entering a year's official schedule firms up the provisional deadlines."""

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from app.errors import ValidationFailed
from app.extensions import db
from app.models import DisclosureItem
from app.services.staff.holidays import ScheduleDay, parse_schedule, set_year_schedule
from tests import builders as b


def test_entering_next_year_recomputes_provisional_deadlines(ctx, monkeypatch):
    officer = b.staff("officer")
    u = b.unit(officer)
    # Decided on 2026-11-20, 20 working days: ends in December 2026, not provisional.
    settled = b.inspection(officer, u.uscc, decided_on=dt.date(2026, 11, 20))
    assert not settled.publish_by_provisional
    # A deadline reaching into 2027 is provisional until the schedule is entered.
    monkeypatch.setitem(ctx.config, "DISCLOSURE_WORKDAYS",
                        {**ctx.config["DISCLOSURE_WORKDAYS"], "penalty": 40})
    rec = b.penalty(officer, u.uscc, decided_on=dt.date(2026, 11, 27))
    assert rec.publish_by_provisional
    before = rec.publish_by
    # Say the official notice gives 4-8 January off and Saturday 9 January as a working day.
    days = [ScheduleDay(dt.date(2027, 1, d), "holiday") for d in (1, 4, 5, 6, 7, 8)]
    days.append(ScheduleDay(dt.date(2027, 1, 9), "workday"))
    counts = set_year_schedule(2027, days)
    assert counts["records"] == 1
    db.session.refresh(rec)
    assert not rec.publish_by_provisional
    assert rec.publish_by > before  # five more days off than the provisional rule knew
    item_due = db.session.scalar(
        select(DisclosureItem.due_by).where(DisclosureItem.record_id == rec.id)
    )
    assert item_due == rec.publish_by


@pytest.mark.parametrize(
    "days",
    [
        [ScheduleDay(dt.date(2028, 1, 1), "holiday")],
        [ScheduleDay(dt.date(2027, 1, 1), "party")],
        [ScheduleDay(dt.date(2027, 1, 1), "holiday"), ScheduleDay(dt.date(2027, 1, 1), "holiday")],
        [ScheduleDay(dt.date(2027, 1, 9), "workday")],
    ],
)
def test_bad_schedules_are_refused(ctx, days):
    with pytest.raises(ValidationFailed):
        set_year_schedule(2027, days)


def test_the_example_file_parses(ctx):
    example = Path(__file__).parents[2] / "docs" / "calendar" / "2027.example.csv"
    with open(example, encoding="utf-8") as fh:
        days = parse_schedule(fh.read())
    assert days[0] == ScheduleDay(dt.date(2027, 1, 1), "holiday", "元旦")
    with pytest.raises(ValidationFailed):
        parse_schedule("2027-02-30,holiday")

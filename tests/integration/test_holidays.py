"""Entering a year's official schedule firms up the provisional deadlines."""

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.calendar.statutory import statutory_holidays
from app.errors import ValidationFailed
from app.extensions import db
from app.models import DisclosureItem
from app.services.staff.holidays import (
    ScheduleDay,
    parse_schedule,
    set_year_schedule,
    statutory_gaps,
)
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
    days += [ScheduleDay(d, "holiday") for d in sorted(statutory_holidays(2027))
             if d.month > 1]  # the rest of the year's statutory days
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


def test_the_example_file_parses_but_is_never_loaded_as_a_schedule(ctx):
    example = Path(__file__).parents[2] / "docs" / "calendar" / "2027.example.csv"
    text = example.read_text(encoding="utf-8")
    with pytest.raises(ValidationFailed) as refused:
        parse_schedule(text)  # its dates are illustrative: calendar load refuses it
    assert "示例" in str(refused.value.errors["days"])
    days = parse_schedule(text, example=True)
    assert days[0] == ScheduleDay(dt.date(2027, 1, 1), "holiday", "元旦")
    assert statutory_gaps(2027, days) == []  # a format example that keeps the law
    with pytest.raises(ValidationFailed):
        parse_schedule("2027-02-30,holiday")


def test_a_schedule_that_works_a_statutory_holiday_is_refused(ctx):
    from app.models import Holiday

    days = [ScheduleDay(d, "holiday") for d in sorted(statutory_holidays(2027))
            if d != dt.date(2027, 10, 1)]  # 国庆 1 October, a Friday, left out
    with pytest.raises(ValidationFailed) as refused:
        set_year_schedule(2027, days)
    assert ["2027-10-01" in str(e) for e in refused.value.errors["days"]] == [True]
    worked = [*days, ScheduleDay(dt.date(2027, 10, 1), "holiday"),
              ScheduleDay(dt.date(2027, 5, 1), "workday")]  # a statutory Saturday worked
    worked = [d for d in worked if not (d.day == dt.date(2027, 5, 1) and d.kind == "holiday")]
    with pytest.raises(ValidationFailed) as refused:
        set_year_schedule(2027, worked)
    assert "2027-05-01" in str(refused.value.errors["days"])
    assert db.session.scalar(select(func.count()).select_from(Holiday)) == 0  # nothing kept
    set_year_schedule(2027, [*days, ScheduleDay(dt.date(2027, 10, 1), "holiday")])


@pytest.mark.parametrize(("on", "told"), [(dt.date(2027, 10, 31), None),
                                         (dt.date(2027, 11, 1), 2028),
                                         (dt.date(2026, 11, 2), None)])
def test_from_november_staff_are_told_next_years_schedule_is_missing(ctx, on, told):
    from app.services.staff.holidays import missing_schedule

    if on.year == 2026:  # 2027 is beyond chinese-calendar 1.11.0: enter it, then nothing to say
        set_year_schedule(2027, parse_schedule(
            (Path(__file__).parents[2] / "docs" / "calendar" / "2027.example.csv")
            .read_text(encoding="utf-8"), example=True))
    assert missing_schedule(on) == told

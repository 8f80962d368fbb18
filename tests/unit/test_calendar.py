import datetime as dt

import pytest

from app.calendar import WorkdayCalendar
from app.calendar.statutory import provisional_days_off, statutory_holidays
from app.calendar.workdays import Deadline

D = dt.date


def test_package_years_follow_the_official_schedule():
    cal = WorkdayCalendar()
    assert cal.source(2026) == "package"
    # National Day 2026: 1-7 October off, Saturday 10 October is an adjusted working day.
    assert not cal.is_workday(D(2026, 10, 5))
    assert cal.is_workday(D(2026, 10, 10))
    deadline = cal.add_workdays(D(2026, 9, 28), 7)
    assert deadline == cal.add_workdays(D(2026, 9, 28), 7)
    assert deadline.day == D(2026, 10, 13) and not deadline.provisional


@pytest.mark.parametrize("days", [7, 20])
def test_deadlines_for_any_date_never_fail(days):
    cal = WorkdayCalendar()
    start = D(2003, 12, 20)
    for offset in range(0, 365 * 30, 97):
        deadline = cal.add_workdays(start + dt.timedelta(days=offset), days)
        assert deadline.day > start + dt.timedelta(days=offset)


def test_beyond_known_years_is_provisional_and_skips_statutory_holidays():
    cal = WorkdayCalendar()
    assert cal.source(2027) == "provisional"
    deadline = cal.add_workdays(D(2026, 12, 28), 5)  # crosses into 2027: 元旦 is skipped
    assert deadline == cal.add_workdays(D(2026, 12, 28), 5)
    assert deadline.provisional
    assert deadline.day == D(2027, 1, 5)
    assert D(2027, 2, 5) in statutory_holidays(2027)  # 除夕
    assert not cal.is_workday(D(2027, 2, 8))  # 初三, a Monday


def test_statutory_holidays_match_the_official_2026_days():
    official = WorkdayCalendar()
    for day in statutory_holidays(2026):
        assert not official.is_workday(day), day
    assert len(statutory_holidays(2026)) == 13


def test_an_entered_year_overrides_every_other_source():
    cal = WorkdayCalendar({D(2027, 1, 1): "holiday", D(2027, 1, 2): "holiday",
                           D(2027, 1, 4): "holiday", D(2027, 1, 9): "workday"})
    assert cal.source(2027) == "entered"
    assert not cal.is_workday(D(2027, 1, 4))
    assert cal.is_workday(D(2027, 1, 9))  # a Saturday made a working day
    deadline = cal.add_workdays(D(2026, 12, 31), 1)
    assert deadline.day == D(2027, 1, 5) and not deadline.provisional


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        WorkdayCalendar().add_workdays(D(2026, 1, 1), -1)


@pytest.mark.parametrize(
    ("holiday", "made_up"),
    [
        (D(2026, 4, 5), D(2026, 4, 6)),  # 清明 on a Sunday: Monday off
        (D(2026, 5, 2), D(2026, 5, 4)),  # 劳动节's second day on a Saturday
        (D(2026, 10, 3), D(2026, 10, 5)),  # 国庆's third day on a Saturday
        (D(2027, 2, 6), D(2027, 2, 9)),  # 春节 初一 on a Saturday: after the other days off
        (D(2027, 2, 7), D(2027, 2, 10)),
        (D(2027, 5, 1), D(2027, 5, 3)),
        (D(2027, 10, 2), D(2027, 10, 4)),
    ],
)
def test_a_holiday_on_a_weekend_is_made_up_on_the_next_working_day(holiday, made_up):
    assert holiday.weekday() >= 5 and holiday in statutory_holidays(holiday.year)
    assert made_up in provisional_days_off(holiday.year)  # 放假办法 第六条 (补假)
    assert made_up not in statutory_holidays(made_up.year)


def test_make_up_days_bring_the_provisional_rule_closer_to_the_official_calendar():
    """7-working-day deadlines from every start day of 2025 to mid-November 2026, computed
    with the provisional rule, against the official calendar (DOMAIN.md: 570 of 684 with 补假,
    542 without)."""

    def deadline(start: dt.date, off) -> dt.date:  # type: ignore[no-untyped-def]
        day, left = start, 7
        while left:
            day += dt.timedelta(days=1)
            left -= day.weekday() < 5 and day not in off(day.year)
        return day

    official, starts = WorkdayCalendar(), []
    day = D(2025, 1, 1)
    while day <= D(2026, 11, 15):
        starts.append(day)
        day += dt.timedelta(days=1)
    truth = [official.add_workdays(s, 7).day for s in starts]
    pairs = list(zip(starts, truth, strict=True))
    with_make_up = sum(deadline(s, provisional_days_off) == t for s, t in pairs)
    without = sum(deadline(s, statutory_holidays) == t for s, t in pairs)
    assert (with_make_up, without, len(starts)) == (570, 542, 684)


def test_a_provisional_deadline_skips_the_make_up_days():
    cal = WorkdayCalendar()
    # 2027: 劳动节 1-2 May (Sat, Sun) are made up on 3-4 May.
    assert cal.add_workdays(D(2027, 4, 30), 1) == Deadline(D(2027, 5, 5), True)

import datetime as dt

import pytest

from app.calendar import WorkdayCalendar
from app.calendar.statutory import statutory_holidays

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
                           D(2027, 1, 4): "holiday", D(2027, 1, 9): "workday"})  # fmt: skip
    assert cal.source(2027) == "entered"
    assert not cal.is_workday(D(2027, 1, 4))
    assert cal.is_workday(D(2027, 1, 9))  # a Saturday made a working day
    deadline = cal.add_workdays(D(2026, 12, 31), 1)
    assert deadline.day == D(2027, 1, 5) and not deadline.provisional


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        WorkdayCalendar().add_workdays(D(2026, 1, 1), -1)

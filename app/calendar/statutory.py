"""Statutory public holidays of a year, known before its official schedule is published.

《全国年节及纪念日放假办法》 (revised 2024, in force 2025-01-01): 元旦 1 day, 春节 4 days
(除夕 and 正月初一 to 初三), 清明节 1 day (the 清明 solar term), 劳动节 2 days (1-2 May),
端午节 1 day (农历五月初五), 中秋节 1 day (农历八月十五), 国庆节 3 days (1-3 October).
Only the adjusted working weekends (调休) stay unknown until the State Council's notice.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import chinese_calendar
from lunardate import LunarDate


@lru_cache(maxsize=256)
def statutory_holidays(year: int) -> frozenset[dt.date]:
    """The statutory holidays falling in ``year`` (Gregorian)."""
    days: set[dt.date] = {dt.date(year, 1, 1), dt.date(year, 5, 1), dt.date(year, 5, 2)}
    days.update(dt.date(year, 10, d) for d in (1, 2, 3))
    try:
        spring = LunarDate(year, 1, 1).to_solar_date()
        days.update(spring + dt.timedelta(days=n) for n in (-1, 0, 1, 2))
        days.add(LunarDate(year, 5, 5).to_solar_date())
        days.add(LunarDate(year, 8, 15).to_solar_date())
    except ValueError:  # beyond the lunar tables (1900-2099): the solar holidays still hold
        pass
    terms = chinese_calendar.get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 10))
    days.update(day for day, name in terms if name == "清明")
    # 春节 falls between 21 January and 20 February, so 除夕 is always in the same year.
    return frozenset(d for d in days if d.year == year)


@lru_cache(maxsize=256)
def provisional_days_off(year: int) -> frozenset[dt.date]:
    """The statutory holidays of ``year`` and their make-up days: a holiday that falls on a
    Saturday or Sunday is made up on the next working day (补假, 放假办法 第六条)."""
    holidays = statutory_holidays(year)
    off = set(holidays)
    for day in sorted(d for d in holidays if d.weekday() >= 5):
        make_up = day + dt.timedelta(days=1)
        while make_up.weekday() >= 5 or make_up in off:
            make_up += dt.timedelta(days=1)
        off.add(make_up)
    return frozenset(off)

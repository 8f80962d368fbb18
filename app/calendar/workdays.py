"""Working days on the official Chinese calendar, with three sources in order of trust.

1. A year's official schedule entered by staff (the ``holidays`` table).
2. ``chinese-calendar`` for the years it ships (2004 to its last release year).
3. Provisional: weekdays minus the statutory holidays and their make-up days (补假), for any
   year beyond both. Deadlines
   computed from such days are flagged ``provisional`` so that nobody mistakes them for final.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import chinese_calendar

from app.calendar.statutory import provisional_days_off


@dataclass(frozen=True)
class Deadline:
    """A due date and whether it rests on a provisional calendar."""

    day: dt.date
    provisional: bool


@lru_cache(maxsize=64)
def _package_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


class WorkdayCalendar:
    """Answers "is this a working day" and adds working days to a date, for any date.

    ``entered`` maps a day to ``"holiday"`` or ``"workday"`` for the years staff entered.
    """

    def __init__(self, entered: Mapping[dt.date, str] | None = None) -> None:
        self._entered = dict(entered or {})
        self._entered_years = frozenset(d.year for d in self._entered)
        self._cache: dict[dt.date, bool] = {}

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[dt.date, str]]) -> WorkdayCalendar:
        """Build from ``(day, kind)`` pairs, as read from the holiday table."""
        return cls(dict(rows))

    def source(self, year: int) -> str:
        """Where this year's days come from: ``entered``, ``package`` or ``provisional``."""
        if year in self._entered_years:
            return "entered"
        return "package" if _package_covers(year) else "provisional"

    def is_provisional(self, day: dt.date) -> bool:
        """True where only the provisional rule knows this day."""
        return self.source(day.year) == "provisional"

    def is_workday(self, day: dt.date) -> bool:
        """True on an official working day (调休 weekends included, holidays excluded)."""
        known = self._cache.get(day)
        if known is None:
            known = self._cache[day] = self._is_workday(day)
        return known

    def _is_workday(self, day: dt.date) -> bool:
        source = self.source(day.year)
        if source == "entered":
            kind = self._entered.get(day)
            return kind == "workday" if kind else day.weekday() < 5
        if source == "package":
            return bool(chinese_calendar.is_workday(day))
        return day.weekday() < 5 and day not in provisional_days_off(day.year)

    def add_workdays(self, start: dt.date, n: int) -> Deadline:
        """The ``n``-th working day after ``start`` (``start`` itself does not count)."""
        if n < 0:
            raise ValueError("n must not be negative")
        day, provisional, left = start, False, n
        while left:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                left -= 1
                provisional = provisional or self.is_provisional(day)
            elif self.is_provisional(day):
                provisional = True
        return Deadline(day, provisional)

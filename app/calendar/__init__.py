"""The Chinese working-day calendar used for every statutory deadline."""

from app.calendar.workdays import Deadline, WorkdayCalendar

__all__ = ["Deadline", "WorkdayCalendar"]

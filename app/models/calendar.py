"""Official working-day schedules that staff enter for years the calendar package lacks."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.workflows import vocabulary


class Holiday(db.Model):  # type: ignore[name-defined]
    """A day of a year's official schedule: a holiday (休) or an adjusted working day (班).

    A year with any row here is taken as entered in full: its days are weekdays, minus the
    ``holiday`` rows, plus the ``workday`` rows (调休 weekends).
    """

    __tablename__ = "holidays"
    __table_args__ = (CheckConstraint(vocabulary.DAY_KINDS.sql_in("kind"), name="kind"),)

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str | None] = mapped_column(String(50))

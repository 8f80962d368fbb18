"""A record's own publicity window and whether it goes to the platform at all: how long a
penalty is public, counted from its decision date by its tier. Asked by the outbox (公示截止期),
the credit machine's guards, the sweeps and the reminders."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import and_, or_, select

from app.extensions import db
from app.models import DisclosureItem, EnforcementRecord
from app.services.base.context import setting, setting_bool
from app.workflows import publicity


def window(record: EnforcementRecord) -> tuple[dt.date, dt.date] | None:
    """The record's own publicity window (``window_of`` its category, tier and decision)."""
    return window_of(record.category, record.tier, record.decided_on)


def window_of(category: str, tier: str | None,
              decided_on: dt.date) -> tuple[dt.date, dt.date] | None:
    """A penalty's own publicity window, from its decision date by its tier
    (``PUBLICITY_MONTHS``; 民法典 第201-202条: a period in months ends on the corresponding
    day of the last month, or its last day); None when the record has none."""
    if category != "penalty" or tier is None:
        return None
    return tier_window(tier, decided_on)


def tier_window(tier: str, decided_on: dt.date) -> tuple[dt.date, dt.date]:
    """Minimum and maximum publicity end dates of a tier (a penalty's, or a listing's level)
    from ``decided_on``: ``PUBLICITY_MONTHS`` (NDRC Order No. 36)."""
    low, high = setting("PUBLICITY_MONTHS")[tier]
    return months_after(decided_on, low), months_after(decided_on, high)


@lru_cache(maxsize=8192)
def months_after(day: dt.date, months: int) -> dt.date:
    """``months`` after ``day``: the corresponding day, or the month's last (民法典 第201-202条).
    Kept per (day, months): a register's thousands of rows share a few hundred dates."""
    return day + relativedelta(months=months)


def published(category: str, tier: str | None) -> bool:
    """Whether a decision of this category and tier goes to the platform at all."""
    return publicity.is_published(category, tier, setting_bool("PUBLISH_MINOR_PENALTIES"))


def public_end(category: str, decided_on: dt.date) -> dt.date:
    """The end of the publicity of a record of a category without a statutory period
    (inspections, coercive measures, licensing): ``PUBLIC_MONTHS`` from its decision."""
    months: int = setting("PUBLIC_MONTHS")[category]
    return months_after(decided_on, months)


def publicity_ended(category: str, tier: str | None, decided_on: dt.date, day: dt.date,
                    fine_owed: bool) -> dt.date | None:
    """The last day of a decision's publicity if it has already passed on ``day`` (a register
    of last year entered now), else None. A penalty's publicity ends at its own maximum unless
    its fine is still owed (NDRC Order No. 36: it ends at the maximum except where obligations
    are unmet); another category's at ``PUBLIC_MONTHS`` from the decision. Such a decision is
    stored and counted, but not published: the platform would show what is no longer public."""
    if category == "penalty":
        bounds = window_of(category, tier, decided_on)
        if bounds is None or fine_owed:
            return None
        last = bounds[1]
    else:
        last = public_end(category, decided_on)
    return last if last < day else None


def on_platform(record: EnforcementRecord) -> bool:
    """Whether the record has been put on the platform's way (an item was queued for it): a
    penalty's own publicity says so; a record of another category has an item unless its
    publicity had ended when it was entered."""
    if record.category == "penalty":
        return record.publicity_status is not None
    return db.session.scalar(select(DisclosureItem.id).where(
        DisclosureItem.record_id == record.id).limit(1)) is not None


def window_may_have_passed(bound: int, day: dt.date) -> Any:
    """SQL: penalties whose window's minimum (``bound`` 0) or maximum (1) may have passed by
    ``day``, by tier, a few days generous for month ends; ``window`` decides exactly on the few
    rows it selects, so daily sweeps never load every public penalty."""
    return or_(*(
        and_(EnforcementRecord.tier == tier,
             EnforcementRecord.decided_on
             <= day - relativedelta(months=months[bound]) + dt.timedelta(days=3))
        for tier, months in setting("PUBLICITY_MONTHS").items()
    ))

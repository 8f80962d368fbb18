"""A lease-based leader lock in the database: one scheduler process runs jobs at a time.

The leader renews its lease well before it expires; a standby takes the lease over once it
has expired (the leader died or lost the database), so a takeover happens within one lease
period plus one renewal interval.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, insert, update
from sqlalchemy.exc import IntegrityError

from app.database import unit_of_work
from app.models import SchedulerLease
from app.models._types import utcnow

LEASES = SchedulerLease.__table__


def try_acquire(name: str, holder: str, seconds: int) -> bool:
    """Take or renew the lease ``name`` for ``holder``; True when ``holder`` now holds it."""
    now = utcnow()
    expires = now + dt.timedelta(seconds=seconds)
    try:
        with unit_of_work() as session:
            renewed = session.execute(
                update(LEASES)
                .where(LEASES.c.name == name)
                .where((LEASES.c.holder == holder) | (LEASES.c.expires_at < now))
                .values(holder=holder, expires_at=expires)
            ).rowcount  # type: ignore[attr-defined]
            if renewed:
                return True
            if session.get(SchedulerLease, name) is not None:
                return False
            session.execute(insert(LEASES).values(name=name, holder=holder, expires_at=expires,
                                                  acquired_at=now))  # fmt: skip
            return True
    except IntegrityError:  # another process inserted the lease first
        return False


def holds(name: str, holder: str) -> bool:
    """True while ``holder`` holds an unexpired lease (checked by every job before it works)."""
    from app.extensions import db

    row = db.session.get(SchedulerLease, name, populate_existing=True)
    db.session.rollback()
    return row is not None and row.holder == holder and row.expires_at > utcnow()


def release(name: str, holder: str) -> None:
    """Give the lease up (on a clean shutdown), so a standby need not wait for it to expire."""
    with unit_of_work() as session:
        session.execute(delete(LEASES).where(LEASES.c.name == name, LEASES.c.holder == holder))

"""A lease-based leader lock in the database: one scheduler process runs jobs at a time.

The leader renews its lease well before it expires; a standby takes the lease over once it
has expired (the leader died, lost the database or was paused), so a takeover happens within
one lease period plus one renewal interval.

Each tenure has a *term*: a number that grows whenever the lease changes hands or lapses, and
stays while the holder renews in time. A job captures the term it started under (``current``)
and every transaction it commits checks it (``Fence.check``, run by the unit of work): a
process paused past its lease that wakes up finds another holder or a later term, and its
writes are rolled back instead of overwriting what its successor did.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, case, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.database import unit_of_work
from app.extensions import db
from app.models import SchedulerLease
from app.models._types import utcnow

LEASES = SchedulerLease.__table__
SCHEDULER = "scheduler"  # the scheduler processes' leader lease


class LeaseLost(Exception):
    """A fenced write found that its process no longer holds the lease it started under."""


@dataclass(frozen=True)
class Fence:
    """The lease a piece of work started under: ``name`` held by ``holder`` in ``term``."""

    name: str
    holder: str
    term: int

    def check(self, session: Session) -> None:
        """In the writing transaction, just before commit: still ours, or ``LeaseLost``.

        An UPDATE rather than a SELECT: it locks the lease row until the commit (PostgreSQL;
        SQLite's writer already holds the database lock), so a takeover either happened
        before, and the write is refused, or waits until the write is committed.
        """
        still = session.execute(
            update(LEASES)
            .where(LEASES.c.name == self.name, LEASES.c.holder == self.holder,
                   LEASES.c.term == self.term)
            .values(term=LEASES.c.term)
        ).rowcount  # type: ignore[attr-defined]
        if not still:
            raise LeaseLost(f"{self.holder} no longer holds lease {self.name!r} (term {self.term})")


def try_acquire(name: str, holder: str, seconds: int) -> bool:
    """Take or renew the lease ``name`` for ``holder``; True when ``holder`` now holds it.

    A renewal in time keeps the term; a takeover, or a holder coming back after its lease
    lapsed, starts a new one (the work of the lapsed tenure is fenced off).
    """
    now = utcnow()
    expires = now + dt.timedelta(seconds=seconds)
    live_renewal = and_(LEASES.c.holder == holder, LEASES.c.expires_at >= now)
    try:
        with unit_of_work() as session:
            renewed = session.execute(
                update(LEASES)
                .where(LEASES.c.name == name)
                .where((LEASES.c.holder == holder) | (LEASES.c.expires_at < now))
                .values(holder=holder, expires_at=expires,
                        term=case((live_renewal, LEASES.c.term), else_=LEASES.c.term + 1))
            ).rowcount  # type: ignore[attr-defined]
            if renewed:
                return True
            if session.get(SchedulerLease, name) is not None:
                return False
            session.execute(insert(LEASES).values(name=name, holder=holder, expires_at=expires,
                                                  acquired_at=now, term=1))
            return True
    except IntegrityError:  # another process inserted the lease first
        return False


def current(name: str, holder: str) -> Fence | None:
    """The fence of ``holder``'s unexpired lease, or None (checked by every job before it works)."""
    row = db.session.execute(
        select(LEASES.c.holder, LEASES.c.term, LEASES.c.expires_at).where(LEASES.c.name == name)
    ).first()
    db.session.rollback()
    if row is None or row.holder != holder or row.expires_at <= utcnow():
        return None
    return Fence(name, holder, row.term)


def release(name: str, holder: str) -> None:
    """Give the lease up (on a clean shutdown), so a standby need not wait for it to expire."""
    with unit_of_work() as session:
        session.execute(delete(LEASES).where(LEASES.c.name == name, LEASES.c.holder == holder))

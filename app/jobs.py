"""Scheduler jobs, referenced by ``module:function`` so the job store can persist them.

Each job pushes an app context and calls one service. The app is the one the scheduler
process built (``bind``); jobs never build their own.
"""

from __future__ import annotations

import logging

from flask import Flask
from flask.ctx import AppContext

log = logging.getLogger("creditflow.jobs")
_app: Flask | None = None
_holder: str | None = None


def bind(app: Flask, holder: str | None = None) -> None:
    """Give the jobs of this process their app, and the lease holder they run for."""
    global _app, _holder
    _app, _holder = app, holder


def _leading() -> bool:
    """Fencing: a job runs only while this process still holds the lease."""
    if _holder is None:  # not under a Leadership (tests drive start_jobs directly)
        return True
    from app.scheduler import LEASE_NAME
    from app.services.lease import holds

    if holds(LEASE_NAME, _holder):
        return True
    log.warning("job skipped: %s no longer holds the scheduler lease", _holder)
    return False


def _context() -> AppContext:
    if _app is None:
        raise RuntimeError("jobs are not bound to an app (app.jobs.bind)")
    return _app.app_context()


def daily_batch(category: str) -> None:
    """The daily disclosure batch of one category."""
    from app.services.pipeline import run_disclosure

    with _context():
        if not _leading():
            return
        summary = run_disclosure(category)
        log.info("daily batch %s: %s", category, summary)


def urgent_sweep() -> None:
    """Every 15 minutes: deliver items due within one working day, and retry due batches."""
    from app.services.pipeline import run_disclosure

    with _context():
        if _leading():
            run_disclosure(urgent_only=True)


def expiry_sweep() -> None:
    """Daily: end listings at their maximum period, flag the blocked ones for staff."""
    from app.services.expiry import sweep_expired_listings

    with _context():
        if not _leading():
            return
        result = sweep_expired_listings()
        log.info("expiry sweep: %d expired, %d blocked", len(result.expired), len(result.blocked))


def reminder_scan() -> None:
    """Daily: write the reminders that fell due (eligible to apply, decisions due soon)."""
    from app.services.notifications import scan_reminders

    with _context():
        if _leading():
            log.info("reminder scan: %s", scan_reminders())


def send_notifications() -> None:
    """Every minute: send pending reminders by email."""
    from app.services.notifications import send_pending

    with _context():
        if _leading():
            result = send_pending()
            if any(result.values()):
                log.info("notifications: %s", result)

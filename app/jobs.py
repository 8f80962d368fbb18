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


def bind(app: Flask) -> None:
    """Give the jobs of this process their app."""
    global _app
    _app = app


def _context() -> AppContext:
    if _app is None:
        raise RuntimeError("jobs are not bound to an app (app.jobs.bind)")
    return _app.app_context()


def daily_batch(category: str) -> None:
    """The daily disclosure batch of one category."""
    from app.services.pipeline import run_disclosure

    with _context():
        summary = run_disclosure(category)
        log.info("daily batch %s: %s", category, summary)


def urgent_sweep() -> None:
    """Every 15 minutes: deliver items due within one working day, and retry due batches."""
    from app.services.pipeline import run_disclosure

    with _context():
        run_disclosure(urgent_only=True)


def expiry_sweep() -> None:
    """Daily: end listings at their maximum period, flag the blocked ones for staff."""
    from app.services.expiry import sweep_expired_listings

    with _context():
        result = sweep_expired_listings()
        log.info("expiry sweep: %d expired, %d blocked", len(result.expired), len(result.blocked))

"""Scheduler jobs, referenced by ``module:function`` so the job store can persist them.

Each job pushes an app context and calls one service. The app is the one the scheduler
process built (``bind``); jobs never build their own. Under a leader (``holder``) a job runs
only while its process holds the scheduler lease, and every transaction it commits is fenced
by the term it started under: a process paused past its lease that wakes up mid-job writes
nothing over what its successor did (``app.services.lease``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask

from app import scheduler_lease as lease
from app.database import fenced
from app.extensions import db
from app.services.casework.importing import prune_staged
from app.services.credit.expiry import sweep_expired
from app.services.credit.objection_ends import close_ended
from app.services.disclosure.batches import prune_batch_files
from app.services.disclosure.monitor import record_run
from app.services.disclosure.pipeline import run_disclosure
from app.services.disclosure.runs import run_requested
from app.services.notifications.reminders import prune_reminders, scan_reminders, send_pending
from app.services.online.selfservice import prune_proofs
from app.services.staff.signin import prune_lockouts

log = logging.getLogger("creditflow.jobs")
_app: Flask | None = None
_holder: str | None = None


def bind(app: Flask, holder: str | None = None) -> None:
    """Give the jobs of this process their app, and the lease holder they run for."""
    global _app, _holder
    _app, _holder = app, holder


@contextmanager
def _leading(job: str) -> Iterator[bool]:
    """In an app context: True, with every commit fenced, while this process leads.

    Without a holder (tests drive ``start_jobs`` directly) the job runs unfenced.
    """
    if _app is None:
        raise RuntimeError("jobs are not bound to an app (app.jobs.bind)")
    with _app.app_context():
        if _holder is None:
            yield True
            return
        fence = lease.current(lease.SCHEDULER, _holder)
        if fence is None:
            log.warning("job %s skipped: %s no longer holds the scheduler lease", job, _holder)
            yield False
            return
        try:
            with fenced(fence.check):
                yield True
        except lease.LeaseLost as exc:
            log.warning("job %s stopped, its writes rolled back: %s", job, exc)


def _run(job: str, work: Callable[[], object]) -> None:
    with _leading(job) as leading:
        if leading:
            try:
                outcome = work()
            except Exception as exc:
                db.session.rollback()
                record_run(job, error=f"{type(exc).__name__}: {exc}")
                raise  # APScheduler logs it with its traceback
            record_run(job)
            log.info("%s: %s", job, outcome)


def daily_batch(category: str) -> None:
    """The daily disclosure batch of one category."""
    _run(f"daily batch {category}", lambda: run_disclosure(category))


def urgent_sweep() -> None:
    """Every 15 minutes: deliver items due within one working day, and retry due batches."""
    _run("urgent sweep", lambda: run_disclosure(urgent_only=True))


def requested_runs() -> None:
    """Every few seconds: the runs staff asked for ("run now")."""
    with _leading("requested runs") as leading:
        if leading and (answered := run_requested()):
            record_run("requested runs")
            log.info("requested runs: %d answered", answered)


def expiry_sweep() -> None:
    """Daily: end listings and penalty records' publicity at their maximum period; close the
    objections whose item ended (restored, expired, withdrawn)."""
    _run("expiry sweep", sweep_expired)
    _run("objections of ended items", close_ended)


def reminder_scan() -> None:
    """Daily: write the reminders that fell due (eligible to apply, decisions due soon)."""
    _run("reminder scan", scan_reminders)


def prune_old_proofs() -> None:
    """Daily: what is kept only for a while (docs/operations.md): proofs of applications that
    ended without restoration, published batch files, reminder addresses, spreadsheets checked
    but never confirmed, and sign-in failure counts of pairs that have been quiet for a day."""
    _run("proof retention", prune_proofs)
    _run("batch file retention", prune_batch_files)
    _run("reminder retention", prune_reminders)
    _run("staged import retention", prune_staged)
    _run("sign-in failures", prune_lockouts)


def send_notifications() -> None:
    """Every minute: send pending reminders by email."""
    _run("notifications", send_pending)

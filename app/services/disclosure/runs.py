"""Runs someone asked for ("run now" on the pages and in the API): the request is a row, the
scheduler's leader runs it (``run_requested``, polled every ``RUN_POLL_SECONDS``), and whoever
asked reads its outcome from the row. The command line's ``disclose run`` runs in its own
process instead (``pipeline.run_by_hand``)."""

from __future__ import annotations

import logging

from sqlalchemy import select, update

from app.database import unit_of_work
from app.errors import NotFound
from app.extensions import db
from app.i18n import N_
from app.models import RunRequest
from app.models._types import utcnow
from app.services.audit import admin_trail
from app.services.base.context import authorize
from app.services.disclosure.pipeline import RunSummary, run_disclosure
from app.workflows.facts import Actor
from app.workflows.vocabulary import DISCLOSURE_CATEGORIES as CATEGORIES

log = logging.getLogger("creditflow.disclosure")


def ask_for_run(actor: Actor, category: str | None = None) -> RunRequest:
    """Ask the scheduler for a run of one category (or all); who asked is in the
    administration trail. Returns the waiting request."""
    authorize(actor, "run_disclosure")
    if category is not None and category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    with unit_of_work() as session:
        run = RunRequest(category=category, requested_by=actor.name, status="waiting")
        session.add(run)
        session.flush()
        admin_trail.record(session, "disclosure_run", f"disclosure:{category or 'all'}", actor,
                           {"category": category, "request": run.id})
    return run


def get_run(run_id: int) -> RunRequest:
    """The run request with this id, or ``NotFound``."""
    run = db.session.get(RunRequest, run_id, populate_existing=True)
    if run is None:
        raise NotFound(N_("未找到该推送请求。"))
    return run


def recent_runs(limit: int = 10) -> list[RunRequest]:
    """The newest run requests, newest first."""
    return list(db.session.scalars(select(RunRequest).order_by(RunRequest.id.desc())
                                   .limit(limit)))


def run_requested() -> int:
    """The scheduler's job: run every waiting request (one run per category asked for, all
    categories once if any asked for all) and write each request's outcome. Returns how many
    requests it answered."""
    with unit_of_work() as session:
        waiting = list(session.scalars(select(RunRequest).where(RunRequest.status == "waiting")
                                       .order_by(RunRequest.id)))
        ids = [run.id for run in waiting]
        if not ids:
            return 0
        session.execute(update(RunRequest).where(RunRequest.id.in_(ids))
                        .values(status="running", started_at=utcnow()))
    asked = {run.category for run in waiting}
    scope: list[str | None] = [None]
    if None not in asked:
        scope = [c for c in CATEGORIES if c in asked]
    summary, error = RunSummary(), None
    try:
        for category in scope:
            part = run_disclosure(category)
            for name, count in part.delivered.items():
                summary.delivered[name] = summary.delivered.get(name, 0) + count
            for name, count in part.items.items():
                summary.items[name] = summary.items.get(name, 0) + count
            summary.failed += part.failed
    except Exception as exc:  # the request says so; the scheduler's retries go on as usual
        log.exception("requested disclosure run %s failed", ids)
        db.session.rollback()
        error = f"{type(exc).__name__}: {exc}"[:500]
    outcome = {"delivered": summary.delivered, "items": summary.items, "failed": summary.failed}
    with unit_of_work() as session:
        session.execute(update(RunRequest).where(RunRequest.id.in_(ids)).values(
            status="failed" if error else "done", finished_at=utcnow(), outcome=outcome,
            error=error))
    return len(ids)

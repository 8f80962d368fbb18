"""``/healthz`` and ``/readyz`` for load balancers and orchestrators, outside the API and the
pages (no session, no rate limit, no sign-in).

``/healthz``: the process is up and answers (no database access). ``/readyz``: it can do its
work: the database answers, and its schema is at the migrations' head (a process started on a
database not yet upgraded is not ready). It also says who holds the scheduler's leader lease and
until when, for the operator; a missing leader does not make a web process unready.
"""

from __future__ import annotations

import os
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, jsonify
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db, limiter
from app.models import SchedulerLease
from app.models._types import utcnow
from app.scheduler_lease import SCHEDULER

# In an installed wheel the migrations travel inside the package (setup.py); in a checkout
# they are `migrations/` beside it.
_PACKAGED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "migrations")
_CHECKOUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "migrations")
MIGRATIONS = _PACKAGED if os.path.isdir(_PACKAGED) else _CHECKOUT


def head_revision() -> str | None:
    """The newest migration the code carries."""
    script = ScriptDirectory(MIGRATIONS)
    return script.get_current_head()


def readiness() -> tuple[bool, dict[str, Any]]:
    """Whether this process can serve, and what each check found."""
    head = head_revision()
    lease = None
    try:
        with db.engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
            if current == head:  # an older schema may not have the lease table yet
                lease = conn.execute(select(SchedulerLease.holder, SchedulerLease.expires_at)
                                     .where(SchedulerLease.name == SCHEDULER)).first()
    except SQLAlchemyError as exc:
        return False, {"database": f"unreachable: {type(exc).__name__}", "migrations": None}
    finally:
        db.session.remove()
    checks: dict[str, Any] = {"database": "ok", "migrations": {"current": current, "head": head}}
    if lease is not None:
        expires = lease.expires_at
        live = expires is not None and expires > utcnow()
        checks["scheduler"] = {"leader": lease.holder if live else None,
                               "lease_until": expires.isoformat() if expires else None}
    else:
        checks["scheduler"] = {"leader": None, "lease_until": None}
    return current == head, checks


def healthz() -> Any:
    """The process is up."""
    return jsonify({"status": "up"})


def readyz() -> Any:
    """The process can serve: 200, or 503 saying which check failed."""
    ready, checks = readiness()
    return jsonify({"ready": ready, **checks}), 200 if ready else 503


def register(app: Flask) -> None:
    """Add the two endpoints, outside every rate limit."""
    app.add_url_rule("/healthz", "healthz", limiter.exempt(healthz))
    app.add_url_rule("/readyz", "readyz", limiter.exempt(readyz))

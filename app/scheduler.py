"""The scheduler (APScheduler 3): its own process (``creditflow scheduler``), or a thread of
``creditflow serve`` on a single machine. Never inside web workers.

Several scheduler processes may run; a lease in the database (``app.services.lease``) makes
exactly one of them the leader, which alone runs the jobs. Jobs live in a database job store, by
reference and with explicit ids, so a leader that starts after downtime (or takes over) finds
the missed runs and runs each once (coalescing, generous misfire grace).
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import threading
from typing import Any

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from sqlalchemy.pool import NullPool

from app import jobs
from app import scheduler_lease as lease

log = logging.getLogger("creditflow.scheduler")
JOB_TABLE = "apscheduler_jobs"
DAY = 24 * 3600


def job_specs(app: Flask) -> list[dict[str, Any]]:
    """Every job: id, function by reference, trigger, and how late it may still run."""
    tz = app.config["TIMEZONE"]
    specs = []
    for category, at in app.config["DISCLOSURE_TIMES"].items():
        hour, minute = (int(x) for x in at.split(":"))
        specs.append({"id": f"disclose-daily-{category}", "func": "app.jobs:daily_batch",
                      "args": [category], "trigger": CronTrigger(hour=hour, minute=minute,
                                                                 timezone=tz),
                      "misfire_grace_time": 7 * DAY})
    seconds = app.config["URGENT_SWEEP_SECONDS"]
    specs.append({"id": "disclose-urgent", "func": "app.jobs:urgent_sweep", "args": [],
                  "trigger": IntervalTrigger(seconds=seconds, timezone=tz),
                  "misfire_grace_time": seconds})
    seconds = app.config["RUN_POLL_SECONDS"]
    specs.append({"id": "disclose-requested", "func": "app.jobs:requested_runs", "args": [],
                  "trigger": IntervalTrigger(seconds=seconds, timezone=tz),
                  "misfire_grace_time": seconds})
    hour, minute = (int(x) for x in app.config["EXPIRY_SWEEP_AT"].split(":"))
    specs.append({"id": "expire-listings", "func": "app.jobs:expiry_sweep", "args": [],
                  "trigger": CronTrigger(hour=hour, minute=minute, timezone=tz),
                  "misfire_grace_time": 7 * DAY})
    hour, minute = (int(x) for x in app.config["REMINDER_SCAN_AT"].split(":"))
    specs.append({"id": "reminder-scan", "func": "app.jobs:reminder_scan", "args": [],
                  "trigger": CronTrigger(hour=hour, minute=minute, timezone=tz),
                  "misfire_grace_time": DAY})
    specs.append({"id": "prune-proofs", "func": "app.jobs:prune_old_proofs", "args": [],
                  "trigger": CronTrigger(hour=3, minute=0, timezone=tz),
                  "misfire_grace_time": DAY})
    seconds = app.config["NOTIFY_SECONDS"]
    specs.append({"id": "send-notifications", "func": "app.jobs:send_notifications", "args": [],
                  "trigger": IntervalTrigger(seconds=seconds, timezone=tz),
                  "misfire_grace_time": seconds})
    return specs


def build_scheduler(app: Flask) -> BackgroundScheduler:
    """A scheduler with the database job store, coalescing missed runs into one."""
    # NullPool: the store's few queries need no pool, and APScheduler disposes the engine
    # before its thread has stopped, which would strand a pooled connection.
    options = {**app.config["SQLALCHEMY_ENGINE_OPTIONS"], "poolclass": NullPool}
    options.pop("pool_pre_ping", None)
    store = SQLAlchemyJobStore(url=app.config["SQLALCHEMY_DATABASE_URI"], tablename=JOB_TABLE,
                               engine_options=options)
    return BackgroundScheduler(
        jobstores={"default": store},
        timezone=app.config["TIMEZONE"],
        job_defaults={"coalesce": True, "max_instances": 1},
    )


def start_jobs(app: Flask, holder: str | None = None) -> BackgroundScheduler:
    """Start the scheduler with its jobs; keep stored jobs (and their missed runs) unchanged."""
    jobs.bind(app, holder)
    scheduler = build_scheduler(app)
    scheduler.start(paused=True)
    for spec in job_specs(app):
        existing = scheduler.get_job(spec["id"])
        if existing is None or str(existing.trigger) != str(spec["trigger"]):
            scheduler.add_job(replace_existing=True, **spec)
    scheduler.resume()
    log.info("scheduler leading with %d jobs", len(scheduler.get_jobs()))
    return scheduler


class Leadership:
    """Hold the lease while alive; run the jobs only while holding it."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.scheduler: BackgroundScheduler | None = None
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None  # inside `serve`: the thread it runs on

    def tick(self) -> bool:
        """Renew or take the lease; start or stop the jobs to match. True while leading."""
        with self.app.app_context():
            try:
                leading = lease.try_acquire(lease.SCHEDULER, self.holder,
                                            int(self.app.config["LEASE_SECONDS"]))
            except Exception:  # the database is away: we cannot prove we lead
                log.exception("lease renewal failed")
                leading = False
        if leading and self.scheduler is None:
            print(f"creditflow scheduler {self.holder}: leading", flush=True)
            self.scheduler = start_jobs(self.app, self.holder)
        elif not leading and self.scheduler is not None:
            print(f"creditflow scheduler {self.holder}: lost the lease, standing by", flush=True)
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
        return leading

    def run(self) -> None:
        """Tick until stopped, then give the lease up."""
        interval = float(self.app.config["LEASE_RENEW_SECONDS"])
        print(f"creditflow scheduler {self.holder}: started", flush=True)
        while not self.stop.is_set():
            self.tick()
            self.stop.wait(interval)
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=True)
            self.scheduler = None
        with self.app.app_context():
            lease.release(lease.SCHEDULER, self.holder)


def start_in_process(app: Flask) -> Leadership:
    """The scheduler as a daemon thread of ``creditflow serve``."""
    leadership = Leadership(app)
    leadership.thread = threading.Thread(target=leadership.run, name="scheduler", daemon=True)
    leadership.thread.start()
    return leadership


def run_forever(app: Flask) -> None:
    """``creditflow scheduler``: lead or stand by until SIGTERM or SIGINT."""
    leadership = Leadership(app)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: leadership.stop.set())
    leadership.run()

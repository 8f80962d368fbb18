"""The scheduler process (APScheduler 3). Jobs push an app context and call one service each.

Jobs are added by the disclosure pipeline; until then the scheduler runs with none.
"""

from __future__ import annotations

import signal
import threading

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask


def build_scheduler(app: Flask) -> BackgroundScheduler:
    """A scheduler in the detachment's time zone with coalescing and a misfire grace period."""
    return BackgroundScheduler(
        timezone=app.config["TIMEZONE"],
        job_defaults={"coalesce": True, "misfire_grace_time": 3600, "max_instances": 1},
    )


def start_in_process(app: Flask) -> BackgroundScheduler:
    """Start the scheduler beside the web service (single-machine ``creditflow serve``)."""
    scheduler = build_scheduler(app)
    scheduler.start()
    app.logger.info("scheduler started in-process with %d jobs", len(scheduler.get_jobs()))
    return scheduler


def run_forever(app: Flask) -> None:
    """Run the scheduler alone until SIGTERM or SIGINT."""
    scheduler = build_scheduler(app)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    scheduler.start()
    print(f"creditflow scheduler running with {len(scheduler.get_jobs())} jobs", flush=True)
    stop.wait()
    scheduler.shutdown()

"""What the operator sees of every process: log lines with time, level, the process's role and
the request's id (plain text or JSON lines), an access log, request counts and latency for
/metrics, and optionally Sentry.

Each entry point configures logging once for its role (``web`` for ``serve`` and the WSGI
workers, ``scheduler``, ``cli`` for the other commands); the request hooks are installed by the
app factory for every app.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
import uuid
from typing import Any

from flask import Flask, Response, g, has_request_context, request
from prometheus_client import CollectorRegistry, Counter, Histogram
from pythonjsonlogger.json import JsonFormatter

ACCESS = logging.getLogger("creditflow.access")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")  # an id a proxy sent is kept if it is sane
TEXT = "%(asctime)s %(levelname)s [%(role)s %(request_id)s] %(name)s: %(message)s"
FIELDS = "%(asctime)s %(levelname)s %(role)s %(request_id)s %(name)s %(message)s"

# Per process; with several gunicorn workers set PROMETHEUS_MULTIPROC_DIR (docs/deploy.md) and
# /metrics adds the workers up. Labels are bounded: the view's endpoint, never the path.
REGISTRY = CollectorRegistry()
REQUESTS = Counter("creditflow_http_requests", "HTTP requests answered",
                   ["method", "endpoint", "status"], registry=REGISTRY)
LATENCY = Histogram("creditflow_http_request_seconds", "Time to answer an HTTP request",
                    ["endpoint"], registry=REGISTRY,
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class Context(logging.Filter):
    """Adds the process's role and the request's id (``-`` outside a request)."""

    def __init__(self, role: str) -> None:
        super().__init__()
        self.role = role

    def filter(self, record: logging.LogRecord) -> bool:
        record.role = self.role
        record.request_id = (g.get("request_id", "-") if has_request_context() else "-")
        return True


def configure_logging(config: Any, role: str) -> None:
    """Log lines of this process to standard error, at ``LOG_LEVEL``, as text or JSON lines
    (``LOG_FORMAT``); replaces what an earlier call installed. Starts Sentry when
    ``SENTRY_DSN`` is set."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(Context(role))
    if config["LOG_FORMAT"] == "json":
        handler.setFormatter(JsonFormatter(FIELDS, rename_fields={"asctime": "time",
                                                                  "levelname": "level",
                                                                  "name": "logger"},
                                           json_ensure_ascii=False))
    else:
        handler.setFormatter(logging.Formatter(TEXT))
    handler.set_name("creditflow")
    root = logging.getLogger()
    # Ours from an earlier call, and a plain console handler someone else installed (Alembic's
    # logging set-up during `db upgrade` adds one): each line is written once, in our format.
    for old in [h for h in root.handlers
                if h.get_name() == "creditflow" or type(h) is logging.StreamHandler]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(config["LOG_LEVEL"])
    ACCESS.disabled = not config["ACCESS_LOG"]
    if config["SENTRY_DSN"]:
        start_sentry(config, role)


def start_sentry(config: Any, role: str) -> None:
    """Errors and error log lines to Sentry (the `sentry` extra); no personal data sent."""
    import sentry_sdk  # checked at start: the setting needs the extra
    from sentry_sdk.integrations.flask import FlaskIntegration

    sentry_sdk.init(dsn=config["SENTRY_DSN"], environment=config["SENTRY_ENVIRONMENT"],
                    integrations=[FlaskIntegration()], send_default_pii=False,
                    server_name=f"{os.uname().nodename}:{role}")


def install(app: Flask) -> None:
    """Give every request an id (``X-Request-ID``, kept from a proxy when sane), and log and
    count it when answered."""
    app.before_request(_start)
    app.after_request(_finish)


def _start() -> None:
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
    g.started = time.perf_counter()


def _finish(response: Response) -> Response:
    response.headers["X-Request-ID"] = g.get("request_id", "-")
    seconds = time.perf_counter() - g.get("started", time.perf_counter())
    endpoint = request.url_rule.endpoint if request.url_rule is not None else "unmatched"
    method = request.method if request.method in METHODS else "OTHER"
    REQUESTS.labels(method, endpoint, str(response.status_code)).inc()
    LATENCY.labels(endpoint).observe(seconds)
    ACCESS.info("%s %s %s %d %.1fms", request.remote_addr, method, request.path,
                response.status_code, seconds * 1000)
    return response

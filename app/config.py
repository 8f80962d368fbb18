"""Configuration: defaults here, overridden by ``CREDITFLOW_*`` environment variables.

Every number a regulation sets lives here with its source, so that nobody has to hunt for it
in the code. Values in the environment are parsed as JSON where they can be, so
``CREDITFLOW_PUBLICITY_MONTHS='{"general": [3, 12]}'`` works.
"""

from __future__ import annotations

import json
import os
from typing import Any

from flask import Config

DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": None,  # generated into the instance folder when not given
    # The key of the audit trail's HMACs (app/services/audit.py). Keep it outside the database
    # and its backups (an environment variable or the instance folder): whoever holds both can
    # rewrite the trail undetected. Generated into the instance folder when not given.
    "AUDIT_KEY": None,
    "DATABASE_URL": None,  # default: SQLite file in the instance folder
    "TIMEZONE": "Asia/Shanghai",
    # Publicity window of a listing by level, in months from the decision date:
    # (minimum before restoration may be requested, maximum after which publicity ends).
    # NDRC Order No. 36 (2025) 《信用修复管理办法》, in force 2026-04-01.
    "PUBLICITY_MONTHS": {"minor": [0, 3], "general": [3, 12], "serious": [12, 36]},
    # Minor (轻微) penalties are not published in principle (Order No. 36); true publishes them,
    # for at most PUBLICITY_MONTHS["minor"][1] months.
    "PUBLISH_MINOR_PENALTIES": False,
    # Disclosure deadlines in working days after the decision (国办发〔2018〕118号).
    "DISCLOSURE_WORKDAYS": {"penalty": 7, "licensing": 7, "inspection": 20, "coercive_measure": 20},
    # Withdrawal or correction of a published decision: 3 working days from the revoking
    # decision (行政处罚法 2021 第48条 "三日内撤回"; 第85条: "三日" are working days).
    "WITHDRAWAL_WORKDAYS": 3,
    # A restoration decision is due this many working days after the application (Order No. 36).
    "RESTORATION_DECISION_WORKDAYS": 10,
    # Policy: stop-business orders and licence revocations decided before this date stay
    # published and cannot be restored (发改办财金〔2019〕527号). Empty string switches it off.
    "RESTORATION_BAR_BEFORE": "2023-01-01",
    # Optional local policy: no restoration within N days of the last one, and at most
    # M restorations in 5 years. 0 switches each rule off (no national limit exists).
    "RESTORATION_COOLDOWN_DAYS": 0,
    "RESTORATION_MAX_IN_5_YEARS": 0,
    # The authority that publishes (处罚机关 / 许可机关 / 数据来源单位 in the 双公示 fields).
    "AUTHORITY_NAME": "天津市东丽区消防救援支队",
    "AUTHORITY_USCC": "11120110MB1234567C",  # set the detachment's real code
    # The detachment's telephone for questions, printed on notices and shown on the
    # self-service (empty: not printed; set it before printing notices).
    # The number of a 信用修复决定书: {year} of the decision and {id} of the application.
    "DECISION_NO_FORMAT": "东消信修决字〔{year}〕{id}号",
    "CONTACT_PHONE": "",
    # The scheduler runs inside `creditflow serve` unless this is false (scaled-out setups).
    "SCHEDULER_IN_SERVE": True,
    # Disclosure: the publisher (`file` or `http`), its settings, batch size and retry timing.
    "PUBLISHER": "file",
    "OUTBOX_DIR": None,  # default: <instance>/outbox
    "PLATFORM_URL": "",
    "PLATFORM_SECRET": "",
    "PLATFORM_CONNECT_TIMEOUT": 5,
    "PLATFORM_READ_TIMEOUT": 30,
    "PLATFORM_ATTEMPTS": 5,
    "BATCH_SIZE": 10000,
    "DELIVERY_LEASE_SECONDS": 600,
    "RETRY_BASE_SECONDS": 60,
    # Daily batch time per category (HH:MM, Asia/Shanghai); the urgent sweep runs every
    # URGENT_SWEEP_SECONDS; the expiry sweep at EXPIRY_SWEEP_AT.
    "DISCLOSURE_TIMES": {
        "penalty": "01:00",
        "licensing": "01:10",
        "inspection": "01:20",
        "coercive_measure": "01:30",
    },
    "URGENT_SWEEP_SECONDS": 900,
    "EXPIRY_SWEEP_AT": "00:30",
    # The scheduler's leader lease: renewed every LEASE_RENEW_SECONDS, lost after LEASE_SECONDS.
    "LEASE_SECONDS": 45,
    "LEASE_RENEW_SECONDS": 15,
    # Staff sign-in: a per-address rate limit, and a per-account lockout after failures.
    "LOGIN_RATE_LIMIT": "10 per minute",
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_LOCKOUT_MINUTES": 15,
    # Where Flask-Limiter keeps its counters; memory is per process, use redis:// when several
    # web processes serve one district.
    "RATELIMIT_STORAGE_URI": "memory://",
    # Browser sessions: signed cookie, not readable by scripts, sent on same-site requests only;
    # set CREDITFLOW_SESSION_COOKIE_SECURE=true when the service is behind HTTPS.
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    # Unit self-service: sign-in with the code and the access code of the listing notice,
    # limited per address and per 统一社会信用代码, and locked per unit after repeated failures.
    "ACCESS_RATE_LIMIT": "10 per minute",
    "ACCESS_CODE_RATE_LIMIT": "5 per minute",
    "ACCESS_MAX_FAILURES": 5,
    "ACCESS_LOCKOUT_MINUTES": 30,
    # Proofs uploaded with an application: PDF, JPEG or PNG (by content), stored outside the
    # web root (default <instance>/uploads) under random names.
    "UPLOAD_DIR": None,
    "UPLOAD_MAX_BYTES": 5 * 1024 * 1024,
    "UPLOAD_MAX_FILES": 5,
    "MAX_CONTENT_LENGTH": 26 * 1024 * 1024,  # a request larger than all files together: 413
    # Reminders by email: the SMTP server (empty host: reminders wait in the outbox), the
    # sender, the staff mailbox for due dates, when to scan and how often to send.
    "SMTP_HOST": "",
    "SMTP_PORT": 25,
    "SMTP_USER": "",
    "SMTP_PASSWORD": "",
    "SMTP_STARTTLS": False,
    # TLS from the first byte (port 465) instead of STARTTLS; either way the server's
    # certificate is verified (system CAs, or SMTP_CA_FILE for an intranet's own CA).
    "SMTP_IMPLICIT_TLS": False,
    # /metrics: a bearer token it asks for, and the networks it answers (comma-separated
    # CIDR); both empty: open, counts only.
    "METRICS_TOKEN": "",
    "METRICS_NETWORKS": "",
    # API tokens expire this many days after they are issued (0: never).
    "TOKEN_DAYS": 365,
    # Proofs: removed this many days after their application was withdrawn, rejected or
    # closed; at most this many bytes kept per unit; applications per unit and hour.
    "PROOF_RETENTION_DAYS": 180,
    "UNIT_UPLOAD_QUOTA_BYTES": 50 * 1024 * 1024,
    "APPLY_RATE_LIMIT": "10 per hour",
    "SMTP_CA_FILE": "",
    "SMTP_TIMEOUT": 10,
    "MAIL_FROM": "creditflow@localhost",
    "STAFF_EMAIL": "",
    # The service's public address: links in reminders, and the self-service address printed
    # with its QR code on notices. Set it to the address units reach the service at.
    "BASE_URL": "http://127.0.0.1:8000",
    "REMINDER_SCAN_AT": "08:00",
    "REMINDER_DUE_WORKDAYS": 2,
    "NOTIFY_SECONDS": 60,
    "NOTIFY_ATTEMPTS": 5,
    # Public lookup: per-address rate limit, how long browsers and proxies may cache an
    # answer, and how long records of categories without a statutory period stay public
    # (months from the decision; penalties follow PUBLICITY_MONTHS or their listing).
    "PUBLIC_RATE_LIMIT": "60 per minute",
    "PUBLIC_MONTHS": {"inspection": 36, "coercive_measure": 36, "licensing": 36},
    # Languages of the pages: Simplified Chinese first, English available.
    "LANGUAGES": ["zh", "en"],
    # PostgreSQL ends a transaction left idle this long (0: never); no use case keeps one
    # open across the network, so only a paused or hung process ever reaches it.
    "DB_IDLE_IN_TRANSACTION_SECONDS": 60,
}


def load(instance_path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the configuration: defaults, then the environment, then explicit overrides."""
    cfg = Config(instance_path)
    cfg.update(DEFAULTS)
    cfg.from_prefixed_env("CREDITFLOW")
    if overrides:
        cfg.update(overrides)
    if not cfg.get("DATABASE_URL"):
        cfg["DATABASE_URL"] = "sqlite:///" + os.path.join(instance_path, "creditflow.db")
    if not cfg.get("OUTBOX_DIR"):
        cfg["OUTBOX_DIR"] = os.path.join(instance_path, "outbox")
    if not cfg.get("UPLOAD_DIR"):
        cfg["UPLOAD_DIR"] = os.path.join(instance_path, "uploads")
    cfg["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(cfg["DATABASE_URL"])
    cfg["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        cfg["SQLALCHEMY_DATABASE_URI"], int(cfg["DB_IDLE_IN_TRANSACTION_SECONDS"])
    )
    return dict(cfg)


def normalise_database_url(url: str) -> str:
    """Point plain ``postgresql://`` URLs at psycopg 3, the driver we ship."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def engine_options(url: str, idle_in_transaction_seconds: int = 60) -> dict[str, Any]:
    """Engine options per backend: a busy timeout for SQLite; for PostgreSQL a pre-ping, and
    a server-side end to a transaction left idle (a process paused mid-transaction, say a
    stopped scheduler, would otherwise hold its row locks, the leader lease's among them, and
    keep its successor waiting)."""
    # JSON columns keep Chinese as written (the disclosure payloads are stored text).
    common = {"json_serializer": _json_dumps}
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}, **common}
    idle = f"-c idle_in_transaction_session_timeout={idle_in_transaction_seconds * 1000}"
    return {"pool_pre_ping": True, "connect_args": {"options": idle}, **common}


def _json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

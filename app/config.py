"""Configuration: every setting once, with its type, its default and (for a number a regulation
sets) its source; overridden by ``CREDITFLOW_*`` environment variables.

Values in the environment are read as JSON where they can be, so
``CREDITFLOW_PUBLICITY_MONTHS='{"general": [3, 12]}'`` works; a table of values (by category or
tier) is merged over its default, so naming one entry keeps the others. Every value is checked
when a process starts: a setting that cannot be used stops the start with one line naming it
(``ConfigError``), and ``creditflow config check`` prints what a process would run with.
"""

from __future__ import annotations

import difflib
import importlib.util
import ipaddress
import json
import os
import re
import secrets
import tempfile
from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Config, Flask
from limits import parse_many
from limits.storage import SCHEMES as LIMIT_STORES
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from app import uscc
from app.publishers import PUBLISHERS
from app.storage import STORAGES
from app.workflows.vocabulary import CATEGORIES, DISCLOSURE_CATEGORIES, TIERS

PREFIX = "CREDITFLOW"


class ConfigError(Exception):
    """A setting that cannot be used; the message names it and says why."""


# -- checks of single values ------------------------------------------------------------------

def _rate_limit(value: str) -> None:
    try:
        parse_many(value)
    except ValueError:
        raise ValidationError(f"{value!r} is not a rate limit such as '10 per minute'") from None


def _zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"unknown time zone {value!r}") from None


def _database_url(value: str) -> None:
    try:
        url = make_url(value)
    except ArgumentError:
        raise ValidationError("not a database URL such as postgresql://user@host/db") from None
    if url.get_backend_name() not in ("sqlite", "postgresql", "postgres"):
        raise ValidationError(f"database {url.get_backend_name()!r}: use sqlite or postgresql")


def _limit_store(value: str) -> None:
    scheme = value.split("://", 1)[0] if "://" in value else ""
    if scheme not in LIMIT_STORES:
        raise ValidationError("not a rate-limit store such as memory:// or redis://host:6379")


def _networks(value: str) -> None:
    for part in filter(None, (p.strip() for p in value.split(","))):
        try:
            ipaddress.ip_network(part, strict=False)
        except ValueError:
            raise ValidationError(f"{part!r} is not a network such as 10.0.0.0/8") from None


def _iso_date(value: str) -> None:
    if value:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise ValidationError(f"{value!r} is not a date such as 2023-01-01") from None


CLOCK = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="not a time of day such as 01:30")
URL = validate.Regexp(r"^https?://[^\s/]+", error="not an address such as https://host/path")
NOT_NEGATIVE = validate.Range(min=0)
POSITIVE = validate.Range(min=1)


def _optional(check: validate.Validator) -> Any:
    """A check that an empty value (the setting switched off) passes."""
    return lambda value: None if value in ("", None) else check(value)


class Table(fields.Dict):
    """A value per term of a vocabulary (categories, tiers): every term present, no other."""

    def __init__(self, terms: tuple[str, ...], values: fields.Field, **kwargs: Any) -> None:
        super().__init__(keys=fields.String(validate=validate.OneOf(terms)), values=values,
                         **kwargs)
        self.terms = terms

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        result = super()._deserialize(value, attr, data, **kwargs)
        missing = [t for t in self.terms if t not in result]
        if missing:
            raise ValidationError(f"missing {', '.join(missing)}")
        return result


class Secret(fields.String):
    """A key: at least 16 characters when given."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_none=True, validate=_optional(validate.Length(min=16)), **kwargs)


def _months_pair(value: list[int]) -> None:
    if len(value) != 2 or value[0] > value[1]:
        raise ValidationError("give [minimum, maximum] months, minimum not above maximum")


PLACEHOLDER_AUTHORITY_USCC = "11120110MB1234567C"
SECRET_MIN_LENGTH = 16


def _valid_uscc(value: str) -> None:
    try:
        code = uscc.validate(value)
    except uscc.InvalidUSCC as exc:
        raise ValidationError(f"not a valid 统一社会信用代码 ({exc.reason}): {value!r}") from exc
    if code != value:
        raise ValidationError(f"write the code as {code} (no spaces, upper case)")


class Settings(Schema):
    """Every setting of the service, with its default."""

    # Keys, one for every process and host (the same value everywhere). The embedded default
    # (SQLite) makes both in the instance folder on first start; with PostgreSQL they must be
    # given. AUDIT_KEY is the key of the audit trail's HMACs (app/services/audit/): keep it
    # outside the database and its backups; whoever holds both can rewrite the trail undetected.
    SECRET_KEY = Secret(load_default=None)
    AUDIT_KEY = Secret(load_default=None)
    DATABASE_URL = fields.String(load_default=None, allow_none=True, validate=_database_url)
    TIMEZONE = fields.String(load_default="Asia/Shanghai", validate=_zone)
    # Publicity window of a listing by level, in months from the decision date:
    # (minimum before restoration may be requested, maximum after which publicity ends).
    # NDRC Order No. 36 (2025) 《信用修复管理办法》, in force 2026-04-01.
    PUBLICITY_MONTHS = Table(
        TIERS.values, fields.List(fields.Integer(validate=NOT_NEGATIVE), validate=_months_pair),
        load_default={"minor": [0, 3], "general": [3, 12], "serious": [12, 36]})
    # Which basis allows which listing level: a listing of a level needs at least one basis
    # record of a kind listed here (a penalty by its publicity tier, or "coercive_measure").
    # 过惩相当 (国办发〔2020〕49号 第(十一)项: the measure fits the seriousness of the act): a
    # listing is never graver than the gravest decision it rests on; a serious listing needs a
    # serious penalty. The law leaves the table to the authority: change it with its source.
    LISTING_BASIS = Table(
        TIERS.values, fields.List(fields.String(validate=validate.OneOf(
            [*TIERS.values, "coercive_measure"])), validate=validate.Length(min=1)),
        load_default={"minor": ["minor", "general", "serious", "coercive_measure"],
                      "general": ["general", "serious", "coercive_measure"],
                      "serious": ["serious"]})
    # Minor (轻微) penalties are not published in principle (Order No. 36); true publishes them,
    # for at most PUBLICITY_MONTHS["minor"][1] months.
    PUBLISH_MINOR_PENALTIES = fields.Boolean(load_default=False)
    # Disclosure deadlines in working days after the decision (国办发〔2018〕118号).
    # A listing's own item: as a penalty decision, 7 working days (the listing is a decision
    # on the same record; no rule at hand sets another).
    DISCLOSURE_WORKDAYS = Table(DISCLOSURE_CATEGORIES.values, fields.Integer(validate=POSITIVE),
                                load_default={"penalty": 7, "licensing": 7, "inspection": 20,
                                              "coercive_measure": 20, "listing": 7})
    # Withdrawal or correction of a published decision: 3 working days from the revoking
    # decision (行政处罚法 2021 第48条 "三日内撤回"; 第85条: "三日" are working days).
    WITHDRAWAL_WORKDAYS = fields.Integer(load_default=3, validate=POSITIVE)
    # A restoration decision is due this many working days after the application (Order No. 36).
    RESTORATION_DECISION_WORKDAYS = fields.Integer(load_default=10, validate=POSITIVE)
    # From this month the work queue says so while next year's official schedule is missing
    # (the State Council publishes it in the autumn: 2026's came on 2025-11-04).
    CALENDAR_WARN_FROM_MONTH = fields.Integer(load_default=11, validate=validate.Range(1, 12))
    # A bar on restoring stop-business orders and licence revocations decided before this date
    # (empty: none, the default). NDRC Order No. 58 (2023) and Order No. 36 (2025) 第2条 allow a
    # bar only where a law, an administrative regulation or central policy sets one, so a bar
    # is set with the source that sets it (RESTORATION_BAR_SOURCE, named in every refusal).
    RESTORATION_BAR_BEFORE = fields.String(load_default="", validate=_iso_date)
    RESTORATION_BAR_SOURCE = fields.String(load_default="", validate=validate.Length(max=200))
    # Optional local policy: no restoration within N days of the last one, and at most
    # M restorations in 5 years. 0 switches each rule off (no national limit exists).
    RESTORATION_COOLDOWN_DAYS = fields.Integer(load_default=0, validate=NOT_NEGATIVE)
    RESTORATION_MAX_IN_5_YEARS = fields.Integer(load_default=0, validate=NOT_NEGATIVE)
    # A minor (轻微) penalty is one the simplified procedure could decide (行政处罚法 2021 第51条:
    # a warning, or a fine up to CNY 200 for a citizen and CNY 3,000 for a legal person or
    # other organisation); a larger fine, or any other kind, is not minor. Yuan, by subject.
    MINOR_FINE_LIMITS = fields.Dict(
        keys=fields.String(validate=validate.OneOf(["person", "organisation"])),
        values=fields.Decimal(places=2, validate=validate.Range(min=0)),
        load_default={"person": Decimal("200"), "organisation": Decimal("3000")})
    # A fine from this amount (yuan) needs collective deliberation before the decision, like
    # the 三停, 临时查封 and 强制执行 (行政处罚法 2021 第57条; the detachment's practice: the seed
    # report's "3万元及以上罚款"). Entering such a decision asks for the deliberation's reference.
    DELIBERATION_FINE_THRESHOLD = fields.Decimal(load_default=Decimal("30000"), places=2,
                                                 validate=validate.Range(min=0))
    # Objections (异议申诉, 《天津市消防安全领域信用管理暂行办法》 2020, the chapter on objections):
    # the answer is due this many working days after filing (5 is common in provincial rules);
    # whether the contested item is marked "异议处理中" on the public page and in the next
    # disclosure update while it is checked, for which categories ("listing": a listing);
    # objections per address from the public page.
    OBJECTION_WORKDAYS = fields.Integer(load_default=5, validate=POSITIVE)
    OBJECTION_MARK = fields.Boolean(load_default=True)
    OBJECTION_MARK_CATEGORIES = fields.List(
        fields.String(validate=validate.OneOf([*CATEGORIES.values, "listing"])),
        load_default=[*CATEGORIES.values, "listing"])
    OBJECTION_RATE_LIMIT = fields.String(load_default="5 per hour", validate=_rate_limit)
    # The district's streets (街道): a unit's street is one of them (imports check it; empty:
    # any). Dongli's, as the seed report names them and the district's others.
    STREETS = fields.List(fields.String(validate=validate.Length(min=1, max=100)),
                          load_default=["金钟街道", "张贵庄街道", "新立街道", "丰年村街道",
                                        "万新街道", "无瑕街道", "华明街道", "东丽湖街道",
                                        "华新街道", "军粮城街道", "金桥街道"])
    # Spreadsheet imports: the largest file and the most rows taken (a larger one is refused
    # whole, before anything is read into memory).
    IMPORT_MAX_BYTES = fields.Integer(load_default=20 * 1024 * 1024, validate=POSITIVE)
    IMPORT_MAX_ROWS = fields.Integer(load_default=200000, validate=POSITIVE)
    IMPORT_STAGED_HOURS = fields.Integer(load_default=24, validate=POSITIVE)
    # The authority that publishes (处罚机关 / 许可机关 / 数据来源单位 in the 双公示 fields).
    AUTHORITY_NAME = fields.String(load_default="天津市东丽区消防救援支队",
                                   validate=validate.Length(min=1))
    # The placeholder is only for trying the service on the embedded default: a deployment on
    # PostgreSQL refuses to start with it (every published item names this code).
    AUTHORITY_USCC = fields.String(load_default=PLACEHOLDER_AUTHORITY_USCC,
                                   validate=_valid_uscc)
    # The number of a 信用修复决定书: {year} of the decision and {id} of the application.
    DECISION_NO_FORMAT = fields.String(load_default="东消信修决字〔{year}〕{id}号")
    # The detachment's telephone for questions, printed on notices and shown on the
    # self-service (empty: not printed; set it before printing notices).
    CONTACT_PHONE = fields.String(load_default="")
    # The scheduler runs inside `creditflow serve` unless this is false (scaled-out setups).
    SCHEDULER_IN_SERVE = fields.Boolean(load_default=True)
    # Disclosure: the publisher, its settings, batch size and retry timing.
    PUBLISHER = fields.String(load_default="file", validate=validate.OneOf(PUBLISHERS))
    OUTBOX_DIR = fields.String(load_default=None, allow_none=True)  # default <instance>/outbox
    PLATFORM_URL = fields.String(load_default="", validate=_optional(URL))
    # The HMAC key shared with the platform (http publisher: at least SECRET_MIN_LENGTH).
    PLATFORM_SECRET = fields.String(load_default="")
    PLATFORM_CONNECT_TIMEOUT = fields.Float(load_default=5, validate=validate.Range(min=0.1))
    PLATFORM_READ_TIMEOUT = fields.Float(load_default=30, validate=validate.Range(min=0.1))
    BATCH_SIZE = fields.Integer(load_default=10000, validate=POSITIVE)
    DELIVERY_LEASE_SECONDS = fields.Integer(load_default=600, validate=POSITIVE)
    # A delivery is one attempt (one POST, one set of files); after a retryable failure the
    # pipeline tries again RETRY_BASE_SECONDS later, doubling with every failed attempt (up to
    # a quarter more at random), never sooner than the platform's Retry-After asked.
    RETRY_BASE_SECONDS = fields.Integer(load_default=60, validate=POSITIVE)
    # A batch that keeps failing turns `failed` (shown at the head of the admins' work queue,
    # sent again only when an admin retries it) after this many attempts or hours.
    BATCH_GIVE_UP_ATTEMPTS = fields.Integer(load_default=8, validate=POSITIVE)
    BATCH_GIVE_UP_HOURS = fields.Integer(load_default=24, validate=POSITIVE)
    # Daily batch time per category (HH:MM, TIMEZONE); the urgent sweep runs every
    # URGENT_SWEEP_SECONDS; the expiry sweep at EXPIRY_SWEEP_AT.
    DISCLOSURE_TIMES = Table(DISCLOSURE_CATEGORIES.values, fields.String(validate=CLOCK),
                             load_default={"penalty": "01:00", "licensing": "01:10",
                                           "inspection": "01:20", "coercive_measure": "01:30",
                                           "listing": "01:40"})
    URGENT_SWEEP_SECONDS = fields.Integer(load_default=900, validate=POSITIVE)
    # How often the scheduler's leader looks for runs someone asked for ("run now").
    RUN_POLL_SECONDS = fields.Integer(load_default=5, validate=POSITIVE)
    EXPIRY_SWEEP_AT = fields.String(load_default="00:30", validate=CLOCK)
    # The scheduler's leader lease: renewed every LEASE_RENEW_SECONDS, lost after LEASE_SECONDS.
    LEASE_SECONDS = fields.Integer(load_default=45, validate=POSITIVE)
    LEASE_RENEW_SECONDS = fields.Integer(load_default=15, validate=POSITIVE)
    # Staff sign-in: a per-address rate limit, and a lockout after failures.
    LOGIN_RATE_LIMIT = fields.String(load_default="10 per minute", validate=_rate_limit)
    LOGIN_MAX_FAILURES = fields.Integer(load_default=5, validate=POSITIVE)
    LOGIN_LOCKOUT_MINUTES = fields.Integer(load_default=15, validate=POSITIVE)
    # Where Flask-Limiter keeps its counters: memory is per process; give redis://host:6379
    # when several web processes or hosts serve one district (they then share one budget).
    RATELIMIT_STORAGE_URI = fields.String(load_default="memory://", validate=_limit_store)
    # Counters of one deployment in a shared store start with this (several districts may
    # share one Redis); while the store is away each process counts in its own memory
    # rather than failing requests, and goes back to the store when it answers again.
    RATELIMIT_KEY_PREFIX = fields.String(load_default="creditflow")
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = fields.Boolean(load_default=True)
    # Reverse proxies in front of the service that set X-Forwarded-For/-Proto/-Host: how many
    # hops to trust. 0 (default): the headers are ignored and the peer's address is the
    # client's (rate limits and lockouts key on it); set 1 behind one nginx.
    TRUSTED_PROXIES = fields.Integer(load_default=0, validate=validate.Range(min=0, max=5))
    # Browser sessions: signed cookie, not readable by scripts, sent on same-site requests only;
    # set CREDITFLOW_SESSION_COOKIE_SECURE=true when the service is behind HTTPS.
    SESSION_COOKIE_HTTPONLY = fields.Boolean(load_default=True)
    SESSION_COOKIE_SAMESITE = fields.String(load_default="Lax",
                                            validate=validate.OneOf(["Lax", "Strict"]))
    SESSION_COOKIE_SECURE = fields.Boolean(load_default=False)
    PERMANENT_SESSION_LIFETIME = fields.Integer(load_default=8 * 3600, validate=POSITIVE)
    WTF_CSRF_TIME_LIMIT = fields.Integer(load_default=8 * 3600, validate=POSITIVE)
    # Unit self-service: sign-in with the code and the access code of the listing notice,
    # limited per address and per 统一社会信用代码, and locked per unit after repeated failures.
    ACCESS_RATE_LIMIT = fields.String(load_default="10 per minute", validate=_rate_limit)
    ACCESS_CODE_RATE_LIMIT = fields.String(load_default="5 per minute", validate=_rate_limit)
    ACCESS_MAX_FAILURES = fields.Integer(load_default=5, validate=POSITIVE)
    ACCESS_LOCKOUT_MINUTES = fields.Integer(load_default=30, validate=POSITIVE)
    # Where proofs and published batch files are kept: `local` folders (UPLOAD_DIR,
    # OUTBOX_DIR) or `s3`, a bucket of an S3-compatible store (the `s3` extra) that every
    # process and host sees, under S3_PREFIX + "uploads/" and + "outbox/".
    STORAGE = fields.String(load_default="local", validate=validate.OneOf(STORAGES))
    S3_ENDPOINT_URL = fields.String(load_default="", validate=_optional(URL))  # empty: AWS
    S3_BUCKET = fields.String(load_default="")
    S3_PREFIX = fields.String(load_default="creditflow/")
    S3_REGION = fields.String(load_default="")
    S3_ACCESS_KEY_ID = fields.String(load_default="")  # empty: boto3's usual sources
    S3_SECRET_ACCESS_KEY = fields.String(load_default="")
    # Proofs uploaded with an application: PDF, JPEG or PNG (by content), stored outside the
    # web root (default <instance>/uploads) under random names.
    UPLOAD_DIR = fields.String(load_default=None, allow_none=True)
    UPLOAD_MAX_BYTES = fields.Integer(load_default=5 * 1024 * 1024, validate=POSITIVE)
    UPLOAD_MAX_FILES = fields.Integer(load_default=5, validate=POSITIVE)
    # A request larger than all files together: 413.
    MAX_CONTENT_LENGTH = fields.Integer(load_default=26 * 1024 * 1024, validate=POSITIVE)
    # Reminders by email: the SMTP server (empty host: reminders wait in the outbox), the
    # sender, the staff mailbox for due dates, when to scan and how often to send.
    SMTP_HOST = fields.String(load_default="")
    SMTP_PORT = fields.Integer(load_default=25, validate=validate.Range(min=1, max=65535))
    SMTP_USER = fields.String(load_default="")
    SMTP_PASSWORD = fields.String(load_default="")
    SMTP_STARTTLS = fields.Boolean(load_default=False)
    # TLS from the first byte (port 465) instead of STARTTLS; either way the server's
    # certificate is verified (system CAs, or SMTP_CA_FILE for an intranet's own CA).
    SMTP_IMPLICIT_TLS = fields.Boolean(load_default=False)
    SMTP_CA_FILE = fields.String(load_default="")
    SMTP_TIMEOUT = fields.Float(load_default=10, validate=validate.Range(min=0.1))
    MAIL_FROM = fields.String(load_default="creditflow@localhost", validate=validate.Email())
    STAFF_EMAIL = fields.String(load_default="", validate=_optional(validate.Email()))
    # /metrics: a bearer token it asks for, and the networks it answers (comma-separated
    # CIDR); both empty: open, counts only.
    METRICS_TOKEN = fields.String(load_default="")
    METRICS_NETWORKS = fields.String(load_default="", validate=_networks)
    # API tokens expire this many days after they are issued (0: never).
    TOKEN_DAYS = fields.Integer(load_default=365, validate=NOT_NEGATIVE)
    # Proofs: removed this many days after their application was withdrawn, rejected or
    # closed; at most this many bytes kept per unit; applications per unit and hour.
    PROOF_RETENTION_DAYS = fields.Integer(load_default=180, validate=POSITIVE)
    UNIT_UPLOAD_QUOTA_BYTES = fields.Integer(load_default=50 * 1024 * 1024, validate=POSITIVE)
    APPLY_RATE_LIMIT = fields.String(load_default="10 per hour", validate=_rate_limit)
    # Retention: the file publisher's batch files are removed this many days after delivery
    # (the platform has collected them; the batch page still serves the payload from the
    # database); reminder mails lose their address and text this many days after they were
    # written (the record that one was sent stays). 0 keeps them.
    BATCH_FILE_RETENTION_DAYS = fields.Integer(load_default=90, validate=NOT_NEGATIVE)
    REMINDER_RETENTION_DAYS = fields.Integer(load_default=365, validate=NOT_NEGATIVE)
    # The service's public address: links in reminders, and the self-service address printed
    # with its QR code on notices. Set it to the address units reach the service at.
    BASE_URL = fields.String(load_default="http://127.0.0.1:8000", validate=URL)
    REMINDER_SCAN_AT = fields.String(load_default="08:00", validate=CLOCK)
    REMINDER_DUE_WORKDAYS = fields.Integer(load_default=2, validate=NOT_NEGATIVE)
    NOTIFY_SECONDS = fields.Integer(load_default=60, validate=POSITIVE)
    NOTIFY_ATTEMPTS = fields.Integer(load_default=5, validate=POSITIVE)
    # Public lookup: per-address rate limit, and how long records of categories without a
    # statutory period stay public (months from the decision; penalties follow
    # PUBLICITY_MONTHS or their listing).
    PUBLIC_RATE_LIMIT = fields.String(load_default="60 per minute", validate=_rate_limit)
    # A name search counts matches up to this (shown as "more than N"), and its pages end
    # there: a broad term ("公司") never counts or pages through a province's register.
    PUBLIC_COUNT_CAP = fields.Integer(load_default=200, validate=validate.Range(min=20))
    PUBLIC_MONTHS = fields.Dict(
        keys=fields.String(validate=validate.OneOf(CATEGORIES.values)),
        values=fields.Integer(validate=POSITIVE),
        load_default={"inspection": 36, "coercive_measure": 36, "licensing": 36})
    # Languages of the pages: Simplified Chinese first, English available.
    LANGUAGES = fields.List(fields.String(validate=validate.OneOf(["zh", "en"])),
                            load_default=["zh", "en"], validate=validate.Length(min=1))
    # Logs of every process go to standard error: the level, plain text or JSON lines (one
    # object a line, for a log collector), and whether every request is logged (access log).
    LOG_LEVEL = fields.String(load_default="INFO", validate=validate.OneOf(
        ["DEBUG", "INFO", "WARNING", "ERROR"]))
    LOG_FORMAT = fields.String(load_default="text", validate=validate.OneOf(["text", "json"]))
    ACCESS_LOG = fields.Boolean(load_default=True)
    # Errors to a Sentry server (the `sentry` extra; a self-hosted one on an intranet): its
    # DSN, empty: off. No personal data is sent.
    SENTRY_DSN = fields.String(load_default="", validate=_optional(URL))
    SENTRY_ENVIRONMENT = fields.String(load_default="production")
    # PostgreSQL ends a transaction left idle this long (0: never); no use case keeps one
    # open across the network, so only a paused or hung process ever reaches it.
    DB_IDLE_IN_TRANSACTION_SECONDS = fields.Integer(load_default=60, validate=NOT_NEGATIVE)

    @validates_schema
    def _together(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("PUBLISHER") == "http" and not data.get("PLATFORM_URL"):
            raise ValidationError("the http publisher needs the platform's address",
                                  "PLATFORM_URL")
        if data.get("PUBLISHER") == "http" and len(data.get("PLATFORM_SECRET") or "") < \
                SECRET_MIN_LENGTH:
            raise ValidationError(
                f"the http publisher signs every request: set the secret shared with the "
                f"platform (at least {SECRET_MIN_LENGTH} characters)", "PLATFORM_SECRET")
        url = data.get("DATABASE_URL") or ""
        if url.startswith("postgres") and data.get("AUTHORITY_USCC") in (
                None, PLACEHOLDER_AUTHORITY_USCC):
            raise ValidationError(
                "set the detachment's own 统一社会信用代码: every published item names it "
                "(the placeholder only serves a trial on the embedded database)",
                "AUTHORITY_USCC")
        if data.get("RESTORATION_BAR_BEFORE") and not (
                data.get("RESTORATION_BAR_SOURCE") or "").strip():
            raise ValidationError(
                "a restoration bar needs its legal source (the law, regulation or central "
                "policy that sets it): set RESTORATION_BAR_SOURCE", "RESTORATION_BAR_SOURCE")
        if data.get("STORAGE") == "s3":
            if not data.get("S3_BUCKET"):
                raise ValidationError("the s3 storage needs a bucket", "S3_BUCKET")
            if importlib.util.find_spec("boto3") is None:
                raise ValidationError("the s3 storage needs boto3: pip install "
                                      "'creditflow[s3]'", "STORAGE")
        if data.get("SENTRY_DSN") and importlib.util.find_spec("sentry_sdk") is None:
            raise ValidationError("Sentry needs sentry-sdk: pip install 'creditflow[sentry]'",
                                  "SENTRY_DSN")
        if data.get("LEASE_RENEW_SECONDS", 0) >= data.get("LEASE_SECONDS", 1):
            raise ValidationError("must be shorter than LEASE_SECONDS", "LEASE_RENEW_SECONDS")
        if data.get("SMTP_STARTTLS") and data.get("SMTP_IMPLICIT_TLS"):
            raise ValidationError("STARTTLS and implicit TLS exclude each other",
                                  "SMTP_IMPLICIT_TLS")


SCHEMA = Settings()
DEFAULTS: dict[str, Any] = {name: field.load_default for name, field in SCHEMA.fields.items()}
SECRETS = ("SECRET_KEY", "AUDIT_KEY")
# Flask settings that switch a protection off: CSRF on every form, the rate limits.
PROTECTIONS = ("WTF_CSRF_ENABLED", "RATELIMIT_ENABLED")
# Flask's and its extensions' own settings may also come from the environment.
PASSED_THROUGH = re.compile(r"^(RATELIMIT_|WTF_|SESSION_|PREFERRED_URL_SCHEME$|SERVER_NAME$)")


def load(instance_path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The configuration: defaults, then the environment, then explicit overrides, checked.
    Raises ``ConfigError`` naming the first setting that cannot be used."""
    env = Config(instance_path)
    env.from_prefixed_env(PREFIX)
    for name in PROTECTIONS:  # a test switches them off in code, never a deployment
        if name in env and env[name] in (False, 0, "false", "0", "False"):
            raise ConfigError(f"{PREFIX}_{name}: switches a protection off; only the tests "
                              "may do that (in code), a deployment may not")
    for name in env:
        if name not in DEFAULTS and not PASSED_THROUGH.match(name):
            close = difflib.get_close_matches(name, DEFAULTS, n=1)
            hint = f" (did you mean {PREFIX}_{close[0]}?)" if close else ""
            raise ConfigError(f"{PREFIX}_{name}: unknown setting{hint}")
    raw = _merged(DEFAULTS, dict(env))
    extra = dict(overrides or {})
    raw = _merged(raw, {k: v for k, v in extra.items() if k in DEFAULTS})
    try:
        cfg = SCHEMA.load({k: v for k, v in raw.items() if k in DEFAULTS})
    except ValidationError as exc:
        raise ConfigError(_first_error(exc.messages)) from None
    cfg.update({k: v for k, v in raw.items() if k not in DEFAULTS})
    cfg.update({k: v for k, v in extra.items() if k not in DEFAULTS})
    embedded = not cfg.get("DATABASE_URL")
    if embedded:
        cfg["DATABASE_URL"] = "sqlite:///" + os.path.join(instance_path, "creditflow.db")
    for name, folder in (("OUTBOX_DIR", "outbox"), ("UPLOAD_DIR", "uploads")):
        cfg[name] = cfg.get(name) or os.path.join(instance_path, folder)
        if cfg["STORAGE"] == "local":
            _writable(name, cfg[name])
    sqlite = cfg["DATABASE_URL"].startswith("sqlite")
    for name in SECRETS:
        if not cfg.get(name):
            if not sqlite:
                raise ConfigError(f"{PREFIX}_{name}: required with a PostgreSQL database (the "
                                  "same value for every process and host); set it to a long "
                                  "random string, e.g. from `openssl rand -hex 32`")
            cfg[name] = instance_secret(instance_path, name.lower())
    if cfg["SECRET_KEY"] == cfg["AUDIT_KEY"]:
        raise ConfigError(f"{PREFIX}_AUDIT_KEY: must differ from {PREFIX}_SECRET_KEY (whoever "
                          "holds the one must not hold the other)")
    cfg["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(cfg["DATABASE_URL"])
    cfg["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        cfg["SQLALCHEMY_DATABASE_URI"], cfg["DB_IDLE_IN_TRANSACTION_SECONDS"])
    return cfg


def _merged(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """``base`` updated by ``update``; a table given as a dict is merged over its default."""
    result = dict(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = {**result[key], **value}
        else:
            result[key] = value
    return result


def _first_error(messages: Any, name: str = "") -> str:
    """``CREDITFLOW_NAME: why`` from marshmallow's nested messages."""
    if isinstance(messages, dict):
        key, value = next(iter(messages.items()))
        if not name:
            return _first_error(value, str(key))
        return _first_error(value, f"{name}[{key}]" if key != "value" else name)
    if isinstance(messages, list) and messages:
        return _first_error(messages[0], name)
    return f"{PREFIX}_{name}: {messages}"


def _writable(name: str, folder: str) -> None:
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"{PREFIX}_{name}: cannot create {folder} ({exc.strerror})") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ConfigError(f"{PREFIX}_{name}: {folder} is not writable by this process")


def instance_secret(instance_path: str, name: str) -> str:
    """A secret kept in the instance folder, made on first start (the embedded default). Made
    whole before it appears (a hard link never replaces an existing file), so processes
    starting at once all read the one that was written first, never an empty one."""
    path = os.path.join(instance_path, name)
    if not os.path.exists(path):
        fd, draft = tempfile.mkstemp(prefix=f".{name}.", dir=instance_path)
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
            os.link(draft, path)
        except FileExistsError:
            pass  # another process made it first
        finally:
            os.unlink(draft)
    with open(path) as fh:
        return fh.read().strip()


HIDDEN = ("SECRET", "PASSWORD", "TOKEN", "KEY")


def effective(app: Flask) -> list[tuple[str, str, str]]:
    """Every setting of the schema as (name, shown value, where it came from), secrets
    hidden: for ``creditflow config check``."""
    rows = []
    for name in SCHEMA.fields:
        value = app.config.get(name)
        source = "environment" if f"{PREFIX}_{name}" in os.environ else "default"
        if name in SECRETS and f"{PREFIX}_{name}" not in os.environ and value:
            source = "instance folder"
        if any(word in name for word in HIDDEN):
            shown = "(set, hidden)" if value else "(not set)"
        elif name in ("DATABASE_URL", "RATELIMIT_STORAGE_URI") and value:
            shown = _without_password(str(value))
        else:
            shown = json.dumps(value, ensure_ascii=False, default=str)
        rows.append((name, shown, source))
    return rows


def _without_password(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


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

"""The commands of ``creditflow`` (API.md), registered on the app's CLI by the factory: serving,
the scheduler, accounts and tokens, demo data, the holiday calendar, disclosure, records and
the audit trails."""

from __future__ import annotations

import datetime as dt
import json
import signal
import sys
from typing import TextIO

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_migrate import upgrade
from waitress import serve as waitress_serve

from app.config import effective
from app.demo import load_demo, load_year
from app.errors import DomainError
from app.extensions import db
from app.health import readiness
from app.models import Unit
from app.observability import configure_logging
from app.scheduler import run_forever, start_in_process
from app.services.audit import admin_trail
from app.services.audit.admin_trail import CONSOLE
from app.services.audit.unit_trail import check_all
from app.services.base.context import calendar, setting_int
from app.services.casework import importing, sheets
from app.services.casework.records import reclassify_stop_orders
from app.services.disclosure.pipeline import run_by_hand
from app.services.reporting import statistics
from app.services.staff.accounts import create_token, create_user, list_tokens, revoke_token
from app.services.staff.holidays import parse_schedule, set_year_schedule, special_days
from app.workflows.facts import Actor
from app.workflows.vocabulary import ROLES


def register(app: Flask) -> None:
    """Add the commands to the app's CLI (``creditflow`` and ``flask --app app`` alike)."""
    for command in (serve, scheduler_command, users, tokens, demo_data, calendar_group, disclose,
                    records_group, audit_group, config_group, health_command, stats_command,
                    import_command):
        app.cli.add_command(command)


@click.command("serve")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
def serve(host: str, port: int, threads: int) -> None:
    """Upgrade the database, then run the web service and the scheduler in one process."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    upgrade()  # Alembic's own logging set-up replaces the root handlers: configure after it
    configure_logging(app.config, "web")
    _reclassify_stop_orders()
    leadership = start_in_process(app) if app.config["SCHEDULER_IN_SERVE"] else None
    # SIGTERM (systemd, docker stop) ends the server like Ctrl-C: the scheduler thread then
    # gives its lease up, so a standby takes over at once instead of after LEASE_SECONDS.
    signal.signal(signal.SIGTERM, _stop)
    click.echo(f"creditflow serving on http://{host}:{port}/  (API docs: /api/docs)")
    try:
        waitress_serve(app, host=host, port=port, threads=threads)
    except KeyboardInterrupt:
        pass
    finally:
        if leadership is not None:
            leadership.stop.set()
            if leadership.thread is not None:
                leadership.thread.join(timeout=30)


def _stop(*_: object) -> None:
    raise KeyboardInterrupt


def _reclassify_stop_orders() -> None:

    done = reclassify_stop_orders(Actor(None, "creditflow", "system"))
    for key, ids in done.items():
        if ids:
            click.echo(f"stop orders {key} as penalties: {ids}")


@click.group("records", cls=AppGroup)
def records_group() -> None:
    """Enforcement records."""


@records_group.command("reclassify-stop-orders")
def reclassify_command() -> None:
    """Turn records entered as the coercive measure stop_order into the penalties they are
    (run by ``serve`` after every upgrade; idempotent)."""
    _reclassify_stop_orders()


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the scheduler alone (scaled-out deployments; web processes then run without it)."""
    configure_logging(current_app.config, "scheduler")
    run_forever(current_app._get_current_object())  # type: ignore[attr-defined]


@click.group("users", cls=AppGroup)
def users() -> None:
    """Staff accounts."""


@users.command("create")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(ROLES.values))
@click.option("--display-name", default=None)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_create(name: str, role: str, display_name: str | None, password_stdin: bool) -> None:
    """Create a staff account; the password comes from a prompt or standard input."""

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        create_user(name, role, password, display_name)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"created {role} {name}")


@click.group("tokens", cls=AppGroup)
def tokens() -> None:
    """API tokens."""


@tokens.command("create")
@click.argument("name")
@click.option("--label", default="api", show_default=True, help="What the token is for.")
@click.option("--days", type=int, default=None,
              help="Days until it expires (default TOKEN_DAYS, 365; 0: never).")
def tokens_create(name: str, label: str, days: int | None) -> None:
    """Print a new API token for user NAME (shown once; only its hash is stored)."""

    try:
        click.echo(create_token(name, label, days))
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc


@tokens.command("list")
def tokens_list() -> None:
    """Every token: id, user, label, created, expires, last used, revoked."""

    def day(value: object) -> str:
        return f"{value:%Y-%m-%d %H:%M}" if value else "-"

    click.echo("id\tuser\tlabel\tcreated\texpires\tlast used\trevoked")
    for row in list_tokens():
        click.echo(f"{row.id}\t{row.user.username}\t{row.name}\t{day(row.created_at)}\t"
                   f"{day(row.expires_at)}\t{day(row.last_used_at)}\t{day(row.revoked_at)}")


@tokens.command("revoke")
@click.argument("token_id", type=int)
def tokens_revoke(token_id: int) -> None:
    """Revoke the token TOKEN_ID (see ``tokens list``): it opens nothing from now on."""

    try:
        revoke_token(token_id)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"token {token_id} revoked")


@click.command("demo-data")
@with_appcontext
@click.option("--units", "unit_count", default=300, show_default=True, type=int)
@click.option("--seed", default=2023, show_default=True, type=int)
@click.option("--year", type=click.IntRange(2020, 2099), default=None,
              help="Build the district whose year gives the annual report's figures (2023: "
                   "the seed report) instead of a random one.")
def demo_data(unit_count: int, seed: int, year: int | None) -> None:
    """Load a demo district: a random one (Dongli streets, records, listings at every stage),
    or with --year the one whose figures are the annual report's."""
    summary = load_year(year) if year else load_demo(unit_count, seed)
    for key, value in summary.items():
        click.echo(f"{key}: {value}")


@click.group("calendar", cls=AppGroup)
def calendar_group() -> None:
    """The working-day calendar (official schedules by year)."""


@calendar_group.command("load")
@click.argument("year", type=int)
@click.argument("schedule", type=click.File("r", encoding="utf-8"))
def calendar_load(year: int, schedule: TextIO) -> None:
    """Enter YEAR's official schedule from a file of `YYYY-MM-DD,holiday|workday[,name]`."""

    try:
        counts = set_year_schedule(year, parse_schedule(schedule.read()))
    except DomainError as exc:
        raise click.ClickException(f"{exc.message} {exc.errors}") from exc
    click.echo(f"{year} entered; deadlines firmed up: {counts['records']} records, "
               f"{counts['items']} queued items, "
               f"{counts['requests']} restoration requests")


@calendar_group.command("show")
@click.argument("year", type=int)
def calendar_show(year: int) -> None:
    """Print YEAR's days off and adjusted working days, and where they come from."""

    click.echo(f"{year}: {calendar().source(year)}")
    for day, kind in special_days(year):
        click.echo(f"{day.isoformat()} {kind}")


@click.group("disclose", cls=AppGroup)
def disclose() -> None:
    """The disclosure pipeline."""


@disclose.command("run")
@click.option("--category", type=click.Choice(["inspection", "penalty", "coercive_measure",
                                                "licensing"]), default=None)
def disclose_run(category: str | None) -> None:
    """Claim pending items into batches and deliver them now (all categories by default)."""

    summary = run_by_hand(CONSOLE, category)
    for name, count in sorted(summary.delivered.items()):
        click.echo(f"{name}: {count} batches, {summary.items[name]} items delivered")
    for batch_id in summary.superseded:
        click.echo(f"{batch_id}: taken over by another run while this one delivered it; "
                   "its outcome is that run's")
    for batch_id in summary.overtaken:
        click.echo(f"{batch_id}: not sent, every item was overtaken by a newer delivered one")
    if summary.refused_items:
        click.echo(f"the platform refused {summary.refused_items} items (shown on their "
                   "batches' pages)")
    if summary.failed:
        raise click.ClickException(f"{len(summary.failed)} batches failed: {summary.failed}")
    if not summary.delivered and not summary.superseded and not summary.overtaken:
        click.echo("nothing to deliver")


@click.group("audit", cls=AppGroup)
def audit_group() -> None:
    """The audit trail."""


PROBLEMS = {
    "link": "event {at} was changed (its keyed hash does not match)",
    "head": "the unit's chain head does not match its newest event (events deleted or added)",
    "seal": "the chain head's seal does not match (the head was moved back, or the key differs)",
    "status": "the credit status differs from the newest event's (changed behind the trail)",
}


@audit_group.command("verify")
def audit_verify() -> None:
    """Check every unit's audit chain under the audit key; exit 1 on any break."""
    units = events = 0
    broken = []
    for check in check_all():
        units, events = units + 1, events + check.events
        if not check.valid:
            broken.append(check)
            unit = db.session.get_one(Unit, check.unit_id)
            problem = PROBLEMS[check.problem or ""].format(at=check.at)
            click.echo(f"unit {unit.uscc} ({unit.name}): {problem}")
    trail = admin_trail.check()
    if not trail.valid:
        broken.append(trail)
        click.echo("administration trail: " + PROBLEMS[trail.problem or ""].format(at=trail.at))
    click.echo(f"{units} units, {events} events checked; administration trail: {trail.events} "
               f"events; {len(broken)} chains broken")
    if broken:
        sys.exit(1)



@click.command("import")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=False), required=False)
@click.option("--dry-run", is_flag=True, help="Check every row and report; import nothing.")
@click.option("--template", "template_to", type=click.Path(dir_okay=False), default=None,
              help="Write the template to fill in to this .xlsx file and stop.")
def import_command(file: str | None, dry_run: bool, template_to: str | None) -> None:
    """Import units and records from a spreadsheet (.xlsx, or .csv in UTF-8 or GB18030) made
    on the template: all or nothing; rows already imported are skipped."""
    if template_to:
        with open(template_to, "wb") as out:
            out.write(sheets.template())
        click.echo(f"template written to {template_to}")
        return
    if not file:
        raise click.UsageError("give the FILE to import (or --template FILE)")
    with open(file, "rb") as fh:
        data = fh.read(setting_int("IMPORT_MAX_BYTES") + 1)
    try:
        report = importing.import_file(CONSOLE, data, file, dry_run=dry_run)
    except DomainError as exc:
        click.echo(f"refused: {exc.message}", err=True)
        sys.exit(2)
    for problem in report.problems:
        click.echo(f"{problem.sheet} row {problem.row}, {problem.column}: {problem.message}")
    if report.problem_count > len(report.problems):
        click.echo(f"… and {report.problem_count - len(report.problems)} more problems")
    for note in report.notes:
        where = f"{note.sheet} row {note.row}" if note.row else note.sheet
        click.echo(f"{where}: {note.message}")
    for example in report.examples:
        click.echo(f"{example.sheet} row {example.row}: the template's example, left out "
                   "(delete it)")
    for sheet, rows in report.rows.items():
        unpublished = report.unpublished.get(sheet, 0)
        click.echo(f"{sheet}: {rows} rows, {report.new.get(sheet, 0)} new, "
                   f"{report.already.get(sheet, 0)} already imported"
                   + (f", {unpublished} of the new not published (minor, or their publicity "
                      "has already ended)" if unpublished else ""))
    if not report.ok:
        click.echo(f"{report.problem_count} problems: nothing imported", err=True)
        sys.exit(1)
    click.echo("imported" if report.imported else "checked: nothing imported (dry run)"
               if dry_run else "nothing new to import")


@click.command("stats")
@with_appcontext
@click.option("--year", type=int, default=None)
@click.option("--quarter", type=click.IntRange(1, 4), default=None)
@click.option("--month", type=click.IntRange(1, 12), default=None)
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--street", default=None, help="Only units of this street.")
@click.option("--json", "as_json", is_flag=True, help="The figures as one JSON object.")
def stats_command(year: int | None, quarter: int | None, month: int | None,
                  start: dt.datetime | None, end: dt.datetime | None, street: str | None,
                  as_json: bool) -> None:
    """The figures of a period (a year, a quarter, a month or two dates): the annual report's
    enforcement paragraph and the credit work."""
    try:
        period = statistics.period_of(year, quarter, month, start and start.date(),
                                      end and end.date())
    except DomainError as exc:
        raise click.UsageError(exc.message) from None
    found = statistics.figures(period, street)
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    click.echo(f"{period.label}" + (f" · {street}" if street else ""))
    click.echo(statistics.paragraph(found["enforcement"]))
    for key, value in found["credit"].items():
        click.echo(f"  {key}: {value}")


@click.command("health")
@with_appcontext
@click.option("--scheduler", "need_leader", is_flag=True,
              help="Also require a scheduler holding a live lease (somewhere).")
def health_command(need_leader: bool) -> None:
    """What /readyz answers, for processes without HTTP (the scheduler's container or unit):
    one JSON line; exit 0 when ready, 1 otherwise."""
    ready, checks = readiness()
    if need_leader and not (checks.get("scheduler") or {}).get("leader"):
        ready = False
    click.echo(json.dumps({"ready": ready, **checks}, ensure_ascii=False, default=str))
    if not ready:
        sys.exit(1)


@click.group("config", cls=AppGroup)
def config_group() -> None:
    """The configuration."""


@config_group.command("check")
def config_check() -> None:
    """Check every setting (a process refuses to start otherwise) and print what this
    process runs with, secrets hidden."""
    rows = effective(current_app)
    width = max(len(name) for name, _, _ in rows)
    for name, shown, source in rows:
        click.echo(f"{name:<{width}}  {shown}  [{source}]")
    click.echo("configuration ok")

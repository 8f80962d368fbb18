"""Administration: staff accounts and roles, the holiday calendar, publisher settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.errors import DomainError
from app.models.notifications import NOTIFICATION_STATUSES
from app.services.audit import admin_trail
from app.services.base.context import calendar, setting_str
from app.services.notifications import mailbox
from app.services.staff import accounts, holidays, signin
from app.web.forms import VersionForm
from app.web.forms_admin import CalendarForm, UserCreateForm, UserEditForm
from app.web.pages import apply_error, form_page, page_args, page_count, submitted
from app.web.security import current_actor, staff_page
from app.web.staff.blueprint import bp

SHOWN_SETTINGS = (
    "PUBLISHER", "OUTBOX_DIR", "PLATFORM_URL", "PLATFORM_CONNECT_TIMEOUT",
    "PLATFORM_READ_TIMEOUT", "BATCH_GIVE_UP_ATTEMPTS", "BATCH_SIZE", "DISCLOSURE_TIMES",
    "URGENT_SWEEP_SECONDS", "EXPIRY_SWEEP_AT", "RETRY_BASE_SECONDS", "SCHEDULER_IN_SERVE",
    "DISCLOSURE_WORKDAYS", "WITHDRAWAL_WORKDAYS", "PUBLICITY_MONTHS",
    "RESTORATION_DECISION_WORKDAYS", "AUTHORITY_NAME", "AUTHORITY_USCC",
)


@bp.route("/admin/users", methods=["GET", "POST"])
@staff_page("manage_accounts")
def user_list() -> Any:
    """Every account, and a form to create one."""
    form = UserCreateForm()
    if submitted(form, lambda: accounts.create_user(
            form.username.data or "", form.role.data or "", form.password.data or "",
            form.display_name.data, current_actor()), _("账户已创建。")):
        return redirect(url_for("staff.user_list"))
    return form_page("admin/users.html", form, users=accounts.list_users(),
                     locked=signin.locked_usernames())


@bp.route("/admin/users/<id:user_id>", methods=["GET", "POST"])
@staff_page("manage_accounts")
def user_edit(user_id: int) -> Any:
    """Change a user's role, name, active flag or password; saving also clears a lockout."""
    user = accounts.get_user(user_id)
    form = UserEditForm(obj=user if request.method == "GET" else None)
    if submitted(form, lambda: accounts.update_user(
            current_actor(), user.id, form.role.data or "", bool(form.active.data),
            form.display_name.data, form.new_password.data or None),
            _("账户已更新。")):
        return redirect(url_for("staff.user_list"))
    return form_page("admin/user_edit.html", form, user=user,
                     locked=signin.locked_pairs(user.username))


@bp.route("/admin/calendar", methods=["GET", "POST"])
@staff_page("manage_calendar")
def calendar_page() -> Any:
    """A year's days off and adjusted working days, and entering the official schedule."""
    raw = request.args.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2099 else _now().year + 1
    form = CalendarForm(year=year)
    if form.validate_on_submit():
        try:
            year = int(form.year.data or year)
            counts = holidays.set_year_schedule(year, holidays.parse_schedule(form.schedule.data),
                                               current_actor())
        except DomainError as exc:
            apply_error(form, exc)
            if "days" in exc.errors:
                form.schedule.errors = [*form.schedule.errors, *exc.errors["days"]]
        else:
            message = _("%(year)d 年安排已录入；已确定 %(records)d 条记录和 "
                        "%(requests)d 个修复申请的期限。", year=year, **counts)
            flash(message, "success")
            return redirect(url_for("staff.calendar_page", year=year))
    return form_page("admin/calendar.html", form, year=year, days=holidays.special_days(year),
                     source=calendar().source(year))


@bp.route("/admin/trail")
@staff_page("read_administration")
def admin_trail_page() -> Any:
    """The administration trail, newest first: accounts, tokens, calendar, batch actions;
    and whether its chain verifies."""
    page, per_page = page_args(request.args, 50)
    rows, total = admin_trail.events(page, per_page)
    return render_template("admin/trail.html", events=rows, page=page,
                           pages=page_count(total, per_page),
                           chain=admin_trail.check())


@bp.route("/admin/reminders")
@staff_page("manage_reminders")
def reminder_list() -> Any:
    """Reminder mails with their status, tries and last error; failed ones can be retried."""
    page, per_page = page_args(request.args, 50)
    status = request.args.get("status")
    status = status if status in NOTIFICATION_STATUSES else None
    rows, total = mailbox.reminders(status, page, per_page)
    return render_template("admin/reminders.html", rows=rows, page=page, status=status,
                           pages=page_count(total, per_page), counts=mailbox.status_counts(),
                           statuses=NOTIFICATION_STATUSES, button=VersionForm(),
                           mail_server=setting_str("SMTP_HOST") != "")


@bp.route("/admin/reminders/<id:note_id>/retry", methods=["POST"])
@staff_page("manage_reminders")
def reminder_retry(note_id: int) -> Any:
    """Send a failed reminder again at the next send."""
    if VersionForm().validate_on_submit():
        try:
            mailbox.retry_reminder(note_id, current_actor())
        except DomainError as exc:
            apply_error(None, exc)
        else:
            flash(_("已安排重新发送该提醒邮件。"), "success")
    return redirect(url_for("staff.reminder_list", status="failed"))


@bp.route("/admin/settings")
@staff_page("read_administration")
def settings_page() -> Any:
    """Publisher and deadline settings as running (they change through CREDITFLOW_*)."""
    shown = {k: current_app.config.get(k) for k in SHOWN_SETTINGS}
    shown["PLATFORM_SECRET"] = "••••••" if current_app.config.get("PLATFORM_SECRET") else ""
    return render_template("admin/settings.html", settings=shown)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)

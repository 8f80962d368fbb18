"""Staff sign-in, sign-out and password change."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from app.errors import DomainError
from app.extensions import limiter
from app.services.base.context import setting_str
from app.services.staff import signin
from app.web.forms import LoginForm, PasswordForm, VersionForm
from app.web.pages import apply_error, error_page, fresh_session, safe_next, status_of
from app.web.security import StaffUser, staff_page

bp = Blueprint("auth", __name__)
bp.register_error_handler(Exception, error_page)  # errors on these pages are pages too


def _login_limit() -> str:
    return setting_str("LOGIN_RATE_LIMIT")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> Any:
    """Sign in with username and password; repeated failures lock the account for a while."""
    if current_user.is_authenticated:
        return redirect(url_for("staff.queue"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = signin.authenticate(form.username.data or "", form.password.data or "",
                                       get_remote_address())
        except DomainError as exc:
            apply_error(form, exc)
            status = status_of(exc)
        else:
            fresh_session()  # nothing of the anonymous session (its CSRF token) carries over
            login_user(StaffUser(user))
            session.permanent = True  # ends after PERMANENT_SESSION_LIFETIME
            return redirect(safe_next(request.args.get("next"), url_for("staff.queue")))
    elif form.is_submitted():
        status = 422
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    """Sign out (a form button, so that a link cannot sign anyone out)."""
    form = VersionForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            signin.end_sessions(current_user.id)  # a copied cookie opens nothing afterwards
        logout_user()
        fresh_session()
        flash(_("已退出登录。"), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@staff_page()
def password() -> Any:
    """Change one's own password; other sessions of the account end."""
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            user = signin.change_password(
                current_user.id, form.current_password.data or "", form.new_password.data or ""
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            login_user(StaffUser(user))  # this session carries the new epoch
            flash(_("密码已修改。"), "success")
            return redirect(url_for("staff.queue"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/password.html", form=form), status

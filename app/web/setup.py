"""Setting up the browser side: staff pages, sign-in, the self-service, the public pages,
languages, error pages; independent of the JSON API."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app import responders, routing
from app.services.base.context import setting_str, today
from app.web import auth, forms_record, i18n, printing, public, selfservice
from app.web.pages import error_page, safe_next
from app.web.security import csrf, login_manager
from app.web.staff import bp as staff
from app.workflows import policy, publicity, record_kinds

# The pages' blueprints: CSRF protects their forms, and only theirs (the API uses tokens).
PAGES = (auth.bp, staff, selfservice.bp, public.bp)


def init_web(app: Flask) -> None:
    """Bind Babel, CSRF and Flask-Login, register the page blueprints and the error pages."""
    routing.install(app)  # before the routes that use it
    lifetime = app.config["PERMANENT_SESSION_LIFETIME"]
    app.permanent_session_lifetime = dt.timedelta(seconds=lifetime)
    i18n.babel.init_app(app, default_locale="zh", locale_selector=i18n.select_locale)
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # checked below, for the pages only
    csrf.init_app(app)
    app.before_request(_protect_forms)
    login_manager.init_app(app)
    login_manager.login_message = i18n._l("请先登录。")
    login_manager.login_message_category = "info"
    for blueprint in PAGES:
        app.register_blueprint(blueprint)
    responders.add(app, error_page)  # every request that is not another face's: a page
    app.add_url_rule("/", "home", _home)
    app.add_url_rule("/lang/<code>", "set_language", _set_language)
    app.context_processor(_template_globals)
    app.add_template_filter(_localtime, "localtime")
    app.add_template_filter(i18n.tr, "tr")  # a service message in the page's language
    app.jinja_env.globals["label"] = i18n.label  # a global: macros see it too
    app.jinja_env.globals["may"] = _may
    app.jinja_env.globals["record_details"] = forms_record.record_details
    app.jinja_env.globals["record_categories"] = tuple(record_kinds.KINDS)
    app.jinja_env.globals["self_service_url"] = printing.self_service_url
    app.jinja_env.globals["qr_svg"] = printing.qr_svg
    # A penalty's own publicity moves in the unit's audit chain under these triggers.
    app.jinja_env.globals["record_triggers"] = publicity.TRIGGERS
    app.after_request(_no_store_for_staff)


def _protect_forms() -> None:
    """Every form the pages receive carries its CSRF token (Flask-WTF)."""
    if current_app.config.get("WTF_CSRF_ENABLED", True) and request.blueprint in _PAGE_NAMES:
        csrf.protect()


_PAGE_NAMES = frozenset(blueprint.name for blueprint in PAGES)


def _home() -> str:
    """The start page for everybody: look a unit up, a unit's self-service, staff sign-in."""
    return render_template("start.html", authority=setting_str("AUTHORITY_NAME"))


def _set_language(code: str) -> Response:
    """Switch the pages' language and go back where the visitor was."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(safe_next(request.args.get("next"), url_for("home")))


def _may(use_case: str) -> bool:
    """Whether the signed-in staff member may carry out ``use_case`` (the policy's table)."""
    return bool(current_user.is_authenticated) and policy.may(current_user.role, use_case)


def _template_globals() -> dict[str, Any]:
    return {
        "lang": i18n.lang(),
        "current_user": current_user,
        "today": _today(),
        "now_utc": dt.datetime.now(dt.UTC),
        "contact_phone": current_app.config.get("CONTACT_PHONE") or "",
    }


def _localtime(value: dt.datetime | None) -> str:
    """A stored UTC time shown in the detachment's time zone."""
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(setting_str("TIMEZONE"))).strftime("%Y-%m-%d %H:%M")


def _today() -> dt.date:
    return today()


def _no_store_for_staff(response: Response) -> Response:
    """Staff pages carry personal data and access codes: never cached by a browser or proxy."""
    if request.blueprint in ("staff", "auth"):
        response.headers["Cache-Control"] = "no-store"
    return response

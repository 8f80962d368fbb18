"""Public credit lookup (``/public``): search units by name or code, see a unit's public page.

No sign-in; rate limited per address. Answers may be kept by browsers and proxies but are
revalidated on every visit (``app.freshness``): an ended listing or a withdrawn record is
gone at once, and the page says as of when it is shown.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from app.errors import DomainError, ValidationFailed
from app.extensions import limiter
from app.freshness import etag_of, not_modified, revalidate, unchanged
from app.publishers.fields import plain
from app.services.base.context import setting_int, setting_str, today
from app.services.online import objections, public
from app.web.forms_unit import ObjectionForm
from app.web.i18n import lang, tr
from app.web.pages import (
    apply_error,
    error_page,
    form_page,
    page_args,
    page_count,
    received_files,
    upload_limits,
)
from app.workflows.facts import Actor

bp = Blueprint("public", __name__, url_prefix="/public")
bp.register_error_handler(Exception, error_page)
limiter.limit(lambda: setting_str("PUBLIC_RATE_LIMIT"))(bp)


@bp.route("/")
def search() -> Any:
    """Search by a part of the name or the full 统一社会信用代码."""
    q = (request.args.get("q") or "").strip()[:100]
    page, per_page = page_args(request.args)
    found, error = public.SearchPage([], 0, False), None
    if q:
        try:
            found = public.search(q, page, per_page)
        except ValidationFailed as exc:
            error = tr(exc.message)
    return render_template("public/search.html", q=q, items=found.items, total=found.total,
                           capped=found.capped, page=page,
                           pages=page_count(found.total, per_page), error=error), (
                               422 if error else 200)


@bp.route("/units/<uscc>")
def unit(uscc: str) -> Any:
    """A unit's public page: listed or not, and its disclosed records still public."""
    data = public.unit_page(uscc)
    etag = etag_of(data, lang(), today().isoformat())
    if unchanged(etag):
        return not_modified(etag, _scope())
    as_of = dt.datetime.now(ZoneInfo(setting_str("TIMEZONE"))).strftime("%Y-%m-%d %H:%M")
    for record in data["records"]:  # in words, not the exchange format's field names
        record["plain"] = plain(record["fields"])
    page = make_response(render_template("public/unit.html", unit=data, as_of=as_of))
    return revalidate(page, etag, _scope())


@bp.route("/units/<uscc>/objections/new", methods=["GET", "POST"])
@limiter.limit(lambda: setting_str("OBJECTION_RATE_LIMIT"), methods=["POST"])
def objection(uscc: str) -> Any:
    """Anyone may contest what is published of a unit (异议), giving a name and a telephone;
    no captcha: the form is rate limited per address."""
    unit = objections.public_unit(uscc)
    item = objections.contested_item(unit, request.args.get("target", "record"),
                                     request.args.get("id", type=int))
    form = ObjectionForm()
    if form.validate_on_submit():
        name = (form.contact_name.data or "").strip()
        try:
            objections.file_objection(
                Actor(None, name[:100], "public"), unit.id, item.target, item.id,
                form.claim.data or "", form.expected.data, name, form.contact_phone.data or "",
                received_files(), "public")
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("异议已提交，本机关将在 %(n)s 个工作日内核查并通过您留下的电话联系答复。",
                    n=setting_int("OBJECTION_WORKDAYS")), "success")
            return redirect(url_for("public.unit", uscc=unit.uscc))
    return form_page("objection_new.html", form, unit=unit, item=item, who="public",
                     due=objections.deadline_if_filed_today(), **upload_limits())


def _scope() -> str:
    """A visitor with a session (signed in, or a chosen language) gets a private copy."""
    return "private" if session else "public"


@bp.after_request
def _vary(response: Any) -> Any:
    """Public answers differ by language and by session; search pages revalidate too."""
    response.headers["Vary"] = "Accept-Language, Cookie"
    if response.status_code == 200 and "ETag" not in response.headers:
        response.headers["Cache-Control"] = f"{_scope()}, no-cache"
    return response

"""Public credit lookup (``/public``): search units by name or code, see a unit's public page.

No sign-in; rate limited per address. Answers may be kept by browsers and proxies but are
revalidated on every visit (``app.freshness``): an ended listing or a withdrawn record is
gone at once, and the page says as of when it is shown.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, make_response, render_template, request, session

from app.errors import ValidationFailed
from app.extensions import limiter
from app.freshness import etag_of, not_modified, revalidate, unchanged
from app.services.base.context import today
from app.services.online import public
from app.web.i18n import lang, tr
from app.web.pages import error_page, page_args, page_count

bp = Blueprint("public", __name__, url_prefix="/public")
bp.register_error_handler(Exception, error_page)
limiter.limit(lambda: current_app.config["PUBLIC_RATE_LIMIT"])(bp)


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
    as_of = dt.datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).strftime("%Y-%m-%d %H:%M")
    page = make_response(render_template("public/unit.html", unit=data, as_of=as_of))
    return revalidate(page, etag, _scope())


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

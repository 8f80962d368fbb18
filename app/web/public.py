"""Public credit lookup (``/public``): search units by name or code, see a unit's public page.

No sign-in; rate limited per address; answers may be cached by browsers and proxies for
``PUBLIC_CACHE_SECONDS`` (what the public sees changes at most with each disclosure batch).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request, session

from app.errors import ValidationFailed
from app.extensions import limiter
from app.services.online import public
from app.web.i18n import tr
from app.web.pages import error_page, page_args, page_count

bp = Blueprint("public", __name__, url_prefix="/public")
bp.register_error_handler(Exception, error_page)
limiter.limit(lambda: current_app.config["PUBLIC_RATE_LIMIT"])(bp)


@bp.route("/")
def search() -> Any:
    """Search by a part of the name or the full 统一社会信用代码."""
    q = (request.args.get("q") or "").strip()[:100]
    page, per_page = page_args(request.args)
    items: list[dict[str, Any]] = []
    total, error = 0, None
    if q:
        try:
            items, total = public.search(q, page, per_page)
        except ValidationFailed as exc:
            error = tr(exc.message)
    return render_template("public/search.html", q=q, items=items, total=total, page=page,
                           pages=page_count(total, per_page), error=error), (
                               422 if error else 200)


@bp.route("/units/<uscc>")
def unit(uscc: str) -> Any:
    """A unit's public page: listed or not, and its disclosed records still public."""
    data = public.unit_page(uscc)
    return render_template("public/unit.html", unit=data)


@bp.after_request
def _cacheable(response: Any) -> Any:
    """Public answers may be cached a while; they differ by language."""
    if response.status_code == 200:
        seconds = int(current_app.config["PUBLIC_CACHE_SECONDS"])
        # A visitor who is signed in (or chose a language) gets a copy for their browser only.
        scope = "private" if session else "public"
        response.headers["Cache-Control"] = f"{scope}, max-age={seconds}"
        response.headers["Vary"] = "Accept-Language, Cookie"
    return response

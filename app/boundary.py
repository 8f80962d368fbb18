"""The one boundary every request crosses before any view, for the API and the pages alike:
what no view should ever see is refused here with a 400, so nothing a client sends can reach
the database as a crash (PostgreSQL refuses NUL in text; deep JSON exhausts the parser)."""

from __future__ import annotations

import json
import os
from typing import Any

from flask import Flask, Response, abort, request, send_from_directory

from app.i18n import N_

MAX_JSON_DEPTH = 32
CONTROL = N_("请求中含有不允许的控制字符（NUL）。")
BAD_JSON = N_("请求体不是有效的 JSON：格式错误、嵌套过深或数字过长。")


# Only the service's own assets; no page may be framed. The API's docs page (Swagger UI,
# served locally) starts itself with an inline script, so it alone may run inline code.
CSP = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'")
DOCS_CSP = CSP.replace("default-src 'self'", "default-src 'self'; script-src 'self' "
                       "'unsafe-inline'; style-src 'self' 'unsafe-inline'")
FAVICON = os.path.join(os.path.dirname(__file__), "static")


def install(app: Flask) -> None:
    """Check every request before its view, and give every response its security headers."""
    app.before_request(refuse_malformed)
    app.after_request(security_headers)
    app.add_url_rule("/favicon.ico", "favicon", favicon)


def security_headers(response: Response) -> Response:
    """Framing refused, a Content-Security-Policy of the service's own assets, no referrer
    leaving the site, no type sniffing; HSTS when the request came over HTTPS."""
    headers = response.headers
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Content-Security-Policy",
                       DOCS_CSP if request.path.startswith("/api/docs") else CSP)
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def favicon() -> Response:
    """The icon browsers ask for at the root (the pages link the same SVG)."""
    return send_from_directory(FAVICON, "favicon.svg", mimetype="image/svg+xml", max_age=86400)


def refuse_malformed() -> None:
    """NUL in the path, the query string or a form field; JSON that is malformed, nested
    deeper than ``MAX_JSON_DEPTH``, has an integer too long to read, or carries NUL."""
    if "\x00" in request.path or _any_nul(request.args.items(multi=True)):
        abort(400, description=CONTROL)
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        if _any_nul(request.form.items(multi=True)):
            abort(400, description=CONTROL)
    elif request.is_json and request.content_length:
        try:
            data = json.loads(request.get_data(cache=True))
        except (ValueError, RecursionError):  # ValueError: bad JSON or an int of 4300+ digits
            abort(400, description=BAD_JSON)
        if not _sound(data):
            abort(400, description=BAD_JSON)


def _any_nul(pairs: Any) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in pairs)


def _sound(data: Any) -> bool:
    """Nested at most ``MAX_JSON_DEPTH`` deep and without NUL in any string (iterative)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return False
        if isinstance(value, str) and "\x00" in value:
            return False
        if isinstance(value, dict):
            stack.extend((k, depth + 1) for k in value)
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return True

"""The one boundary every request crosses before any view, for the API and the pages alike:
what no view should ever see is refused here with a 400, so nothing a client sends can reach
the database as a crash (PostgreSQL refuses NUL in text; deep JSON exhausts the parser)."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, abort, request

from app.i18n import N_

MAX_JSON_DEPTH = 32
CONTROL = N_("请求中含有不允许的控制字符（NUL）。")
BAD_JSON = N_("请求体不是有效的 JSON：格式错误、嵌套过深或数字过长。")


def install(app: Flask) -> None:
    """Check every request before its view."""
    app.before_request(refuse_malformed)


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

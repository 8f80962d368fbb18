"""Public answers that are never stale: each carries an ETag computed from the data it shows,
and ``Cache-Control: no-cache``, so a browser or proxy may keep a copy but must ask again each
time; an unchanged answer costs a 304, a changed one (a listing ended, a record withdrawn) is
seen at once. Shared by the public pages and the public API."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import Response, current_app, request


def etag_of(data: Any, *variant: str) -> str:
    """A strong validator of ``data`` (JSON-ready) and the variant it is shown in (language)."""
    body = json.dumps([data, *variant], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(body.encode()).hexdigest()[:32]


def json_answer(data: Any, *variant: str) -> Response:
    """``data`` (JSON-ready) as a JSON response under an ETag of its own bytes and the variant,
    serialised once (as ``jsonify`` would); a 304 when the client holds this version."""
    body = current_app.json.dumps(data) + "\n"
    mac = hashlib.sha256(body.encode())
    for part in variant:
        mac.update(b"\0" + part.encode())
    etag = mac.hexdigest()[:32]
    if unchanged(etag):
        return not_modified(etag)
    return revalidate(current_app.response_class(body, mimetype="application/json"), etag)


def unchanged(etag: str) -> bool:
    """The client already holds this version (``If-None-Match``)."""
    return etag in request.if_none_match


def not_modified(etag: str, scope: str = "public") -> Response:
    """The 304 for a client that holds the current version."""
    return revalidate(Response(status=304), etag, scope)


def revalidate(response: Response, etag: str, scope: str = "public") -> Response:
    """Mark ``response`` as cacheable only with revalidation, under ``etag``."""
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"{scope}, no-cache"
    return response

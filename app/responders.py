"""Errors that no view handled, answered in the form of the face the request came to.

The JSON API registers a responder for its paths, the pages one for everything else; neither
knows of the other, and they may register in either order. The one app-wide error handler
(installed with the first responder) picks the responder whose path prefixes match the request,
else the default one; without any, an HTTP error answers as Werkzeug's and anything else as a
plain 500.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, request
from werkzeug.exceptions import HTTPException, InternalServerError

Responder = Callable[[Exception], Any]
_KEY = "responders"


def add(app: Flask, responder: Responder, paths: tuple[str, ...] | None = None) -> None:
    """Answer errors of requests under ``paths`` (None: every other request) with
    ``responder``."""
    if _KEY not in app.extensions:
        app.extensions[_KEY] = []
        app.register_error_handler(Exception, respond)
    app.extensions[_KEY].append((paths, responder))


def respond(exc: Exception) -> Any:
    """The answer to an error no view handled."""
    chosen: Responder | None = None
    for paths, responder in current_app.extensions.get(_KEY, []):
        if paths is not None and request.path.startswith(paths):
            return responder(exc)
        if paths is None and chosen is None:
            chosen = responder
    if chosen is not None:
        return chosen(exc)
    if isinstance(exc, HTTPException):
        return exc
    current_app.logger.exception("unhandled error")
    return InternalServerError()

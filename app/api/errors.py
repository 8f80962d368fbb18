"""The one place that maps errors to HTTP: ``{"code", "message", "errors"}`` bodies."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, jsonify
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from app import errors, responders


def body(code: str, message: str, field_errors: dict[str, Any] | None = None, **extra: Any):
    """The error body every API error uses."""
    return {"code": code, "message": message, "errors": field_errors or {}, **extra}


def flatten(messages: Any) -> dict[str, Any]:
    """webargs nests errors by location (``{"json": {...}}``); clients want the fields."""
    if isinstance(messages, dict):
        out: dict[str, Any] = {}
        for location, fields in messages.items():
            if isinstance(fields, dict):
                out.update(fields)
            else:
                out[location] = fields
        return out
    return {"_schema": messages}


# Chinese first for the errors Werkzeug raises (its own texts are English).
HTTP_MESSAGES = {
    400: "请求格式有误（例如不是有效的 JSON）。",
    404: "未找到请求的地址或对象。",
    405: "该地址不支持此请求方法。",
    413: "请求内容过大。",
    415: "不支持的请求内容类型。",
    429: "请求过于频繁，请稍后再试。",
}


def http_error(error: HTTPException) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Werkzeug and webargs errors (404 route, 405, 400 bad JSON, 422 schema) in our format."""
    data = getattr(error, "data", None) or {}
    field_errors = flatten(data.get("errors") or data.get("messages") or {})
    code = (error.name or "error").lower().replace(" ", "_")
    message = str(data.get("message") or HTTP_MESSAGES.get(error.code or 0) or error.description)
    if error.code == 422:
        code, message = "validation_failed", data.get("message") or "请求内容有误。"
    headers = dict(data.get("headers") or {})
    # Werkzeug's own headers of the error (``Allow`` on a 405, ``Retry-After`` on a 429).
    headers.update((k, v) for k, v in error.get_headers() if k.lower() != "content-type")
    return body(code, message, field_errors), error.code or 500, headers


PATHS = ("/api/", "/metrics")


def respond(exc: Exception) -> Any:
    """An error of an API request as the JSON error body (``app.responders``)."""
    if isinstance(exc, errors.DomainError):
        status = errors.http_status(exc)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
        return jsonify(body(exc.code, exc.message, exc.errors, **exc.extra)), status, headers
    if isinstance(exc, StaleDataError):
        return jsonify(body("stale_version", "该单位已被他人同时修改，请刷新后重试。")), 409
    if isinstance(exc, OperationalError) and "locked" in str(exc.orig).lower():
        return jsonify(body("busy", "数据库繁忙，请稍后重试。")), 503
    if isinstance(exc, HTTPException):
        payload, status, headers = http_error(exc)
        return jsonify(payload), status, headers
    current_app.logger.exception("unhandled error")
    return jsonify(body("internal_error", "服务器内部错误，已记录。")), 500


def register(app: Flask) -> None:
    """Answer the errors of API requests with JSON bodies."""
    responders.add(app, respond, PATHS)

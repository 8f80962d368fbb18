"""What every page view shares: service errors onto forms, error pages, safe redirects."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app, flash, g, render_template, request, send_file, session
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from app import errors
from app.i18n import N_
from app.models import ObjectionFile, RestorationFile, RestorationRequest
from app.services.base.context import setting_int, setting_str
from app.services.credit import restoration
from app.services.online import uploads
from app.web.i18n import lang, tr
from app.workflows.guards import Unmet
from app.workflows.messages import render


def apply_error(form: FlaskForm | None, exc: errors.DomainError) -> None:
    """Put a service error on the form's fields where it names them, else above the form."""
    g.form_status = status_of(exc)
    if isinstance(exc, errors.StaleVersion):
        flash(_("该单位已被他人修改：页面已刷新为最新内容，请核对后重新提交。"), "error")
        return
    unmet = exc.extra.get("unmet")
    if unmet:  # guards that do not hold: each message in the page's language
        for u in unmet:
            params = {k: v for k, v in u.items() if k not in ("code", "message")}
            flash(render(Unmet(u["code"], params), lang()), "error")
        return
    placed = False
    for name, messages in (exc.errors or {}).items():
        field = getattr(form, name, None) if form is not None else None
        if field is not None and hasattr(field, "errors"):
            if not isinstance(field.errors, list):
                field.errors = list(field.errors)
            field.errors.extend(tr(m) for m in messages)
            placed = True
    if not placed or not isinstance(exc, errors.ValidationFailed):
        flash(tr(exc.message), "error")


status_of = errors.http_status


ERROR_TEXTS = {
    400: N_("请求有误，请返回上一页重试（表单可能已过期）。"),
    403: N_("您没有权限访问此页面。"),
    404: N_("未找到请求的页面或对象。"),
    405: N_("该地址不支持此请求方法。"),
    413: N_("提交的内容过大。"),
    423: N_("账户已暂时锁定。"),
    429: N_("请求过于频繁，请稍后再试。"),
    500: N_("服务器内部错误，已记录。"),
}


def error_page(exc: Exception) -> tuple[str, int]:
    """An error as an HTML page in the page's language."""
    if isinstance(exc, errors.DomainError):
        status, message = status_of(exc), tr(exc.message)
    elif isinstance(exc, CSRFError):
        status, message = 400, _("页面已过期或来源不明，请刷新页面后重新提交。")
    elif isinstance(exc, HTTPException):
        status = exc.code or 500
        message = tr(ERROR_TEXTS.get(status, ERROR_TEXTS[400]))
    else:
        current_app.logger.exception("unhandled error on a page")
        status, message = 500, tr(ERROR_TEXTS[500])
    return render_template("error.html", status=status, message=message), status


def fresh_session() -> None:
    """Start a new session at sign-in and sign-out, keeping only the chosen language."""
    chosen = session.get("lang")
    session.clear()
    if chosen:
        session["lang"] = chosen


def safe_next(target: str | None, default: str) -> str:
    """A local path to go back to; anything pointing elsewhere falls back to ``default``."""
    if not target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return default  # absent, or carrying a line break or another control character
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def page_args(args: Any, per_page: int = 20) -> tuple[int, int]:
    """``page`` from the query string, bounded; garbage means page 1."""
    raw = str(args.get("page", "1"))
    page = int(raw) if raw.isdigit() and len(raw) < 7 else 1
    return max(page, 1), per_page


def form_page(template: str, form: FlaskForm, **context: Any) -> tuple[str, int]:
    """Render a form page: 200 when first shown, 422 (or the service's status) when refused."""
    status = g.get("form_status", 422) if form.is_submitted() else 200
    return render_template(template, form=form, **context), status


def submitted(form: FlaskForm, action: Callable[[], Any], done: str) -> bool:
    """Validate ``form``, run ``action`` (one service call) and flash ``done``.

    False when the form or the service refused; the errors are then on the form.
    """
    if not form.validate_on_submit():
        return False
    try:
        action()
    except errors.DomainError as exc:
        apply_error(form, exc)
        return False
    flash(done, "success")
    return True


def decided(form: Any, approve: Callable[[], Any], reject: Callable[[str], Any],
            approved: str, rejected: str) -> bool:
    """A supervisor's decision (``DecisionForm``): run ``approve`` or ``reject`` with the
    reason and flash what happened. False when the form or the service refused."""
    if not form.validate_on_submit():
        return False
    try:
        if form.decision.data == "approve":
            approve()
        else:
            reject(form.reason.data or "")
    except errors.DomainError as exc:
        apply_error(form, exc)
        return False
    flash(approved if form.decision.data == "approve" else rejected, "success")
    return True


NO_DECISION = N_("该申请没有准予信用修复的决定。")


def decision_sheet(request_: RestorationRequest, template: str) -> str:
    """The 信用修复决定书 of an approved application, as a printable page."""
    number = restoration.decision_no(request_)
    if number is None or request_.decided_at is None:
        raise errors.NotFound(NO_DECISION)
    decided_on = request_.decided_at.astimezone(ZoneInfo(setting_str("TIMEZONE"))).date()
    return render_template(template, request_=request_, unit=request_.unit, number=number,
                           decided_on=decided_on.isoformat(),
                           authority=setting_str("AUTHORITY_NAME"))


REMOVED = N_("该文件已在保存期满后删除。")


def send_upload(item: RestorationFile | ObjectionFile) -> Response:
    """A stored proof as a download: its type by content, never rendered inline as a page."""
    if getattr(item, "removed_at", None) is not None:
        raise errors.NotFound(REMOVED)
    response = send_file(io.BytesIO(uploads.read(item.stored_name)), mimetype=item.content_type,
                         as_attachment=True,
                         download_name=uploads.download_name(item.original_name,
                                                             item.content_type))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


def received_files() -> list[uploads.Upload]:
    """The uploaded proofs (field ``proofs``), each read up to one byte past the limit (never
    more into memory)."""
    limit = setting_int("UPLOAD_MAX_BYTES")
    return [uploads.Upload(f.filename or "", f.stream.read(limit + 1))
            for f in request.files.getlist("proofs") if f and f.filename]


def upload_limits() -> dict[str, int]:
    """What a proofs field's hint tells: the most files and megabytes per file."""
    return {"max_mb": setting_int("UPLOAD_MAX_BYTES") // (1024 * 1024),
            "max_files": setting_int("UPLOAD_MAX_FILES")}


def page_count(total: int, per_page: int) -> int:
    """How many pages ``total`` rows fill (at least one, so an empty list still has a page)."""
    return max(1, -(-total // per_page))

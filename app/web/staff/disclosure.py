"""Disclosure batches: the list, one batch, its payload, a retry, a run now."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _

from app.errors import DomainError
from app.services.disclosure import batches
from app.services.disclosure.runs import ask_for_run, recent_runs
from app.web.forms import VersionForm
from app.web.pages import apply_error, page_args, page_count
from app.web.security import current_actor, staff_page
from app.web.staff.blueprint import bp
from app.workflows import vocabulary
from app.workflows.facts import Actor
from app.workflows.vocabulary import DISCLOSURE_CATEGORIES as CATEGORIES

FORMATS = {"jsonl": "application/x-ndjson", "csv": "text/csv; charset=utf-8"}


@bp.route("/disclosure/batches")
@staff_page()
def batch_list() -> Any:
    """Batches, newest first, by category and status."""
    page, per_page = page_args(request.args)
    category = request.args.get("category") if request.args.get("category") in CATEGORIES else None
    statuses = vocabulary.BATCH_STATUSES.values
    status = request.args.get("status") if request.args.get("status") in statuses else None
    rows, total = batches.list_batches(category, status, page, per_page)
    return render_template("staff/batches.html", batches=rows, total=total, page=page,
                           pages=page_count(total, per_page), category=category,
                           status=status, categories=CATEGORIES, statuses=statuses,
                           runs=recent_runs(5), button=VersionForm())


@bp.route("/disclosure/batches/<batch_id>")
@staff_page()
def batch_page(batch_id: str) -> Any:
    """A batch and a page of its items."""
    batch = batches.get_batch(batch_id)
    page, per_page = page_args(request.args, 100)
    items = batches.batch_items(batch.id, page, per_page)
    return render_template("staff/batch.html", batch=batch, items=items, page=page,
                           pages=page_count(batch.item_count, per_page),
                           attempts=batches.attempts(batch.id), button=VersionForm())


@bp.route("/disclosure/batches/<batch_id>/payload.<fmt>")
@staff_page()
def batch_payload(batch_id: str, fmt: str) -> Any:
    """Download the batch as it was delivered (JSON Lines) or as CSV for Excel; streamed."""
    if fmt not in FORMATS:
        return render_template("error.html", status=404, message=_("不支持的格式。")), 404
    batch = batches.get_batch(batch_id)
    body = stream_with_context(batches.payload(batch, fmt))
    name = f"{batch.id}.{fmt}"
    return Response(body, mimetype=FORMATS[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/disclosure/batches/<batch_id>/retry", methods=["POST"])
@staff_page("send_batch_again")
def batch_retry(batch_id: str) -> Any:
    """Send a failed batch again at the next run (same id: the platform sees it once)."""
    return _send_again(batch_id, batches.retry_batch, _("已安排重新推送该批次。"))


@bp.route("/disclosure/batches/<batch_id>/resend", methods=["POST"])
@staff_page("send_batch_again")
def batch_resend(batch_id: str) -> Any:
    """Send a delivered batch again, for a platform that lost it (same id: a platform that
    has it publishes nothing twice)."""
    return _send_again(batch_id, batches.resend_batch, _("已安排重新发送该批次。"))


def _send_again(batch_id: str, action: Callable[[str, Actor], object], done: str) -> Any:
    if VersionForm().validate_on_submit():
        try:
            action(batch_id, current_actor())
        except DomainError as exc:
            apply_error(None, exc)
        else:
            flash(done, "success")
    return redirect(url_for("staff.batch_page", batch_id=batch_id[:64]))


@bp.route("/disclosure/run", methods=["POST"])
@staff_page("run_disclosure")
def batch_run() -> Any:
    """Ask the scheduler for a run now for every category: it delivers what is due, then new
    batches, within seconds; the list shows the request and its outcome."""
    form = VersionForm()
    if form.validate_on_submit():
        run = ask_for_run(current_actor())
        flash(_("已请求立即推送（第 %(id)d 号请求），调度程序将在几秒内执行，刷新本页可查看结果。",
                id=run.id), "success")
    return redirect(url_for("staff.batch_list"))

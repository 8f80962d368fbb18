"""Restoration: filing a request on a unit's behalf, deciding it with the checklist in view,
withdrawing it."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from app.errors import DomainError
from app.extensions import db
from app.services import restoration, selfservice, units
from app.services.credit import active_listing
from app.web.forms import DecisionForm, FileRequestForm, VersionForm
from app.web.pages import apply_error, form_page, send_upload
from app.web.security import SUPERVISOR, WORKERS, current_actor, staff_page
from app.web.staff import bp

ID = "<int(max=2147483647):request_id>"


@bp.route("/units/<uscc>/restoration/new", methods=["GET", "POST"])
@staff_page(*WORKERS)
def restoration_new(uscc: str) -> Any:
    """File a restoration request for a listed unit, on its behalf."""
    unit = units.get_unit(uscc)
    form = FileRequestForm()
    if form.validate_on_submit():
        try:
            request_ = restoration.file_request(
                current_actor(), unit.uscc, bool(form.commitment_signed.data),
                (form.note.data or "").strip() or None, form.expected_version(),
            )  # fmt: skip
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("修复申请已提交，应在 %(due)s 前作出决定。", due=request_.due_on.isoformat()),
                  "success")  # fmt: skip
            return redirect(url_for("staff.restoration_page", request_id=request_.id))
    return form_page("staff/restoration_new.html", form, unit=unit,
                     listing=active_listing(db.session(), unit.id),
                     steps=restoration.restoration_steps(unit.uscc))  # fmt: skip


@bp.route(f"/restoration-requests/{ID}", methods=["GET", "POST"])
@staff_page()
def restoration_page(request_id: int) -> Any:
    """A request with the checklist beside it; a supervisor who did not file it decides."""
    request_ = restoration.get_request(db.session(), request_id)
    unit = request_.unit
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            if form.decision.data == "approve":
                restoration.approve_request(current_actor(), request_.id, form.expected_version())
                flash(_("已准予信用修复，公示内容将撤下。"), "success")
            else:
                restoration.reject_request(current_actor(), request_.id, form.reason.data or "",
                                           form.expected_version())  # fmt: skip
                flash(_("已决定不予修复，理由已告知单位。"), "success")
        except DomainError as exc:
            apply_error(form, exc)
        else:
            return redirect(url_for("staff.unit_page", uscc=unit.uscc))
    steps = restoration.restoration_steps(unit.uscc) if request_.status == "submitted" else None
    return form_page("staff/restoration.html", form, request_=request_, unit=unit, steps=steps,
                     button=VersionForm(),
                     can_decide=current_actor().role in SUPERVISOR)  # fmt: skip


@bp.route(f"/restoration-requests/{ID}/files/<int(max=2147483647):file_id>")
@staff_page()
def restoration_file(request_id: int, file_id: int) -> Any:
    """A proof the unit uploaded with its application (staff only; never cached)."""
    return send_upload(selfservice.get_file(request_id, file_id))


@bp.route(f"/restoration-requests/{ID}/withdraw", methods=["POST"])
@staff_page(*WORKERS)
def restoration_withdraw(request_id: int) -> Any:
    """Withdraw a request on the unit's behalf; the unit is listed again."""
    request_ = restoration.get_request(db.session(), request_id)
    form = VersionForm()
    if form.validate_on_submit():
        try:
            restoration.withdraw_request(current_actor(), request_.id, form.expected_version())
        except DomainError as exc:
            apply_error(None, exc)
        else:
            flash(_("修复申请已撤回。"), "success")
    return redirect(url_for("staff.unit_page", uscc=request_.unit.uscc))

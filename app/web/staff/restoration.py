"""Restoration: filing a request on a unit's behalf, deciding it with the checklist in view,
withdrawing it."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.errors import DomainError
from app.services.base.context import setting_str
from app.services.casework import units
from app.services.credit import record_restoration, restoration
from app.services.credit.status import active_listing
from app.services.online import selfservice
from app.services.online.access import issue_access_code
from app.web.forms import DecisionForm, FileRequestForm, VersionForm
from app.web.i18n import lang
from app.web.pages import apply_error, decided, decision_sheet, form_page, send_upload
from app.web.security import current_actor, staff_page
from app.web.staff.blueprint import bp
from app.workflows import application
from app.workflows.policy import may

ID = "<id:request_id>"


@bp.route("/units/<uscc>/restoration/new", methods=["GET", "POST"])
@staff_page("file_restoration")
def restoration_new(uscc: str) -> Any:
    """File a restoration request for a listed unit, on its behalf."""
    unit = units.get_unit(uscc)
    form = FileRequestForm()
    if form.validate_on_submit():
        try:
            request_ = restoration.file_request(
                current_actor(), unit.uscc, bool(form.commitment_signed.data),
                (form.note.data or "").strip() or None, form.expected_version(),
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("修复申请已提交，应在 %(due)s 前作出决定。", due=request_.due_on.isoformat()),
                  "success")
            return redirect(url_for("staff.restoration_page", request_id=request_.id))
    return form_page("staff/restoration_new.html", form, unit=unit,
                     listing=active_listing(unit.id),
                     steps=restoration.restoration_steps(unit.uscc))


@bp.route("/records/<id:record_id>/restoration/new", methods=["GET", "POST"])
@staff_page("file_restoration")
def record_restoration_new(record_id: int) -> Any:
    """Ask, on the unit's behalf, to end one penalty record's publicity early."""
    record = record_restoration.get_unit_record(record_id)
    form = FileRequestForm()
    if form.validate_on_submit():
        try:
            request_ = record_restoration.file_record_request(
                current_actor(), record.id, bool(form.commitment_signed.data),
                (form.note.data or "").strip() or None)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            due = request_.due_on.isoformat()
            flash(_("终止公示申请已提交，应在 %(due)s 前作出决定。", due=due), "success")
            return redirect(url_for("staff.restoration_page", request_id=request_.id))
    steps = record_restoration.steps_of(record.id, current_actor(), lang=lang())
    return form_page("staff/record_restoration_new.html", form, unit=record.unit, record=record,
                     steps=steps)


@bp.route("/units/<uscc>/record-guide", methods=["GET", "POST"])
@staff_page("issue_access_code")
def record_guide(uscc: str) -> Any:
    """The restoration guide for a unit's public penalties (信用修复告知书, handed over with
    the decision): each penalty's window and earliest date, and a self-service access code.

    Printing issues a new access code (only its hash is kept; earlier codes stop working).
    """
    unit = units.get_unit(uscc)
    form = VersionForm()
    code = None
    records = selfservice.public_records(unit, lang())
    if records and form.validate_on_submit():
        try:
            code = issue_access_code(current_actor(), unit.uscc)
        except DomainError as exc:
            apply_error(None, exc)
    return render_template("staff/record_guide.html", unit=unit, records=records, code=code,
                           form=form, authority=setting_str("AUTHORITY_NAME"))


@bp.route(f"/restoration-requests/{ID}", methods=["GET", "POST"])
@staff_page()
def restoration_page(request_id: int) -> Any:
    """A request with the checklist beside it; a supervisor who did not file it decides."""
    request_ = restoration.get_request(request_id)
    unit = request_.unit
    form = DecisionForm()
    approved = (_("已准予终止该处罚信息的公示，撤下申请已排队推送。") if request_.record_id
                else _("已准予信用修复，公示内容将撤下。"))
    if decided(form, lambda: restoration.approve_request(current_actor(), request_.id,
                                                         form.expected_version()),
               lambda reason: restoration.reject_request(current_actor(), request_.id, reason,
                                                         form.expected_version()),
               approved, _("已决定不予修复，理由已告知单位。")):
        return redirect(url_for("staff.unit_page", uscc=unit.uscc))
    steps = record_steps = None
    if request_.status == application.OPEN and request_.record_id is not None:
        record_steps = record_restoration.steps_of(request_.record_id, current_actor(),
                                                    lang=lang())
    elif request_.status == application.OPEN:
        steps = restoration.restoration_steps(unit.uscc)
    submitted = request_.status == application.OPEN
    unpaid = restoration.unpaid_records(request_) if submitted else []
    blockers = restoration.approval_refusals(request_, current_actor(), lang()) if submitted else []
    return form_page("staff/restoration.html", form, request_=request_, unit=unit, steps=steps,
                     record_steps=record_steps, unpaid=unpaid, button=VersionForm(),
                     can_decide=may(current_actor().role, "decide_restoration"), blockers=blockers)


@bp.route(f"/restoration-requests/{ID}/decision")
@staff_page()
def restoration_decision(request_id: int) -> Any:
    """The 信用修复决定书 of an approved application, to print and hand over."""
    return decision_sheet(restoration.get_request(request_id), "staff/decision.html")


@bp.route(f"/restoration-requests/{ID}/files/<id:file_id>")
@staff_page()
def restoration_file(request_id: int, file_id: int) -> Any:
    """A proof the unit uploaded with its application (staff only; never cached)."""
    return send_upload(selfservice.get_file(request_id, file_id))


@bp.route(f"/restoration-requests/{ID}/withdraw", methods=["POST"])
@staff_page("withdraw_restoration")
def restoration_withdraw(request_id: int) -> Any:
    """Withdraw a request on the unit's behalf; the unit is listed again."""
    request_ = restoration.get_request(request_id)
    form = VersionForm()
    if form.validate_on_submit():
        try:
            restoration.withdraw_request(current_actor(), request_.id, form.expected_version())
        except DomainError as exc:
            apply_error(None, exc)
        else:
            flash(_("修复申请已撤回。"), "success")
    return redirect(url_for("staff.unit_page", uscc=request_.unit.uscc))

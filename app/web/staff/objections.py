"""Objections (异议) for staff: the queue of open ones, each objection with the item it
contests, and the answer: take it up, uphold with a reason, correct the record, or propose
the revocation (the revocation path); staff also file an objection received on paper or by
telephone, and withdraw one for the unit."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.errors import DomainError
from app.services.casework import units
from app.services.online import objections
from app.web.forms import ReasonForm, VersionForm
from app.web.forms_record import correction_form_class
from app.web.forms_unit import ObjectionForm
from app.web.pages import apply_error, form_page, received_files, send_upload, upload_limits
from app.web.security import current_actor, staff_page
from app.web.staff.blueprint import bp
from app.workflows import record_kinds
from app.workflows.vocabulary import OBJECTION_STATUSES, OPEN_OBJECTIONS

ID = "<id:objection_id>"


@bp.route("/objections")
@staff_page()
def objection_list() -> Any:
    """Open objections, the nearest deadline first; the decided ones below."""
    status = request.args.get("status", "")
    chosen = (status,) if status in OBJECTION_STATUSES else OPEN_OBJECTIONS
    return render_template("staff/objections.html", items=objections.objections_in(chosen),
                           status=status if status in OBJECTION_STATUSES else "")


@bp.route("/units/<uscc>/objections/new", methods=["GET", "POST"])
@staff_page("file_objection_for_unit")
def objection_new(uscc: str) -> Any:
    """File an objection the unit made on paper or by telephone, for it."""
    unit = units.get_unit(uscc)
    target = request.args.get("target", "record")
    item = objections.contested_item(unit, target, request.args.get("id", type=int))
    form = ObjectionForm()
    if form.validate_on_submit():
        try:
            objection = objections.file_objection(
                current_actor(), unit.id, item.target, item.id, form.claim.data or "",
                form.expected.data, form.contact_name.data or "", form.contact_phone.data or "",
                received_files(), "staff")
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("异议已登记，应于 %(due)s 前答复。", due=objection.due_on.isoformat()),
                  "success")
            return redirect(url_for("staff.objection_page", objection_id=objection.id))
    return form_page("objection_new.html", form, unit=unit, item=item, who="staff",
                     due=objections.deadline_if_filed_today(), **upload_limits())


@bp.route(f"/objections/{ID}")
@staff_page()
def objection_page(objection_id: int) -> Any:
    """The objection, what it contests, and the answers open to this member of staff."""
    return _page(objections.get_objection(objection_id))


def _page(objection: Any) -> Any:
    record = objection.record
    form_class = correction_form_class()
    correction = form_class(obj=record, formdata=None) if record else form_class()
    return render_template(
        "staff/objection.html", objection=objection, unit=objection.unit,
        record=record, uphold=ReasonForm(formdata=None), correction=correction,
        withdraw=ReasonForm(formdata=None), button=VersionForm(),
        correctable=record_kinds.kind(record.category).correctable if record else (),
        involved=current_actor().id in (objection.filed_by,
                                        record.created_by if record
                                        else objection.listing.proposed_by))


def _done(objection_id: int, action: Any, form: Any, message: str) -> Any:
    """Run the answer; either way back to the objection (refusals shown above it)."""
    if form is not None and not form.validate_on_submit():
        for name, errors in form.errors.items():
            label = form[name].label.text if name in form else ""
            for error in errors:
                flash(f"{label}：{error}" if label else str(error), "error")
    else:
        try:
            action()
        except DomainError as exc:
            apply_error(None, exc)
        else:
            flash(message, "success")
    return redirect(url_for("staff.objection_page", objection_id=objection_id))


@bp.route(f"/objections/{ID}/review", methods=["POST"])
@staff_page("decide_objection")
def objection_review(objection_id: int) -> Any:
    """Take the objection up (核查中)."""
    return _done(objection_id, lambda: objections.start_review(current_actor(), objection_id),
                 VersionForm(), _("已开始核查。"))


@bp.route(f"/objections/{ID}/uphold", methods=["POST"])
@staff_page("decide_objection")
def objection_uphold(objection_id: int) -> Any:
    """The record stands: answered with the reason."""
    form = ReasonForm()
    return _done(objection_id, lambda: objections.uphold(current_actor(), objection_id,
                                                         form.reason.data or ""),
                 form, _("已答复：维持原信息。"))


@bp.route(f"/objections/{ID}/correct", methods=["POST"])
@staff_page("decide_objection")
def objection_correct(objection_id: int) -> Any:
    """The record was wrong: corrected, and the correction published."""
    objection = objections.get_objection(objection_id)
    form = correction_form_class()()
    fields = (record_kinds.kind(objection.record.category).correctable if objection.record
              else ())
    for name in set(form._fields) - {*fields, "reason", "csrf_token", "category"}:
        del form[name]  # only the category's correctable fields are checked
    changes = {name: form[name].data for name in fields}
    return _done(objection_id, lambda: objections.correct(current_actor(), objection_id,
                                                          changes, form.reason.data or ""),
                 form, _("已更正，更正信息将在3个工作日内公示。"))


@bp.route(f"/objections/{ID}/withdraw", methods=["POST"])
@staff_page("withdraw_objection")
def objection_withdraw(objection_id: int) -> Any:
    """The unit withdrew its objection (by telephone, at the window): recorded for it."""
    form = ReasonForm()
    return _done(objection_id, lambda: objections.withdraw(current_actor(), objection_id,
                                                           reason=form.reason.data),
                 form, _("已代单位撤回异议。"))


@bp.route(f"/objections/{ID}/files/<id:proof_id>")
@staff_page()
def objection_file(objection_id: int, proof_id: int) -> Any:
    """A proof filed with the objection."""
    return send_upload(objections.get_file(objection_id, proof_id))

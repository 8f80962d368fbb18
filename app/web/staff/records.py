"""Enforcement records: adding one, recording a payment or a rectification."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from app.services.base.context import setting_decimal
from app.services.casework import records, units
from app.services.disclosure import windows
from app.web.forms import PaymentForm, RectificationForm
from app.web.forms_record import record_form_class, record_layout
from app.web.pages import form_page, safe_next, submitted
from app.web.security import current_actor, staff_page
from app.web.staff.blueprint import bp
from app.workflows import record_kinds

ID = "<id:record_id>"


def _back(record: Any) -> Any:
    return redirect(url_for("staff.unit_page", uscc=record.unit.uscc, _anchor="records"))


@bp.route("/units/<uscc>/records/new", methods=["GET", "POST"])
@staff_page("add_record")
def record_new(uscc: str) -> Any:
    """Add a record; the fields follow the category (inspection, penalty, coercive, licensing)."""
    unit = units.get_unit(uscc)
    form = record_form_class()()
    if request.method == "GET" and request.args.get("category") in record_kinds.KINDS:
        form.category.data = request.args["category"]
    kind = record_kinds.KINDS.get(form.category.data or "")
    names = [f.name for f in kind.offered(record_kinds.FORM)] if kind else []
    added: list[Any] = []
    if submitted(form, lambda: added.append(records.add_record(
            current_actor(), unit.uscc,
            {"category": form.category.data, **{name: form[name].data for name in names}})),
            _("执法记录已登记，公示期限已按工作日计算。")):
        if not windows.on_platform(added[0]):
            flash(_("该记录已登记并计入统计，但不报送信用平台：轻微处罚按规定不公示，或其公示期在"
                    "录入前已经届满。"), "info")
        return redirect(url_for("staff.unit_page", uscc=unit.uscc, _anchor="records"))
    return form_page("staff/record_new.html", form, unit=unit, layout=record_layout(),
                     deliberation_fine=f"{setting_decimal('DELIBERATION_FINE_THRESHOLD'):,.0f}")


@bp.route(f"/records/{ID}/payment", methods=["GET", "POST"])
@staff_page("record_payment")
def record_payment(record_id: int) -> Any:
    """Record that (part of) a penalty's fine was paid."""
    record = records.get_record(record_id)
    form = PaymentForm()
    if submitted(form, lambda: records.record_payment(
            current_actor(), record.id, form.amount.data, form.paid_on.data,
            (form.receipt_no.data or "").strip() or None), _("缴款已登记。")):
        back = url_for("staff.unit_page", uscc=record.unit.uscc, _anchor="records")
        return redirect(safe_next(request.args.get("next"), back))  # e.g. the review page
    return form_page("staff/record_payment.html", form, record=record)


@bp.route(f"/records/{ID}/rectification", methods=["GET", "POST"])
@staff_page("record_rectification")
def record_rectification(record_id: int) -> Any:
    """Record accepted rectification of hazards, or the lifting of a coercive measure."""
    record = records.get_record(record_id)
    form = RectificationForm()
    if submitted(form, lambda: records.record_rectification(
            current_actor(), record.id, form.rectified_on.data, form.hazards_count.data,
            (form.acceptance_no.data or "").strip() or None,
            (form.note.data or "").strip() or None), _("整改情况已登记。")):
        return _back(record)
    return form_page("staff/record_rectification.html", form, record=record)

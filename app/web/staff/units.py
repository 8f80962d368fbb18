"""The work queue, unit search, registering a unit and the unit page."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.models.units import CREDIT_STATUSES
from app.services.casework import units
from app.services.reporting import exports
from app.services.staff.queue import work_queue
from app.services.staff.unit_page import unit_page as unit_page_of
from app.web.forms import UnitForm, VersionForm
from app.web.i18n import lang
from app.web.pages import form_page, page_args, page_count, submitted
from app.web.security import current_actor, staff_page
from app.web.staff.blueprint import bp
from app.web.staff.statistics import XLSX


@bp.route("/")
@staff_page()
def queue() -> Any:
    """Home: what awaits me, what is due, what failed, and units by credit status."""
    return render_template("staff/queue.html", queue=work_queue())


@bp.route("/units")
@staff_page()
def unit_list() -> Any:
    """Search units by name, code, street and status, a page at a time."""
    page, per_page = page_args(request.args)
    q = (request.args.get("q") or "").strip()[:200]
    street = (request.args.get("street") or "").strip()[:100] or None
    status = request.args.get("status") or None
    if status not in (None, *CREDIT_STATUSES):
        flash(_("未知的信用状态，已忽略。"), "error")
        status = None
    rows, total = units.search_units(q or None, status, street, page, per_page)
    pages = page_count(total, per_page)
    return render_template("staff/units.html", units=rows, total=total, page=page, pages=pages,
                           q=q, status=status, street=street or "",
                           statuses=CREDIT_STATUSES)


@bp.route("/units.xlsx")
@staff_page()
def unit_export() -> Any:
    """Every unit the list shows for these filters, as a spreadsheet."""
    street = (request.args.get("street") or "").strip()[:100] or None
    status = request.args.get("status") or None
    status = status if status in CREDIT_STATUSES else None
    data = exports.units_workbook((request.args.get("q") or "").strip()[:200] or None, status,
                                  street)
    return Response(data, mimetype=XLSX, headers={
        "Content-Disposition": "attachment; filename=units.xlsx", "Cache-Control": "no-store"})


@bp.route("/units/new", methods=["GET", "POST"])
@staff_page("register_unit")
def unit_new() -> Any:
    """Register a regulated unit."""
    form = UnitForm()
    optional = {k: (getattr(form, k).data or "").strip() or None
                for k in units.OPTIONAL_FIELDS}
    if submitted(form, lambda: units.register_unit(
            current_actor(), form.uscc.data or "", (form.name.data or "").strip(), **optional),
            _("单位已登记。")):
        return redirect(url_for("staff.unit_page", uscc=form.uscc.data))
    return form_page("staff/unit_new.html", form)


@bp.route("/units/<uscc>")
@staff_page()
def unit_page(uscc: str) -> Any:
    """The unit: status, allowed actions and why others are blocked, records, listing,
    restoration checklist and the audit trail."""
    page = unit_page_of(uscc, current_actor(), lang())
    return render_template("staff/unit.html", **vars(page), request_=page.open_request,
                           button=VersionForm())

"""Listing a unit: the proposal, the supervisor's decision, expiry, the notice."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from app.errors import DomainError
from app.services.base.context import setting_str
from app.services.casework import records, units
from app.services.credit import listings
from app.services.credit.restoration import restoration_steps
from app.services.credit.status import active_listing
from app.services.online.access import issue_access_code
from app.web.forms import DecisionForm, ProposalForm, VersionForm
from app.web.pages import apply_error, decided, form_page, submitted
from app.web.security import current_actor, staff_page
from app.web.staff.blueprint import bp
from app.workflows.policy import may

ID = "<id:listing_id>"


def _to_unit(uscc: str) -> Any:
    return redirect(url_for("staff.unit_page", uscc=uscc))


@bp.route("/units/<uscc>/listings/new", methods=["GET", "POST"])
@staff_page("propose_listing")
def listing_new(uscc: str) -> Any:
    """Propose listing a unit, choosing the penalty and coercive records it rests on."""
    unit = units.get_unit(uscc)
    candidates = [r for r in records.unit_records(unit.uscc)
                  if r.category in ("penalty", "coercive_measure") and r.status == "active"]
    form = ProposalForm()
    form.basis_record_ids.choices = [SelectChoice(r.id, r.document_no) for r in candidates]
    if submitted(form, lambda: listings.propose_listing(
            current_actor(), unit.uscc, form.level.data or "", form.reason.data or "",
            form.basis_record_ids.data or [], form.document_no.data or "", form.decided_on.data),
            _("列入建议已提交，等待另一名审核人审核。")):
        return _to_unit(unit.uscc)
    return form_page("staff/listing_new.html", form, unit=unit, candidates=candidates)


@bp.route(f"/listings/{ID}", methods=["GET", "POST"])
@staff_page()
def listing_decide(listing_id: int) -> Any:
    """A proposal with its basis records; a supervisor (not the proposer) approves or rejects."""
    listing = listings.get_listing(listing_id)
    unit = listing.unit
    form = DecisionForm()
    if decided(form, lambda: listings.approve_listing(current_actor(), listing.id,
                                                      form.expected_version()),
               lambda reason: listings.reject_listing(current_actor(), listing.id, reason),
               _("已审核同意，该单位已列入失信名单。"), _("已决定不予列入。")):
        return _to_unit(unit.uscc)
    return form_page("staff/listing_decide.html", form, listing=listing, unit=unit,
                     can_decide=may(current_actor().role, "decide_listing"))


@bp.route("/units/<uscc>/listing/expire", methods=["POST"])
@staff_page("expire_listing")
def listing_expire(uscc: str) -> Any:
    """End a listing whose maximum publicity period is over (the nightly sweep does the same)."""
    form = VersionForm()
    if form.validate_on_submit():
        try:
            listings.expire_listing(current_actor(), uscc)
        except DomainError as exc:
            apply_error(None, exc)
        else:
            flash(_("公示期满，已移出失信名单。"), "success")
    return _to_unit(units.get_unit(uscc).uscc)


@bp.route("/units/<uscc>/notice", methods=["GET", "POST"])
@staff_page("issue_access_code")
def listing_notice(uscc: str) -> Any:
    """The listing notice with the restoration guide on the same sheet (两书同达).

    Printing issues a new self-service access code: only its hash is kept, so it appears on
    this sheet once, and any earlier code stops working.
    """
    unit = units.get_unit(uscc)
    listing = active_listing(unit.id)
    form = VersionForm()
    code = None
    if listing is not None and form.validate_on_submit():
        try:
            code = issue_access_code(current_actor(), unit.uscc)
        except DomainError as exc:
            apply_error(None, exc)
    basis = [b.record for b in listing.basis] if listing else []
    return render_template(
        "staff/notice.html", unit=unit, listing=listing, basis=basis, code=code, form=form,
        steps=restoration_steps(unit.uscc) if listing else None,
        authority=setting_str("AUTHORITY_NAME"),
    )

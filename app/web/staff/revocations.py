"""Revoking a decision or a listing: the proposal (officer or supervisor) with the revoking
decision's number and date, and the decision of a second person, a supervisor."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from app.errors import DomainError
from app.services.casework import records, units
from app.services.credit import revocations
from app.services.credit.status import active_listing
from app.web.forms import DecisionForm, RevokeListingForm, RevokeRecordForm
from app.web.pages import apply_error, decided, form_page
from app.web.security import current_actor, staff_page
from app.web.staff.blueprint import bp
from app.workflows.policy import may

ID = "<id:revocation_id>"


def _proposed(form: Any, action: Any) -> Any:
    """Run the proposal; on success go to it, else ``None`` (the errors are on the form)."""
    if not form.validate_on_submit():
        return None
    try:
        proposal = action()
    except DomainError as exc:
        apply_error(form, exc)
        return None
    flash(_("撤销建议已提交，须由另一名审核人审核同意后生效。"), "success")
    return redirect(url_for("staff.revocation_page", revocation_id=proposal.id))


@bp.route("/records/<id:record_id>/revoke", methods=["GET", "POST"])
@staff_page("propose_revocation")
def record_revoke(record_id: int) -> Any:
    """Propose to revoke a decision; nothing is withdrawn until a second supervisor agrees."""
    record = records.get_record(record_id)
    form = RevokeRecordForm()
    done = _proposed(form, lambda: revocations.propose_record_revocation(
        current_actor(), record.id, form.reason.data or "", form.document_no.data or "",
        form.revoked_on.data))
    return done or form_page("staff/record_revoke.html", form, record=record)


@bp.route("/units/<uscc>/listing/revoke", methods=["GET", "POST"])
@staff_page("propose_revocation")
def listing_revoke(uscc: str) -> Any:
    """Propose to revoke the active listing (basis revoked, reconsideration, litigation)."""
    unit = units.get_unit(uscc)
    listing = active_listing(unit.id)
    form = RevokeListingForm()
    done = _proposed(form, lambda: revocations.propose_listing_revocation(
        current_actor(), unit.uscc, form.ground.data or "", form.reason.data or "",
        form.document_no.data or "", form.decided_on.data, form.expected_version()))
    return done or form_page("staff/listing_revoke.html", form, unit=unit, listing=listing)


@bp.route(f"/revocations/{ID}", methods=["GET", "POST"])
@staff_page()
def revocation_page(revocation_id: int) -> Any:
    """A revocation proposal and what it would revoke; a supervisor who did not propose it
    approves or rejects."""
    proposal = revocations.get_revocation(revocation_id)
    unit = proposal.unit
    form = DecisionForm()
    approved = _("已同意撤销。") + " " + (_("该单位已移出失信名单。") if proposal.kind == "listing"
                                       else _("公示信息将在规定期限内撤下。"))
    if decided(form, lambda: revocations.approve_revocation(current_actor(), proposal.id),
               lambda reason: revocations.reject_revocation(current_actor(), proposal.id, reason),
               approved, _("已决定不予撤销。")):
        return redirect(url_for("staff.unit_page", uscc=unit.uscc))
    return form_page("staff/revocation.html", form, proposal=proposal, unit=unit,
                     can_decide=may(current_actor().role, "decide_revocation"))

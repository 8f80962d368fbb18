"""Staff API on records, listings and restoration requests by id."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from app.api import schemas as s
from app.api.auth import current_actor, staff_required
from app.services.casework import records
from app.services.credit import listings, record_restoration, restoration

blp = Blueprint("actions", __name__, url_prefix="/api/v1", description="Decisions and changes")


@blp.route("/records/<id:record_id>/payments")
class Payments(MethodView):
    @staff_required("record_payment")
    @blp.arguments(s.PaymentIn)
    @blp.response(201, s.PaymentOut)
    def post(self, args: dict[str, Any], record_id: int) -> Any:
        """Record that a penalty's fine was paid (in part or in full)."""
        return records.record_payment(current_actor(), record_id, **args)


@blp.route("/records/<id:record_id>/rectifications")
class Rectifications(MethodView):
    @staff_required("record_rectification")
    @blp.arguments(s.RectificationIn)
    @blp.response(201, s.RectificationOut)
    def post(self, args: dict[str, Any], record_id: int) -> Any:
        """Record accepted rectification of hazards, or the lifting of a coercive measure."""
        return records.record_rectification(current_actor(), record_id, **args)


@blp.route("/records/<id:record_id>/restoration-steps")
class RecordSteps(MethodView):
    @staff_required()
    @blp.response(200, s.RecordStepsOut)
    def get(self, record_id: int) -> Any:
        """One penalty record's restoration checklist, its window and the earliest date."""
        return record_restoration.steps_of(record_id, current_actor())


@blp.route("/records/<id:record_id>/restoration-requests")
class RecordRequests(MethodView):
    @staff_required("file_restoration")
    @blp.arguments(s.RecordRequestIn)
    @blp.response(201, s.RequestOut)
    def post(self, args: dict[str, Any], record_id: int) -> Any:
        """Ask, on the unit's behalf, to end one penalty record's publicity early; decided
        through ``/restoration-requests/{id}/approve``, ``/reject`` or ``/withdraw``."""
        return record_restoration.file_record_request(
            current_actor(), record_id, args["commitment_signed"], args["note"])


@blp.route("/listings/<id:listing_id>/approve")
class ApproveListing(MethodView):
    @staff_required("decide_listing")
    @blp.arguments(s.VersionIn)
    @blp.response(200, s.ListingOut)
    def post(self, args: dict[str, Any], listing_id: int) -> Any:
        """Approve a proposal (never one's own): the unit is listed."""
        return listings.approve_listing(current_actor(), listing_id, args.get("version"))


@blp.route("/listings/<id:listing_id>/reject")
class RejectListing(MethodView):
    @staff_required("decide_listing")
    @blp.arguments(s.ReasonIn)
    @blp.response(200, s.ListingOut)
    def post(self, args: dict[str, Any], listing_id: int) -> Any:
        """Turn a proposal down with a reason."""
        return listings.reject_listing(current_actor(), listing_id, args["reason"])


@blp.route("/restoration-requests/<id:request_id>/approve")
class ApproveRequest(MethodView):
    @staff_required("decide_restoration")
    @blp.arguments(s.VersionIn)
    @blp.response(200, s.RequestOut)
    def post(self, args: dict[str, Any], request_id: int) -> Any:
        """Approve a restoration (a supervisor who did not file it; every checklist item met)."""
        return restoration.approve_request(current_actor(), request_id, args.get("version"))


@blp.route("/restoration-requests/<id:request_id>/reject")
class RejectRequest(MethodView):
    @staff_required("decide_restoration")
    @blp.arguments(s.ReasonIn)
    @blp.response(200, s.RequestOut)
    def post(self, args: dict[str, Any], request_id: int) -> Any:
        """Reject a restoration with a reason the unit sees."""
        return restoration.reject_request(
            current_actor(), request_id, args["reason"], args.get("version")
        )


@blp.route("/restoration-requests/<id:request_id>/withdraw")
class WithdrawRequest(MethodView):
    @staff_required("withdraw_restoration")
    @blp.arguments(s.VersionIn)
    @blp.response(200, s.RequestOut)
    def post(self, args: dict[str, Any], request_id: int) -> Any:
        """Withdraw a request on the unit's behalf; the unit is listed again."""
        return restoration.withdraw_request(current_actor(), request_id, args.get("version"))

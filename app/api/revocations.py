"""Staff API on revocations: proposing to revoke a decision or a listing, and the second
supervisor's decision (four eyes on every reversal)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields as f
from marshmallow import validate as v

from app.api.auth import current_actor, staff_required
from app.api.schemas import ID, ReasonIn, Strict, Text
from app.services.credit import revocations
from app.workflows.vocabulary import REVERSAL_KINDS, REVERSAL_STATUSES, REVOCATION_GROUNDS

blp = Blueprint("revocations", __name__, url_prefix="/api/v1",
                description="Revoking decisions and listings, four eyes")

DOCUMENT = {"description": "number of the revoking decision (撤销决定书, 复议决定书, 判决书)"}


class RecordRevokeIn(Strict):
    reason = Text(required=True, validate=v.Length(min=1, max=2000),
                  metadata={"description": "published with the withdrawal (行政处罚法 第48条)"})
    document_no = Text(required=True, validate=v.Length(min=1, max=100), metadata=DOCUMENT)
    revoked_on = f.Date(required=True, metadata={
        "description": "date of the revoking decision; once approved, the withdrawal is due "
        "3 working days after it"})


class ListingRevokeIn(Strict):
    ground = Text(required=True, validate=v.OneOf(REVOCATION_GROUNDS.values))
    reason = Text(required=True, validate=v.Length(min=1, max=2000))
    document_no = Text(required=True, validate=v.Length(min=1, max=100), metadata=DOCUMENT)
    decided_on = f.Date(required=True, metadata={"description": "date of the revoking decision"})
    version = f.Integer(load_default=None, validate=ID,
                        metadata={"description": "expected unit version"})


class RevocationQuery(Strict):
    status = Text(load_default="proposed", validate=v.OneOf(REVERSAL_STATUSES.values))


class RevocationOut(ma.Schema):
    id = f.Integer()
    kind = Text(metadata={"enum": list(REVERSAL_KINDS.values)})
    unit_id = f.Integer()
    listing_id = f.Integer(allow_none=True)
    record_id = f.Integer(allow_none=True)
    ground = Text(allow_none=True)
    reason = Text()
    document_no = Text(metadata=DOCUMENT)
    decided_on = f.Date(metadata={"description": "date of the revoking decision"})
    status = Text(metadata={"enum": list(REVERSAL_STATUSES.values)})
    proposed_by = f.Integer()
    proposed_at = f.DateTime()
    decided_by = f.Integer(allow_none=True)
    decided_at = f.DateTime(allow_none=True)
    decision_note = Text(allow_none=True)


@blp.route("/records/<id:record_id>/revoke")
class RevokeRecord(MethodView):
    @staff_required("propose_revocation")
    @blp.arguments(RecordRevokeIn)
    @blp.response(201, RevocationOut)
    def post(self, args: dict[str, Any], record_id: int) -> Any:
        """Propose to revoke a decision. Nothing changes until a supervisor who did not
        propose it approves (``/revocations/{id}/approve``): then its public entry is
        withdrawn, with the reason, within 3 working days of the revoking decision, and a
        listing left without basis ends."""
        return revocations.propose_record_revocation(
            current_actor(), record_id, args["reason"], args["document_no"], args["revoked_on"])


@blp.route("/units/<uscc>/listing/revoke")
class RevokeListing(MethodView):
    @staff_required("propose_revocation")
    @blp.arguments(ListingRevokeIn)
    @blp.response(201, RevocationOut)
    def post(self, args: dict[str, Any], uscc: str) -> Any:
        """Propose to revoke the active listing (basis revoked, reconsideration or
        litigation); a supervisor who did not propose it decides."""
        return revocations.propose_listing_revocation(current_actor(), uscc, **args)


@blp.route("/revocations")
class Revocations(MethodView):
    @staff_required()
    @blp.arguments(RevocationQuery, location="query")
    @blp.response(200, RevocationOut(many=True))
    def get(self, args: dict[str, Any]) -> Any:
        """Revocation proposals in a status (by default those awaiting a decision)."""
        return revocations.revocations_in(args["status"])


@blp.route("/revocations/<id:revocation_id>")
class RevocationOne(MethodView):
    @staff_required()
    @blp.response(200, RevocationOut)
    def get(self, revocation_id: int) -> Any:
        """One revocation proposal."""
        return revocations.get_revocation(revocation_id)


@blp.route("/revocations/<id:revocation_id>/approve")
class ApproveRevocation(MethodView):
    @staff_required("decide_revocation")
    @blp.response(200, RevocationOut)
    def post(self, revocation_id: int) -> Any:
        """Approve (a supervisor who did not propose it): the decision or listing is revoked."""
        return revocations.approve_revocation(current_actor(), revocation_id)


@blp.route("/revocations/<id:revocation_id>/reject")
class RejectRevocation(MethodView):
    @staff_required("decide_revocation")
    @blp.arguments(ReasonIn)
    @blp.response(200, RevocationOut)
    def post(self, args: dict[str, Any], revocation_id: int) -> Any:
        """Turn the proposal down with a reason; nothing is revoked."""
        return revocations.reject_revocation(current_actor(), revocation_id, args["reason"])

"""Staff API on objections (异议): the open ones nearest their deadline first, one objection,
filing one the unit made on paper or by telephone, and the answers (take up, uphold, correct,
withdraw for the unit). Revoking goes through ``/records/{id}/revoke`` (four eyes); its
approval answers the objection. Files are filed through the pages (multipart), not here."""

from __future__ import annotations

import copy
from typing import Any

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields as f
from marshmallow import validate as v

from app.api.auth import current_actor, staff_required
from app.api.schemas import ID, ReasonIn, RecordIn, Strict, Text
from app.services.casework import units
from app.services.online import objections
from app.workflows import record_kinds
from app.workflows.vocabulary import (
    OBJECTION_CHANNELS,
    OBJECTION_STATUSES,
    OBJECTION_TARGETS,
    OPEN_OBJECTIONS,
)

blp = Blueprint("objections", __name__, url_prefix="/api/v1",
                description="Objections (异议): a unit contests a published record or listing")

CORRECTABLE_FIELDS = record_kinds.correctable_fields()


class ObjectionQuery(Strict):
    status = Text(load_default=None, validate=v.OneOf(OBJECTION_STATUSES.values), metadata={
        "description": "one status; by default the open ones (filed, under_review)"})


class ObjectionIn(Strict):
    target = Text(required=True, validate=v.OneOf(OBJECTION_TARGETS.values))
    record_id = f.Integer(load_default=None, validate=ID, metadata={
        "description": "the contested record (target record)"})
    claim = Text(required=True, validate=v.Length(min=1, max=2000),
                 metadata={"description": "what is wrong"})
    expected = Text(load_default=None, validate=v.Length(max=2000),
                    metadata={"description": "what it should be"})
    contact_name = Text(required=True, validate=v.Length(min=1, max=100))
    contact_phone = Text(required=True, validate=v.Length(min=5, max=40))


# The fields a correction may change, as a record's entry takes them (one definition).
def _optional(field: Any) -> Any:
    field = copy.deepcopy(field)
    field.required, field.load_default = False, None
    return field


CorrectionChangesIn = type("CorrectionChangesIn", (Strict,), {
    name: _optional(RecordIn._declared_fields[name]) for name in CORRECTABLE_FIELDS})


class CorrectionIn(Strict):
    changes = f.Nested(CorrectionChangesIn, required=True,
                       metadata={"description": "the fields to correct (the category's "
                                                "correctable ones)"})
    reason = Text(required=True, validate=v.Length(min=1, max=2000),
                  metadata={"description": "the explanation the unit receives"})


class WithdrawIn(Strict):
    reason = Text(load_default=None, validate=v.Length(max=2000))


class ObjectionFileOut(ma.Schema):
    id = f.Integer()
    original_name = Text()
    content_type = Text()
    size = f.Integer()


class ObjectionOut(ma.Schema):
    id = f.Integer()
    unit_id = f.Integer()
    target = Text(metadata={"enum": list(OBJECTION_TARGETS.values)})
    record_id = f.Integer(allow_none=True)
    listing_id = f.Integer(allow_none=True)
    category = Text(metadata={"description": "the contested record's category, or listing"})
    channel = Text(metadata={"enum": list(OBJECTION_CHANNELS.values)})
    status = Text(metadata={"enum": list(OBJECTION_STATUSES.values)})
    claim = Text()
    expected = Text(allow_none=True)
    contact_name = Text()
    contact_phone = Text()
    marked = f.Boolean(metadata={"description": "marked 异议处理中 while open"})
    filed_by = f.Integer(allow_none=True)
    filed_on = f.Date()
    due_on = f.Date(metadata={"description": "the answer's deadline (OBJECTION_WORKDAYS)"})
    due_on_provisional = f.Boolean()
    decided_by = f.Integer(allow_none=True)
    decided_on = f.Date(allow_none=True)
    decision_reason = Text(allow_none=True)
    files = f.List(f.Nested(ObjectionFileOut))


@blp.route("/objections")
class Objections(MethodView):
    @staff_required()
    @blp.arguments(ObjectionQuery, location="query")
    @blp.response(200, ObjectionOut(many=True))
    def get(self, args: dict[str, Any]) -> Any:
        """Objections, the nearest deadline first (by default the open ones)."""
        return objections.objections_in((args["status"],) if args["status"]
                                        else OPEN_OBJECTIONS)


@blp.route("/units/<uscc>/objections")
class UnitObjections(MethodView):
    @staff_required("file_objection_for_unit")
    @blp.arguments(ObjectionIn)
    @blp.response(201, ObjectionOut)
    def post(self, args: dict[str, Any], uscc: str) -> Any:
        """File an objection the unit made on paper or by telephone, for it: the record (or
        listing) must be one the public page shows now; one open objection per item."""
        unit = units.get_unit(uscc)
        item = objections.contested_item(unit, args["target"], args["record_id"])
        return objections.file_objection(
            current_actor(), unit.id, item.target, item.id, args["claim"], args["expected"],
            args["contact_name"], args["contact_phone"], [], "staff")


@blp.route("/objections/<id:objection_id>")
class ObjectionOne(MethodView):
    @staff_required()
    @blp.response(200, ObjectionOut)
    def get(self, objection_id: int) -> Any:
        """One objection."""
        return objections.get_objection(objection_id)


@blp.route("/objections/<id:objection_id>/review")
class ReviewObjection(MethodView):
    @staff_required("decide_objection")
    @blp.response(200, ObjectionOut)
    def post(self, objection_id: int) -> Any:
        """Take the objection up (under_review)."""
        return objections.start_review(current_actor(), objection_id)


@blp.route("/objections/<id:objection_id>/uphold")
class UpholdObjection(MethodView):
    @staff_required("decide_objection")
    @blp.arguments(ReasonIn)
    @blp.response(200, ObjectionOut)
    def post(self, args: dict[str, Any], objection_id: int) -> Any:
        """The information stands: answered with the reason (not by whoever entered the
        record or filed the objection); the mark goes with an update."""
        return objections.uphold(current_actor(), objection_id, args["reason"])


@blp.route("/objections/<id:objection_id>/correct")
class CorrectObjection(MethodView):
    @staff_required("decide_objection")
    @blp.arguments(CorrectionIn)
    @blp.response(200, ObjectionOut)
    def post(self, args: dict[str, Any], objection_id: int) -> Any:
        """The record was wrong: corrected by the entry rules (old values in the audit
        trail), a correction published within 3 working days."""
        return objections.correct(current_actor(), objection_id, args["changes"],
                                  args["reason"])


@blp.route("/objections/<id:objection_id>/withdraw")
class WithdrawObjection(MethodView):
    @staff_required("withdraw_objection")
    @blp.arguments(WithdrawIn)
    @blp.response(200, ObjectionOut)
    def post(self, args: dict[str, Any], objection_id: int) -> Any:
        """The unit withdrew its objection (at the window, by telephone): recorded for it."""
        return objections.withdraw(current_actor(), objection_id, reason=args["reason"])

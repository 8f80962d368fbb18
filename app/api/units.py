"""Staff API on units: register, search, detail, records, audit trail, steps, listings, requests."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from app.api import schemas as s
from app.api.auth import current_actor, staff_required
from app.services.audit.unit_trail import check_one, unit_events
from app.services.casework import records, units
from app.services.credit import listings, restoration
from app.services.credit.status import active_listing
from app.services.credit.triggers import trigger_states

blp = Blueprint("units", __name__, url_prefix="/api/v1", description="Units and their credit")


def lang() -> str:
    """``en`` when the client prefers English, else Simplified Chinese."""
    best = request.accept_languages.best_match(["zh", "en"], default="zh")
    return best or "zh"


def unit_detail(unit: Any) -> dict[str, Any]:
    """A unit with its allowed triggers for the caller and its active listing."""
    states = trigger_states(unit, current_actor(), lang())
    data = {name: getattr(unit, name) for name in s.UnitOut().fields}
    data["allowed_triggers"] = [t.trigger for t in states if t.allowed]
    data["triggers"] = [vars(t) for t in states]
    data["active_listing"] = active_listing(unit.id)
    return data


@blp.route("/units")
class Units(MethodView):
    @staff_required()
    @blp.arguments(s.UnitQuery, location="query")
    @blp.response(200, s.UnitPageOut)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Search units by name fragment or code prefix, status and street, one page at a time."""
        items, total = units.search_units(**args)
        return {"items": items, "total": total, "page": args["page"], "per_page": args["per_page"]}

    @staff_required("register_unit")
    @blp.arguments(s.UnitIn)
    @blp.response(201, s.UnitDetailOut)
    def post(self, args: dict[str, Any]) -> dict[str, Any]:
        """Register a unit; the code is normalised and checked (GB 32100)."""
        unit = units.register_unit(current_actor(), **args)
        return unit_detail(unit)


@blp.route("/units/<uscc>")
class UnitDetail(MethodView):
    @staff_required()
    @blp.response(200, s.UnitDetailOut)
    def get(self, uscc: str) -> dict[str, Any]:
        """The unit, its version, the triggers allowed now (and why others are not), its listing."""
        return unit_detail(units.get_unit(uscc))


@blp.route("/units/<uscc>/records")
class UnitRecords(MethodView):
    @staff_required()
    @blp.arguments(s.RecordQuery, location="query")
    @blp.response(200, s.RecordOut(many=True))
    def get(self, args: dict[str, Any], uscc: str) -> list[Any]:
        """The unit's records with their disclosure state and deadline."""
        rows = records.unit_records(uscc, args.get("category"))
        states = records.disclosure_states([r.id for r in rows])
        for r in rows:
            r.disclosure_state = states.get(r.id)
        return rows

    @staff_required("add_record")
    @blp.arguments(s.RecordIn)
    @blp.response(201, s.RecordOut)
    def post(self, args: dict[str, Any], uscc: str) -> Any:
        """Add an enforcement record; its disclosure deadline is computed on the calendar."""
        record = records.add_record(current_actor(), uscc, args)
        record.disclosure_state = records.disclosure_states([record.id]).get(record.id)
        return record


@blp.route("/units/<uscc>/events")
class UnitEvents(MethodView):
    @staff_required()
    @blp.response(200, s.EventsOut)
    def get(self, uscc: str) -> dict[str, Any]:
        """The audit trail, oldest first, and whether its hash chain verifies."""
        unit_id = units.get_unit(uscc).id
        check = check_one(unit_id)
        return {"chain_valid": check.valid, "chain_problem": check.problem,
                "events": unit_events(unit_id)}


@blp.route("/units/<uscc>/restoration-steps")
class UnitSteps(MethodView):
    @staff_required()
    @blp.response(200, s.StepsOut)
    def get(self, uscc: str) -> Any:
        """The restoration checklist and the earliest date to apply."""
        return restoration.restoration_steps(uscc)


@blp.route("/units/<uscc>/listings")
class UnitListings(MethodView):
    @staff_required("propose_listing")
    @blp.arguments(s.ListingIn)
    @blp.response(201, s.ListingOut)
    def post(self, args: dict[str, Any], uscc: str) -> Any:
        """Propose a listing; another supervisor must approve it."""
        return listings.propose_listing(current_actor(), uscc, **args)


@blp.route("/units/<uscc>/restoration-requests")
class UnitRequests(MethodView):
    @staff_required("file_restoration")
    @blp.arguments(s.RequestIn)
    @blp.response(201, s.RequestOut)
    def post(self, args: dict[str, Any], uscc: str) -> Any:
        """File a restoration request on the unit's behalf."""
        return restoration.file_request(
            current_actor(), uscc, args["commitment_signed"], args.get("note"), args.get("version")
        )

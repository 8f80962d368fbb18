"""The public API: what anyone may see of a unit, without a token (API.md)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields as f
from marshmallow import validate as v

from app.api.schemas import Strict, Text
from app.extensions import limiter
from app.freshness import json_answer
from app.services.base.context import setting_str, today
from app.services.online import public

blp = Blueprint("public_api", __name__, url_prefix="/api/v1/public",
                description="Public credit lookup (no token)")
limiter.limit(lambda: setting_str("PUBLIC_RATE_LIMIT"))(blp)
NO_TOKEN: dict[str, Any] = {"security": []}


class PublicQuery(Strict):
    q = Text(required=True, validate=v.Length(min=1, max=100))
    page = f.Integer(load_default=1, validate=v.Range(min=1, max=10000))
    per_page = f.Integer(load_default=20, validate=v.Range(min=1, max=100))


class PublicUnitOut(ma.Schema):
    uscc = Text()
    name = Text()
    listed = f.Boolean()


class PublicPageOut(ma.Schema):
    items = f.List(f.Nested(PublicUnitOut))
    total = f.Integer(metadata={"description": "how many units match, counted up to "
                                               "PUBLIC_COUNT_CAP (200)"})
    total_capped = f.Boolean(metadata={"description": "true: more than `total` units match; "
                                                      "pages end at the cap, refine the term"})
    page = f.Integer()
    per_page = f.Integer()


class PublicListingOut(ma.Schema):
    level = Text(metadata={"enum": ["minor", "general", "serious"]})
    decided_on = f.Date()
    document_no = Text()
    publicity_until = f.Date(allow_none=True, metadata={
        "description": "null: past its maximum with obligations unmet, public until they are"})
    objection = f.Boolean(metadata={
        "description": "true: under objection (异议处理中) while the authority checks it"})


class PublicRecordOut(ma.Schema):
    record_id = f.Integer()
    category = Text(metadata={"enum": ["inspection", "penalty", "coercive_measure", "licensing"]})
    decided_on = f.Date()
    publicity_until = f.Date(allow_none=True, metadata={
        "description": "null: past its maximum with the fine unpaid, public until it is paid"})
    published = f.Dict(keys=Text(), values=Text(), data_key="fields", attribute="fields",
                       metadata={"description": "the published fields (双公示 names), masked"})
    objection = f.Boolean(metadata={
        "description": "true: under objection (异议处理中) while the authority checks it"})


class PublicUnitDetailOut(PublicUnitOut):
    listing = f.Nested(PublicListingOut, allow_none=True)
    records = f.List(f.Nested(PublicRecordOut))


def _cached(body: dict[str, Any]) -> Response:
    """The body as JSON, kept by caches only with revalidation (``app.freshness``): an ETag of
    the body, 304 when the client holds it.

    The service gives it JSON-ready (ISO dates), so it skips the schema's dump: the schemas
    document the answers, and ``tests/e2e/test_public.py`` loads each answer with them.
    """
    return json_answer(body, today().isoformat())


@blp.route("/units")
class PublicUnits(MethodView):
    @blp.doc(**NO_TOKEN)
    @blp.arguments(PublicQuery, location="query")
    @blp.response(200, PublicPageOut)
    def get(self, args: dict[str, Any]) -> Any:
        """Units whose name contains ``q`` (two characters at least) or whose code is ``q``."""
        found = public.search(args["q"], args["page"], args["per_page"])
        return _cached({"items": found.items, "total": found.total,
                        "total_capped": found.capped, "page": args["page"],
                        "per_page": args["per_page"]})


@blp.route("/units/<uscc>")
class PublicUnit(MethodView):
    @blp.doc(**NO_TOKEN)
    @blp.response(200, PublicUnitDetailOut)
    def get(self, uscc: str) -> Any:
        """Whether the unit is listed, and its disclosed records still inside their publicity
        period (nothing withdrawn, no personal data)."""
        return _cached(public.unit_page(uscc))

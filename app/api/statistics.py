"""Staff API: the figures of a period and a street, beside the previous period's."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields as f
from marshmallow import validate as v

from app.api.auth import staff_required
from app.api.schemas import Strict, Text
from app.services.reporting import statistics

blp = Blueprint("statistics", __name__, url_prefix="/api/v1/statistics",
                description="The detachment's figures: enforcement and credit work")


class StatisticsQuery(Strict):
    year = f.Integer(load_default=None, validate=v.Range(min=2000, max=2099))
    quarter = f.Integer(load_default=None, validate=v.Range(min=1, max=4))
    month = f.Integer(load_default=None, validate=v.Range(min=1, max=12))
    start = f.Date(load_default=None, metadata={"description": "with `end`: any two dates"})
    end = f.Date(load_default=None)
    street = Text(load_default=None, validate=v.Length(max=100))


class PeriodOut(ma.Schema):
    start = Text(metadata={"format": "date"})
    end = Text(metadata={"format": "date"})
    label = Text()


class EnforcementOut(ma.Schema):
    inspections = f.Integer(metadata={"description": "inspections decided (检查单位…家次)"})
    hazards_found = f.Integer()
    hazards_rectified = f.Integer()
    correction_notices = f.Integer(metadata={"description": "《责令改正通知书》 issued"})
    penalties = f.Integer()
    seal_ups = f.Integer(metadata={"description": "units under a 临时查封"})
    stop_orders = f.Integer(metadata={"description": "units given a 三停"})
    fines_yuan = Text(metadata={"format": "decimal", "description": "fines decided, yuan"})
    major_hazards_closed = f.Integer(metadata={"description": "units whose 重大火灾隐患 was "
                                                              "closed (销案)"})


class CreditOut(ma.Schema):
    listed = f.Integer()
    listed_by_level = f.Dict(keys=Text(), values=f.Integer())
    restored_listings = f.Integer()
    restored_records = f.Integer()
    restorations_rejected = f.Integer()
    median_days_to_decision = f.Float(allow_none=True)
    disclosed = f.Integer()
    disclosed_on_time = f.Integer()
    disclosed_late = f.Integer()
    withdrawals = f.Integer()
    withdrawals_on_time = f.Integer()
    objections_received = f.Integer(metadata={"description": "objections (异议) filed"})
    objections_decided = f.Integer(metadata={"description": "objections answered"})
    objections_on_time = f.Integer(metadata={"description": "answered by their deadline"})
    objections_upheld = f.Integer()
    objections_corrected = f.Integer()
    objections_revoked = f.Integer()
    objections_withdrawn = f.Integer()
    objections_by_category = f.Dict(keys=Text(), values=f.Dict(keys=Text(), values=f.Integer()),
                                    metadata={"description": "the same by category contested "
                                                             "(listing: a listing)"})


class FiguresOut(ma.Schema):
    period = f.Nested(PeriodOut)
    street = Text(allow_none=True)
    enforcement = f.Nested(EnforcementOut)
    credit = f.Nested(CreditOut)
    paragraph = Text(metadata={"description": "the enforcement figures as the annual report "
                                              "writes them"})


class StatisticsOut(FiguresOut):
    previous = f.Nested(FiguresOut, metadata={"description": "the period just before"})


@blp.route("")
class Statistics(MethodView):
    @staff_required()
    @blp.arguments(StatisticsQuery, location="query")
    @blp.response(200, StatisticsOut)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The figures of a year, a quarter or a month of it, or two dates (and a street),
        with the previous period's; 422 for a period that is not one."""
        period = statistics.period_of(args["year"], args["quarter"], args["month"],
                                      args["start"], args["end"])
        now = statistics.figures(period, args["street"])
        before = statistics.figures(period.previous(), args["street"])
        for found in (now, before):
            found["paragraph"] = statistics.paragraph(found["enforcement"])
        return {**now, "previous": before}

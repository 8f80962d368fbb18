"""Staff API: registers in from a spreadsheet, checked whole, imported all or nothing."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import fields as f

from app.api.auth import current_actor, staff_required
from app.api.schemas import Strict, Text
from app.errors import ValidationFailed
from app.i18n import N_
from app.services.casework import importing, sheets

blp = Blueprint("imports", __name__, url_prefix="/api/v1/imports",
                description="Units and records from spreadsheets (the template's sheets)")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportQuery(Strict):
    dry_run = f.Boolean(load_default=False, metadata={
        "description": "check every row and report; import nothing"})


class ImportFile(ma.Schema):
    file = Upload(required=True, metadata={"description": ".xlsx, or .csv in UTF-8 or GB18030"})


class ProblemOut(ma.Schema):
    sheet = Text()
    row = f.Integer()
    column = Text()
    message = Text()


class ExampleOut(ma.Schema):
    sheet = Text()
    row = f.Integer()


class ReportOut(ma.Schema):
    imported = f.Boolean(metadata={"description": "true: everything new was imported"})
    rows = f.Dict(keys=Text(), values=f.Integer(), metadata={"description": "rows by sheet"})
    new = f.Dict(keys=Text(), values=f.Integer())
    already = f.Dict(keys=Text(), values=f.Integer(), metadata={
        "description": "rows imported before, skipped"})
    unpublished = f.Dict(keys=Text(), values=f.Integer(), metadata={
        "description": "new records stored and counted but not published, by sheet: minor "
                       "penalties, and decisions whose publicity had already ended"})
    examples = f.List(f.Nested(ExampleOut), metadata={
        "description": "the template's example rows still in the file, left out"})
    notes = f.List(f.Nested(ProblemOut), metadata={
        "description": "what the reader did that is worth knowing (a sheet read as a "
                       "template sheet, its header under title rows, hidden rows left out)"})
    problem_count = f.Integer()
    problems = f.List(f.Nested(ProblemOut), metadata={"description": "the first 1,000"})


@blp.route("")
class Imports(MethodView):
    @staff_required("import_records")
    @blp.arguments(ImportQuery, location="query")
    @blp.arguments(ImportFile, location="files")
    @blp.response(200, ReportOut)
    def post(self, query: dict[str, Any], files: dict[str, Any]) -> Any:
        """Check a file whole (every row's problems with sheet, row and column) and, unless
        `dry_run` or a problem was found, import it in one transaction. 200 with the report
        either way (`imported` says which); 422 for a file that is not a spreadsheet of the
        template, or too large."""
        upload = files["file"]
        data = upload.read()
        if not data:
            raise ValidationFailed.on("file", N_("请选择要导入的文件。"))
        return importing.import_file(current_actor(), data, upload.filename or "",
                                     dry_run=query["dry_run"])


@blp.route("/template.xlsx")
class Template(MethodView):
    @staff_required()
    @blp.response(200, content_type=XLSX)
    def get(self) -> Response:
        """The template to fill in."""
        return Response(sheets.template(), mimetype=XLSX)

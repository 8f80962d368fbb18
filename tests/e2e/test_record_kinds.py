"""A field declared once, in the kind's declaration only, reaches every surface: the staff
form and its page, the API's schemas, the import template, the export and the platform."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook
from sqlalchemy import select

from app.api.schemas import record_in_schema, record_out_schema
from app.extensions import db
from app.models import DisclosureItem
from app.publishers.fields import FIELDS
from app.services.casework import records, sheets
from app.services.reporting.exports import records_workbook
from app.services.reporting.statistics import year_period
from app.web.forms_record import record_form_class
from app.workflows import record_kinds
from tests import builders as b
from tests.pages import Session

# Kept in a column of the record no kind declares, so that the test needs no migration.
EXTRA = record_kinds.Field("revoked_reason", record_kinds.TEXT, "测试附注", "测试附注列",
                           size=200, example="示例附注", published="测试附注列")


def test_a_field_declared_once_is_in_the_form_schemas_template_export_and_payload(
        app, monkeypatch):
    assert "测试附注列" not in FIELDS["penalty"]
    monkeypatch.setitem(record_kinds.KINDS, "penalty",
                        record_kinds.PENALTY.with_field(EXTRA, after="legal_basis"))
    with app.test_request_context("/"):
        assert "revoked_reason" in record_form_class()()._fields
    assert "revoked_reason" in record_in_schema()().fields
    assert "revoked_reason" in record_out_schema()().fields
    assert FIELDS["penalty"][-4] == "测试附注列"  # after the kind's own, before the source's

    with app.app_context():
        template = load_workbook(io.BytesIO(sheets.template()), read_only=True)
        headers = next(template["行政处罚"].iter_rows(max_row=1, values_only=True))
        assert "测试附注列" in headers
        officer = b.staff("officer", "wang")
        unit = b.unit(officer)
        decided = dt.date.today() - dt.timedelta(days=30)
        record = b.penalty(officer, unit.uscc, decided_on=decided, revoked_reason="附注内容")
        payload = db.session.scalars(select(DisclosureItem.payload).where(
            DisclosureItem.record_id == record.id)).one()
        assert payload["测试附注列"] == "附注内容"
        exported = load_workbook(io.BytesIO(records_workbook(
            year_period(decided.year), "penalty", None)), read_only=True)
        rows = list(exported["行政处罚"].iter_rows(values_only=True))
        assert dict(zip(rows[0], rows[-1], strict=False))["测试附注列"] == "附注内容"
        assert records.get_record(record.id).revoked_reason == "附注内容"
        uscc = unit.uscc
        db.session.remove()
    page = Session(app, "wang").get(f"/staff/units/{uscc}/records/new?category=penalty")
    assert 'name="revoked_reason"' in page.get_data(as_text=True)
    assert "测试附注" in page.get_data(as_text=True)

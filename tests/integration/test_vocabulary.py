"""One vocabulary: the staff form, the API, the published file and the page say the same name
for every type; the 三停 are penalties (消防法 第58、60、61、70条), and records entered as a
coercive stop order become the penalties they are."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from app.errors import ValidationFailed
from app.extensions import db
from app.models import DisclosureItem, EnforcementRecord
from app.publishers.fields import public_fields
from app.services.audit.unit_trail import unit_events, verify_chain
from app.services.casework import records
from app.services.disclosure.pipeline import run_disclosure
from app.web.forms_record import record_form_class
from app.workflows.facts import Actor
from app.workflows.vocabulary import MEASURE_TYPES, PENALTY_TYPES
from tests import builders as b

SYSTEM = Actor(None, "creditflow", "system")


def test_the_form_offers_what_is_published_under_the_same_name(app):
    with app.test_request_context("/"):
        form = record_form_class()()
        offered = {c.value: str(c.label) for c in form.penalty_types.choices}
    assert set(offered) == set(PENALTY_TYPES.offered) and "stop_order" not in offered
    for value, label in offered.items():
        fields = public_fields("penalty", {
            "op": "add", "penalty_types": [value], "document_no": "D", "decided_on": "2026-01-01",
            "unit": {"uscc": "U", "name": "N"}, "authority": {"name": "A", "uscc": "S"}})
        assert fields["处罚类别"] == PENALTY_TYPES.code(value)
        assert label in fields["处罚内容"] or value == "fine"  # a fine is stated as an amount


@pytest.mark.parametrize(("value", "code"), [("stop_construction", "4"), ("stop_use", "4"),
                                             ("suspension", "4"), ("licence_revocation", "5")])
def test_the_three_stops_are_penalties_with_code_4(ctx, value, code):
    officer = b.staff("officer")
    rec = b.penalty(officer, b.unit(officer).uscc, penalty_types=[value], fine_amount=None,
                    licence_affected="消防安全检查合格证 DLXF2025001"
                    if value.startswith("licence") else None,  # only with a licence's kind
                    decided_on=b.today_local() - dt.timedelta(days=30))  # inside its window
    item = db.session.scalars(select(DisclosureItem).where(
        DisclosureItem.record_id == rec.id)).one()
    assert item.payload["处罚类别"] == code
    assert item.payload["处罚内容"] == PENALTY_TYPES.zh(value)


def test_a_stop_order_is_no_longer_a_coercive_measure(ctx):
    officer = b.staff("officer")
    with pytest.raises(ValidationFailed) as info:
        records.add_record(officer, b.unit(officer).uscc, {
            "category": "coercive_measure", "document_no": "C-1", "decided_on": b.today_local(),
            "measure_type": "stop_order", "started_on": b.today_local()})
    assert "行政处罚" in info.value.errors["measure_type"][0]
    assert MEASURE_TYPES.offered == ("seal_up", "enforcement", "other")


def test_existing_stop_orders_become_penalties_once(ctx, tmp_path):
    ctx.config.update(OUTBOX_DIR=str(tmp_path / "outbox"))
    officer = b.staff("officer")
    u = b.unit(officer)
    old = records.add_record(officer, u.uscc, {
        "category": "coercive_measure", "document_no": "津东消强字〔2025〕0007号",
        "decided_on": b.today_local(), "measure_type": "seal_up",
        "started_on": b.today_local(), "facts": "三停", "deliberation_ref": "集议-1",
        "deliberation_on": b.today_local()})
    old_id, unit_id = old.id, u.id
    run_disclosure()
    db.session.execute(update(EnforcementRecord).where(EnforcementRecord.id == old_id)
                       .values(measure_type="stop_order"))  # as an earlier version stored it
    db.session.commit()
    assert records.reclassify_stop_orders(SYSTEM) == {"reclassified": [old_id], "skipped": []}
    assert records.reclassify_stop_orders(SYSTEM) == {"reclassified": [], "skipped": []}
    rec = db.session.get_one(EnforcementRecord, old_id)
    assert (rec.category, rec.penalty_types, rec.publicity_status) == (
        "penalty", ["stop_order"], "awaiting")
    items = db.session.execute(select(DisclosureItem.category, DisclosureItem.op,
                                      DisclosureItem.payload)
                               .where(DisclosureItem.record_id == old_id)
                               .order_by(DisclosureItem.id)).all()
    assert [(c, o) for c, o, _ in items] == [("coercive_measure", "add"),
                                             ("coercive_measure", "withdraw"), ("penalty", "add")]
    assert items[1][2]["备注"].startswith("更正：") and items[2][2]["处罚类别"] == "4"
    events = unit_events(unit_id)
    assert events[-1].trigger == "record_reclassified" and verify_chain(events) is None

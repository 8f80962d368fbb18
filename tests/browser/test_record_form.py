"""The record form as the kinds declare it, in a real browser: the chosen category's fields
and the shared ones it has, nothing of the others; a record's page shows every field it holds."""

from __future__ import annotations

import datetime as dt

from tests import builders as b
from tests.browser.conftest import sign_in

SHOTS = "test-output/screenshots"


def test_the_form_shows_a_kinds_fields_and_the_unit_page_all_a_record_holds(
        app, server, open_page):
    with app.app_context():
        officer = b.staff("officer", "wang")
        unit = b.unit(officer, name="东丽区某某物流有限公司")
        b.penalty(officer, unit.uscc, decided_on=dt.date.today() - dt.timedelta(days=30),
                  penalty_types=["fine", "confiscation"], confiscation_amount="1200.00",
                  effective_until=dt.date.today())
        code = unit.uscc
    page = open_page("officer")
    sign_in(page, server, "wang")
    page.goto(f"{server}/staff/units/{code}/records/new")
    page.select_option("select[name=category]", "coercive_measure")
    assert page.is_visible("select[name=measure_type]")
    assert page.is_visible("input[name=deliberation_ref]")  # a seal-up may need it
    assert page.is_hidden("input[name=person_name]")  # a natural person: penalty, licensing
    assert page.is_hidden("select[name=tier]")
    page.select_option("select[name=category]", "penalty")
    assert page.is_visible("input[name=confiscation_amount]")
    assert page.is_visible("input[name=person_name]")
    assert page.is_hidden("input[name=hazards_found]")
    assert page.is_hidden("input[name=paid_amount]")  # a register's column, not the form's
    page.screenshot(path=f"{SHOTS}/record-form-penalty.png", full_page=True)
    page.goto(f"{server}/staff/units/{code}")
    page.click("details.record-details summary")
    details = page.inner_text("details.record-details")
    assert "没收违法所得、非法财物金额（元）" in details and "1200.00" in details
    page.screenshot(path=f"{SHOTS}/unit-record-details.png", full_page=True)

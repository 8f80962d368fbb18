"""A unit ends one penalty's publicity online in a real browser (终止公示行政处罚信息): the
officer prints the penalty restoration guide with the access code, the unit sees each public
penalty with its own steps, applies for the one past its minimum, a supervisor approves, and
the public lookup shows only the penalty that stays public."""

from __future__ import annotations

import datetime as dt

from app.services.base.context import today
from app.services.disclosure.pipeline import run_disclosure
from tests import builders as b
from tests.browser.conftest import sign_in
from tests.selfservice import PDF


def test_unit_restores_one_penalty_while_another_stays_public(app, server, open_page, tmp_path):
    with app.app_context():
        officer, _ = b.staff("officer", "wang"), b.staff("supervisor", "zhang")
        unit, old = b.public_penalty(officer, days_ago=200)
        code, name, old_no = unit.uscc, unit.name, old.document_no
        b.pay_in_full(officer, old)
        young = b.penalty(officer, code, decided_on=today() - dt.timedelta(days=30))
        young_no = young.document_no
        run_disclosure("penalty")
    proof = tmp_path / "整改报告.pdf"
    proof.write_bytes(PDF)

    staff = open_page("officer")
    sign_in(staff, server, "wang")
    staff.goto(f"{server}/staff/units/{code}")
    staff.click("text=打印处罚信息修复告知书")
    staff.click("button.primary")
    access = staff.inner_text("[data-access-code]")
    assert old_no in staff.inner_text("article.notice")

    page = open_page("unit")
    page.goto(f"{server}/self/login")
    page.fill("input[name=uscc]", code)
    page.fill("input[name=access_code]", access)
    page.click("button.primary")
    page.wait_for_url(f"{server}/self/")
    records = page.inner_text("#records")
    assert old_no in records and young_no in records and "最短公示期未满" in records
    page.click("text=在线申请终止公示")
    page.fill("input[name=signed_name]", name)
    page.fill("input[name=signed_representative]", "刘洋")  # none registered: any name signs
    page.check("input[name=agree]")
    page.set_input_files("input[name=proofs]", str(proof))
    page.click("button.primary")
    page.wait_for_selector("text=申请已提交")
    assert "申请终止公示中" in page.inner_text("#records")

    reviewer = open_page("supervisor")
    sign_in(reviewer, server, "zhang")
    reviewer.click("#requests a.button")
    assert old_no in reviewer.inner_text("section.card")
    reviewer.check("input[name=decision][value=approve]")
    reviewer.click("button.primary")
    reviewer.wait_for_selector("text=已准予终止该处罚信息的公示")

    page.reload()
    assert old_no not in page.inner_text("#records") and young_no in page.inner_text("#records")
    assert page.get_attribute(".request", "data-status") == "approved"
    page.click("[data-decision-link]")  # the restored record's 信用修复决定书
    sheet = page.inner_text("[data-decision]")
    assert "信用修复决定书" in sheet and old_no in sheet and "终止该行政处罚信息的公示" in sheet
    page.go_back()

    public = open_page("public")
    public.goto(f"{server}/public/")
    public.fill("input[name=q]", code)
    public.click("button.primary")
    public.click(f"text={name}")
    shown = public.inner_text("main")
    assert young_no in shown and old_no not in shown

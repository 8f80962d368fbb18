"""The unit's journey in a real browser: it signs in with the code from its printed notice,
reads its steps, applies with a proof, follows progress; a supervisor approves; the unit sees
itself restored, and the public lookup no longer lists it."""

from __future__ import annotations

from tests import builders as b
from tests.browser.conftest import sign_in
from tests.selfservice import PDF


def test_unit_applies_online_and_sees_itself_restored(app, server, open_page, tmp_path):
    with app.app_context():
        officer, supervisor = b.staff("officer", "wang"), b.staff("supervisor", "zhang")
        unit, record, _ = b.listed_unit(officer, supervisor, days_ago=200)
        b.pay_in_full(officer, record)
        code, name = unit.uscc, unit.name
        from app.extensions import db
        from app.models import Unit

        db.session.get(Unit, unit.id).legal_representative = "刘洋"
        db.session.commit()
    proof = tmp_path / "缴款凭证.pdf"
    proof.write_bytes(PDF)

    staff = open_page("officer")  # the officer prints the notice: it carries the access code
    sign_in(staff, server, "wang")
    staff.goto(f"{server}/staff/units/{code}")
    staff.click("text=打印失信主体名单列入告知书")
    staff.click("button.primary")
    access = staff.inner_text("[data-access-code]")

    page = open_page("unit")
    page.goto(f"{server}/self/login")
    page.fill("input[name=uscc]", code)
    page.fill("input[name=access_code]", "WRONG-CODE-0000")
    page.click("button.primary")
    page.wait_for_selector("text=统一社会信用代码或访问码不正确。")
    page.fill("input[name=access_code]", access.lower().replace("-", ""))
    page.click("button.primary")
    page.wait_for_url(f"{server}/self/")
    assert "拒不改正消防违法行为" in page.inner_text("#why")
    assert page.get_attribute("[data-step=minimum_period]", "data-state") == "done"
    assert page.get_attribute("[data-step=fines_paid]", "data-state") == "done"
    assert page.get_attribute("[data-step=commitment_signed]", "data-state") == "todo"
    page.emulate_media(media="print")
    assert page.is_hidden("header.top") and page.is_hidden("#contact")
    page.emulate_media(media="screen")

    page.click("text=在线申请信用修复")
    page.fill("input[name=signed_name]", name)
    page.fill("input[name=signed_representative]", "刘洋")
    page.check("input[name=agree]")
    page.set_input_files("input[name=proofs]", str(proof))
    page.click("button.primary")
    page.wait_for_selector("text=申请已提交")
    progress = page.inner_text("#requests")
    assert "审核中" in progress and "应于" in progress and "缴款凭证.pdf" in progress
    pending = page.inner_text("#steps [data-pending]")  # what happens next, not a red "unmet"
    assert "已提交，等待审核" in pending and "决定期限" in pending
    assert page.query_selector("[data-step=no_open_request]") is None
    assert page.is_visible("#contact")  # a decision mail can still come

    reviewer = open_page("supervisor")
    sign_in(reviewer, server, "zhang")
    reviewer.goto(f"{server}/staff/units/{code}")
    reviewer.click("[data-trigger=approve_restoration] a.button")
    assert "缴款凭证.pdf" in reviewer.inner_text("section.card")
    with reviewer.expect_download() as download:
        reviewer.click("ul.files a")
    assert download.value.path().read_bytes() == PDF
    reviewer.check("input[name=decision][value=approve]")
    reviewer.click("button.primary")
    reviewer.wait_for_selector("text=已准予信用修复")

    assert reviewer.query_selector("[data-step=no_open_request]") is None
    page.reload()
    page.wait_for_selector("[data-restored]")
    assert page.get_attribute(".request", "data-status") == "approved"
    assert page.is_visible("#contact")  # the penalty's own publicity may still be restored
    page.click("[data-decision-link]")
    sheet = page.inner_text("[data-decision]")
    assert "信用修复决定书" in sheet and name in sheet and "东消信修决字〔" in sheet
    assert page.inner_text("[data-decision-date]") == page.evaluate(
        "new Date().toLocaleDateString('sv-SE', {timeZone: 'Asia/Shanghai'})")

    public = open_page("public")
    public.goto(f"{server}/public/")
    public.fill("input[name=q]", code)
    public.click("button.primary")
    public.click(f"text={name}")
    assert public.get_attribute("[data-listed]", "data-listed") == "false"

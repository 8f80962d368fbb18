"""A unit contests a published penalty in a real browser: it signs in, finds the record under
异议, says what is wrong with a proof, sees the deadline; the public page marks the record
"异议处理中"; a second officer (not the one who entered it) corrects the fine; the unit sees
the reasoned answer and the mark is gone."""

from __future__ import annotations

from tests import builders as b
from tests.browser.conftest import sign_in
from tests.selfservice import PDF


def test_unit_contests_a_record_and_sees_the_answer(app, server, open_page, tmp_path):
    with app.app_context():
        officer = b.staff("officer", "wang")
        b.staff("officer", "li")
        unit, record = b.public_penalty(officer, fine_amount="5000.00")
        code, record_id = unit.uscc, record.id
        from app.services.online.access import issue_access_code

        access = issue_access_code(officer, code)
    proof = tmp_path / "缴款收据.pdf"
    proof.write_bytes(PDF)

    page = open_page("unit")
    page.goto(f"{server}/self/login")
    page.fill("input[name=uscc]", code)
    page.fill("input[name=access_code]", access)
    page.click("button.primary")
    page.wait_for_url(f"{server}/self/")
    page.click(f"#objections [data-contestable] a[href*='id={record_id}']")
    assert "5 个工作日内" in page.inner_text("[data-due]")
    page.click("button.primary")  # nothing said: refused, nothing filed
    page.wait_for_selector(".error-summary")
    page.fill("textarea[name=claim]", "罚款金额录错：决定书载明罚款3000元")
    page.fill("textarea[name=expected]", "罚款3000元")
    page.fill("input[name=contact_name]", "刘洋")
    page.fill("input[name=contact_phone]", "022-24390000")
    page.set_input_files("input[name=proofs]", str(proof))
    page.click("button.primary")
    page.wait_for_selector("text=异议已提交")
    mine = page.inner_text("#objections article")
    assert "已受理" in mine and "缴款收据.pdf" in mine and "异议处理中" in mine

    public = open_page("public")
    public.goto(f"{server}/public/units/{code}")
    assert public.is_visible(f"[data-record='{record_id}'] [data-objection]")

    clerk = open_page("officer")
    sign_in(clerk, server, "li")
    clerk.goto(f"{server}/staff/")
    clerk.click("#objections a.button")
    clerk.click("text=开始核查")
    clerk.wait_for_selector("text=已开始核查")
    clerk.fill("#correct input[name=fine_amount]", "3000.00")
    clerk.fill("#correct textarea[name=reason]", "罚款金额录入有误，已按决定书更正为3000元")
    clerk.click("#correct button.primary")
    clerk.wait_for_selector("text=已更正")
    assert clerk.get_attribute("h1 .tag", "data-status") == "corrected"

    page.reload()
    answer = page.inner_text("#objections article")
    assert "已更正" in answer and "按决定书更正为3000元" in answer
    public.reload()
    assert public.query_selector(f"[data-record='{record_id}'] [data-objection]") is None

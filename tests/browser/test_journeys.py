"""The staff's main journeys in a real browser: list a unit, approve, print the notice,
restore it; in Chinese, and a form refused in English."""

from __future__ import annotations

import datetime as dt
import io
import re

import zxingcpp
from PIL import Image

from tests import builders as b
from tests.browser.conftest import sign_in

OLD = (dt.date.today() - dt.timedelta(days=400)).isoformat()


def decode_qr(png: bytes) -> str:
    """The text of the QR code in a screenshot (zxing-cpp, as a phone's camera would)."""
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(results) == 1, results
    return str(results[0].text)


def test_officer_lists_a_unit_supervisor_approves_officer_prints_the_notice(
    app, server, open_page
):
    with app.app_context():
        b.staff("officer", "wang")
        b.staff("supervisor", "zhang")
    code = b.uscc()
    officer = open_page("officer")
    sign_in(officer, server, "wang")
    officer.click("text=单位")
    officer.click("text=登记单位")
    officer.fill("input[name=uscc]", code)
    officer.fill("input[name=name]", "东丽区某某餐饮有限公司")
    officer.fill("input[name=street]", "无瑕街道")
    officer.click("button.primary")
    officer.wait_for_selector("text=单位已登记。")

    officer.click("text=登记执法记录")
    officer.select_option("select[name=category]", "penalty")
    # The fields follow the category (the page's script hides the others: wait for it).
    officer.wait_for_selector("fieldset[data-category=inspection]", state="hidden", timeout=5000)
    assert officer.is_hidden("fieldset[data-category=inspection]")
    officer.fill("input[name=document_no]", "津东消行罚决字〔2025〕0001号")
    officer.fill("input[name=decided_on]", OLD)
    officer.select_option("select[name=tier]", "general")
    officer.check("input[name=penalty_types][value=fine]")
    officer.fill("input[name=fine_amount]", "5000")
    officer.fill("textarea[name=facts]", "占用、堵塞消防车通道")
    officer.fill("textarea[name=legal_basis]", "《中华人民共和国消防法》第六十条")
    officer.click("button.primary")
    officer.wait_for_selector("text=执法记录已登记")

    officer.click("text=提出列入建议")
    officer.check("input[name=basis_record_ids]")
    officer.select_option("select[name=level]", "general")
    officer.fill("textarea[name=reason]", "拒不改正消防违法行为")
    officer.fill("input[name=document_no]", "津东消信列字〔2025〕0001号")
    officer.fill("input[name=decided_on]", OLD)
    officer.click("button.primary")
    officer.wait_for_selector("text=列入建议已提交")

    supervisor = open_page("supervisor")
    sign_in(supervisor, server, "zhang")
    supervisor.click("#proposals a.button")
    supervisor.check("input[name=decision][value=approve]")
    supervisor.click("button.primary")
    supervisor.wait_for_selector("text=已审核同意")
    assert supervisor.inner_text("h1 .badge") == "列入失信名单"

    app.config.update(BASE_URL="https://xinyong.dongli.example.cn",
                      CONTACT_PHONE="022-2439 0000")
    officer.goto(f"{server}/staff/units/{code}")
    officer.click("text=打印失信主体名单列入告知书")
    officer.click("text=签发访问码并生成告知书")
    access = officer.inner_text("[data-access-code]")
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", access)
    notice = officer.inner_text("article.notice")
    assert "失信主体名单列入告知书" in notice and "拒不改正消防违法行为" in notice
    assert "最早申请日期" in notice and "022-2439 0000" in notice and code in notice
    address = f"https://xinyong.dongli.example.cn/self/login?uscc={code}"
    assert officer.inner_text("[data-address]") == address
    assert decode_qr(officer.locator("[data-qr] svg").screenshot()) == address
    assert "在线签署" in notice and "无需再交" in notice  # the same words as the self-service
    officer.emulate_media(media="print")
    assert officer.is_hidden("header.top")  # the print stylesheet leaves only the sheet


def test_a_restoration_is_filed_and_approved(app, server, open_page):
    with app.app_context():
        officer, sup = b.staff("officer", "wang"), b.staff("supervisor", "zhang")
        unit, record, _ = b.listed_unit(officer, sup)
    page = open_page("officer")
    sign_in(page, server, "wang")
    page.goto(f"{server}/staff/units/{unit.uscc}")
    assert page.query_selector("li.trigger[data-trigger=approve_restoration]") is None
    page.click(f"a[href='/staff/records/{record.id}/payment']")
    page.fill("input[name=amount]", "5000")
    page.fill("input[name=paid_on]", dt.date.today().isoformat())
    page.click("button.primary")
    page.wait_for_selector("text=缴款已登记。")
    page.click("li.trigger[data-trigger=request_restoration] a")
    page.check("input[name=commitment_signed]")
    page.click("button.primary")
    page.wait_for_selector("text=修复申请已提交")

    supervisor = open_page("supervisor")
    sign_in(supervisor, server, "zhang")
    supervisor.click("#requests a.button")
    assert supervisor.is_visible("li.step.done[data-step=fines_paid]")
    supervisor.check("input[name=decision][value=approve]")
    supervisor.click("button.primary")
    supervisor.wait_for_selector("text=已准予信用修复")
    assert supervisor.inner_text("h1 .badge") == "已信用修复"
    assert "准予信用修复" in supervisor.inner_text("#timeline")


def test_a_revocation_is_proposed_by_one_and_approved_by_another(app, server, open_page):
    with app.app_context():
        officer, sup = b.staff("officer", "wang"), b.staff("supervisor", "zhang")
        b.staff("supervisor", "li")
        unit, _, _ = b.listed_unit(officer, sup)
    page = open_page("officer")
    sign_in(page, server, "wang")
    page.goto(f"{server}/staff/units/{unit.uscc}")
    page.click("text=提出撤销列入建议")
    page.select_option("select[name=ground]", "reconsideration")
    page.fill("input[name=document_no]", "津东复决字〔2026〕12号")
    page.fill("input[name=decided_on]", dt.date.today().isoformat())
    page.fill("textarea[name=reason]", "行政复议决定撤销原处罚决定")
    page.click("button.danger")
    page.wait_for_selector("text=撤销建议已提交")
    assert page.is_visible("text=须由审核人审核。")  # an officer cannot decide it
    page.goto(f"{server}/staff/units/{unit.uscc}")
    assert page.inner_text("h1 .badge") == "列入失信名单"  # nothing changed yet

    supervisor = open_page("supervisor")
    sign_in(supervisor, server, "li")
    supervisor.click("#revocations a.button")
    assert "津东复决字〔2026〕12号" in supervisor.inner_text("dl")
    supervisor.check("input[name=decision][value=approve]")
    supervisor.click("button.primary")
    supervisor.wait_for_selector("text=已同意撤销")
    assert supervisor.inner_text("h1 .badge") == "正常"
    assert "撤销列入" in supervisor.inner_text("#timeline")


def test_blocked_actions_say_why_and_english_forms_refuse_in_english(app, server, open_page):
    with app.app_context():
        officer, sup = b.staff("officer", "wang"), b.staff("supervisor", "zhang")
        unit, _, _ = b.listed_unit(officer, sup, days_ago=10)
    page = open_page("officer")
    sign_in(page, server, "wang")
    page.goto(f"{server}/staff/units/{unit.uscc}")
    page.click("text=English")
    reasons = page.inner_text("li.trigger[data-trigger=request_restoration]")
    assert "The minimum publicity period has not passed" in reasons
    assert page.is_disabled("li.trigger[data-trigger=request_restoration] button")
    page.goto(f"{server}/staff/units/new")
    page.fill("input[name=uscc]", "91120110MA0000001X")
    page.fill("input[name=name]", "Typed name is kept")
    page.click("button.primary")
    page.wait_for_selector("text=The check character of the unified social credit code is wrong")
    assert page.input_value("input[name=name]") == "Typed name is kept"


def test_the_api_docs_page_runs_under_its_content_security_policy(server, open_page):
    page = open_page("docs")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{server}/api/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "creditflow" in page.inner_text(".swagger-ui .info .title")
    assert not [e for e in errors if "Content Security Policy" in e]

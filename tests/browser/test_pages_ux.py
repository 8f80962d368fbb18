"""Pages a unit and a clerk understand without help (issue 12): errors summarised at the top
with focus on them, and the other page-level promises, in a real browser."""

from __future__ import annotations

from tests import builders as b
from tests.browser.conftest import sign_in
from tests.selfservice import EXE, listed


def focused_summary(page) -> str:  # type: ignore[no-untyped-def]
    """The error summary's text, asserting that it has the focus."""
    page.wait_for_selector("[data-error-summary]")
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    return str(page.inner_text("[data-error-summary]"))


def test_a_refused_form_summarises_its_errors_at_the_top_and_focuses_them(app, server,
                                                                          open_page):
    with app.app_context():
        b.staff("officer", "wang")
    page = open_page("officer")
    sign_in(page, server, "wang")
    page.goto(f"{server}/staff/units/new")
    page.fill("input[name=uscc]", "91120110MA0000001X")  # a wrong check character
    page.click("button.primary")
    summary = focused_summary(page)
    assert "校验位" in summary and "单位名称" in summary
    page.click("[data-error-summary] a[href='#name']")
    assert page.evaluate("document.activeElement.name") == "name"


def test_a_refused_upload_is_summarised_at_the_top_of_the_application(app, server, open_page,
                                                                     tmp_path):
    with app.app_context():
        officer, supervisor = b.staff("officer"), b.staff("supervisor")
    unit, code = listed(app, officer, supervisor, legal_representative="刘洋")
    disguised = tmp_path / "凭证.pdf"
    disguised.write_bytes(EXE)
    page = open_page("unit")
    page.goto(f"{server}/self/login?uscc={unit.uscc}")
    assert page.input_value("input[name=uscc]") == unit.uscc  # filled in from the notice's QR
    page.fill("input[name=access_code]", code)
    page.click("button.primary")
    page.click("text=在线申请信用修复")
    page.fill("input[name=signed_name]", unit.name)
    page.fill("input[name=signed_representative]", "刘洋")
    page.check("input[name=agree]")
    page.set_input_files("input[name=proofs]", str(disguised))
    page.click("button.primary")
    assert "PDF" in focused_summary(page)


def test_the_public_starts_at_a_page_of_their_own_and_never_meets_a_dead_end(server, open_page):
    page = open_page("public")
    page.goto(f"{server}/public/")
    page.click("a.brand")
    assert page.url == f"{server}/" and "请先登录" not in page.inner_text("main")
    choices = {c.get_attribute("data-start") for c in page.query_selector_all("[data-start]")}
    assert choices == {"public", "self", "staff"}
    page.click("[data-start=self]")
    assert page.url.startswith(f"{server}/self/login")
    page.goto(f"{server}/no-such-page")
    page.click("text=返回首页")
    assert page.url == f"{server}/"

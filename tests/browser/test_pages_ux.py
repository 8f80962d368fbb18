"""Pages a unit and a clerk understand without help (issue 12): errors summarised at the top
with focus on them, and the other page-level promises, in a real browser."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests import builders as b
from tests.browser.conftest import decline_next_dialog, sign_in
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


def test_actions_only_where_they_can_be_taken(app, server, open_page):
    with app.app_context():
        officer, sup = b.staff("officer", "wang"), b.staff("supervisor", "zhang")
        b.staff("supervisor", "li")
        unit, record, _ = b.listed_unit(officer, sup, days_ago=200)  # the fine is not paid
        from app.services.credit import restoration

        restoration.file_request(officer, unit.uscc, True)
        colleague = b.staff("officer", "zhao")  # proposes; wang, an officer, only looks
        proposed = b.unit(colleague)
        rec = b.penalty(colleague, proposed.uscc)
        from app.services.credit.listings import propose_listing

        propose_listing(colleague, proposed.uscc, "general", "理由", [rec.id],
                        "津东消信列字〔2026〕77号", rec.decided_on)
    clerk = open_page("officer")
    sign_in(clerk, server, "wang")
    assert clerk.query_selector("#proposals a.button") is None  # only a supervisor decides
    assert "由审核人审核" in clerk.inner_text("#proposals")

    reviewer = open_page("supervisor")
    sign_in(reviewer, server, "li")
    reviewer.click("#requests a.button")
    assert reviewer.is_disabled("input[name=decision][value=approve]")  # a fine is unpaid
    assert "罚款尚未缴清" in reviewer.inner_text("[data-blockers]")
    reviewer.fill("textarea[name=reason]", "罚款尚未缴清，请缴清后重新申请")
    decline_next_dialog(reviewer)  # thinks again: nothing is sent, nothing changes
    reviewer.click("button.primary")
    assert reviewer.get_attribute("[data-request-status]", "data-request-status") == "submitted"
    assert reviewer.input_value("textarea[name=reason]") == "罚款尚未缴清，请缴清后重新申请"
    reviewer.click("button.primary")  # confirmed: the rejection is made
    reviewer.wait_for_selector("text=已决定不予修复")


def test_a_rejection_reads_as_one(app, server, open_page):
    with app.app_context():
        officer, sup, other = b.staff("officer"), b.staff("supervisor"), b.staff("supervisor")
    unit, code = listed(app, officer, sup, legal_representative="刘洋")
    with app.app_context():
        from app.services.credit import restoration

        request = restoration.file_request(officer, unit.uscc, True)
        restoration.reject_request(other, request.id, "承诺书未按要求签署")
    page = open_page("unit")
    page.goto(f"{server}/self/login?uscc={unit.uscc}")
    page.fill("input[name=access_code]", code)
    page.click("button.primary")
    outcome = page.locator("[data-outcome=rejected]")
    assert "rejected" in (outcome.get_attribute("class") or "")
    assert outcome.locator(".mark").inner_text() == "✕"
    color = outcome.locator(".mark").evaluate("e => getComputedStyle(e).color")
    assert color == "rgb(179, 38, 30)"  # the danger colour, not the green of a done step


def test_plain_words(app, server, open_page):
    with app.app_context():
        officer = b.staff("officer", "wang")
        b.staff("supervisor", "zhang")
        unit = b.unit(officer, contact_phone="022-2439 1234")
        rec = b.penalty(officer, unit.uscc)
        from app.services.credit.listings import propose_listing

        proposal = propose_listing(officer, unit.uscc, "general", "理由", [rec.id],
                                   "津东消信列字〔2026〕88号", rec.decided_on)
    page = open_page("supervisor")
    sign_in(page, server, "zhang")
    page.goto(f"{server}/staff/listings/{proposal.id}")
    sheet = page.inner_text("dl.grid")
    assert "列入决定日期" in sheet and "最早可申请修复" in sheet and "届满移出" in sheet
    assert "wang" in page.inner_text("[data-proposer]")
    page.goto(f"{server}/staff/units/{unit.uscc}")
    assert page.inner_text("[data-unit-phone]") == "022-2439 1234"
    assert page.is_hidden("details.hash small")  # the hash is there, but does not lead

    public = open_page("public")
    public.goto(f"{server}/public/?lang=en")
    public.fill("input[name=q]", unit.uscc)
    public.click("button.primary")
    assert "1 unit found." in public.inner_text("main")


PHONE = {"width": 360, "height": 740}
FITS = """() => {
  const wide = document.documentElement.scrollWidth > window.innerWidth + 1;
  // a tag or a date broken one character per line is much taller than it is wide
  const broken = [...document.querySelectorAll('.tag, .badge, time, [data-earliest], header.top a')]
    .filter(e => e.getClientRects().length && e.getBoundingClientRect().height > 2.2 *
            parseFloat(getComputedStyle(e).lineHeight || '20'))
    .map(e => e.textContent.trim());
  return {wide, broken};
}"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_units_and_the_publics_pages_fit_a_phone(app, server, chromium, lang):
    with app.app_context():
        officer, supervisor = b.staff("officer"), b.staff("supervisor")
    unit, code = listed(app, officer, supervisor, legal_representative="刘洋",
                        name="天津市东丽区金桥街道某某商贸有限责任公司")
    context = chromium.new_context(viewport=PHONE, is_mobile=True, device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(15000)
    shots = f"test-output/screenshots/phone-{lang}-"
    apply_link = "在线申请信用修复" if lang == "zh" else "Apply for credit restoration online"
    try:
        page.goto(f"{server}/lang/{lang}")
        visits = [("start", f"{server}/"), ("public-search", f"{server}/public/?q={unit.uscc}"),
                  ("public-unit", f"{server}/public/units/{unit.uscc}"),
                  ("self-login", f"{server}/self/login?uscc={unit.uscc}")]
        for name, url in visits:
            page.goto(url)
            assert page.evaluate(FITS) == {"wide": False, "broken": []}, name
            page.screenshot(path=f"{shots}{name}.png", full_page=True)
        page.fill("input[name=access_code]", code)
        page.click("button.primary")
        page.wait_for_url(f"{server}/self/")
        assert page.evaluate(FITS) == {"wide": False, "broken": []}, "self-home"
        page.screenshot(path=f"{shots}self-home.png", full_page=True)
        page.click(f"text={apply_link}")
        assert page.evaluate(FITS) == {"wide": False, "broken": []}, "self-apply"
        page.screenshot(path=f"{shots}self-apply.png", full_page=True)
    finally:
        context.close()


def serious_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    """axe-core's serious and critical findings on the page (axe runs from the installed
    package, injected by Playwright: nothing is fetched from the internet)."""
    results = Axe().run(page)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}: {v['nodes'][0]['target']})"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def test_the_main_pages_pass_axe(app, server, open_page):
    with app.app_context():
        officer, supervisor = b.staff("officer", "wang"), b.staff("supervisor", "zhang")
    unit, code = listed(app, officer, supervisor, legal_representative="刘洋")
    page = open_page("public")
    found = {}
    for url in (f"{server}/", f"{server}/public/?q={unit.uscc}",
                f"{server}/public/units/{unit.uscc}", f"{server}/self/login?uscc={unit.uscc}"):
        page.goto(url)
        found[url] = serious_violations(page)
    page.fill("input[name=access_code]", code)
    page.click("button.primary")
    page.wait_for_url(f"{server}/self/")
    found["self home"] = serious_violations(page)
    page.click("text=在线申请信用修复")
    found["self apply"] = serious_violations(page)
    staff = open_page("officer")
    sign_in(staff, server, "wang")
    found["queue"] = serious_violations(staff)
    staff.goto(f"{server}/staff/units/{unit.uscc}")
    found["unit page"] = serious_violations(staff)
    staff.goto(f"{server}/staff/units/new")
    staff.click("button.primary")  # a refused form, with its error summary
    found["refused form"] = serious_violations(staff)
    assert {k: v for k, v in found.items() if v} == {}

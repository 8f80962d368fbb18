"""The operator's pages in a browser: "run now" answered by the scheduler's job and shown on
the batches page, a batch's attempts and its re-send, the reminder mails and their retry."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import DisclosureBatch, Notification
from app.services.disclosure.runs import run_requested
from tests import builders as b
from tests.browser.conftest import sign_in


def test_an_admin_runs_disclosure_now_and_follows_a_batch_and_the_mails(app, server, open_page):
    with app.app_context():
        officer = b.staff("officer", "wang")
        b.staff("admin", "admin1")
        unit, _, _ = b.listed_unit(officer, b.staff("supervisor", "li"), days_ago=200)
        b.inspection(officer, unit.uscc)
        db.session.add(Notification(kind="eligible", recipient="unit@example.cn",
                                    unit_id=unit.id, dedup_key="k", status="failed",
                                    attempts=5, last_error="550 mailbox unavailable"))
        db.session.commit()
    admin = open_page("admin")
    sign_in(admin, server, "admin1")
    admin.goto(f"{server}/staff/disclosure/batches")
    admin.click("text=立即推送")
    admin.wait_for_selector("text=调度程序将在几秒内执行")
    assert "等待调度程序" in admin.inner_text("main")
    with app.app_context():
        assert run_requested() == 1
        batch_id = db.session.scalars(select(DisclosureBatch.id)).first()
    admin.reload()
    assert "已完成" in admin.inner_text("main")
    admin.screenshot(path="test-output/screenshots/operator-batches.png", full_page=True)

    admin.goto(f"{server}/staff/disclosure/batches/{batch_id}")
    assert "推送记录" in admin.inner_text("#attempts") and "定时任务" in admin.inner_text(
        "#attempts")
    admin.click("button:has-text('重新发送')")  # the confirmation is accepted
    admin.wait_for_selector("text=已安排重新发送该批次。")
    admin.screenshot(path="test-output/screenshots/operator-batch.png", full_page=True)

    admin.click("nav >> text=提醒邮件")
    assert "550 mailbox unavailable" in admin.inner_text("main")
    admin.click("button:has-text('重新发送')")
    admin.wait_for_selector("text=已安排重新发送该提醒邮件。")
    assert "待发送 (1)" in admin.inner_text("nav.tabs")


def test_a_clerk_reads_the_years_figures_and_prints_the_report(app, server, open_page):
    from app.demo import load_year

    with app.app_context():
        b.staff("officer", "wang")
        load_year(2023)
    clerk = open_page("officer")
    sign_in(clerk, server, "wang")
    clerk.click("nav >> text=统计")
    clerk.fill("input[name=year]", "2023")
    clerk.click("button:has-text('统计')")
    clerk.wait_for_selector("#enforcement")
    assert "共检查单位1625家次" in clerk.inner_text(".report-paragraph")
    assert clerk.inner_text("[data-figure=penalties] td.num") == "152"
    clerk.wait_for_load_state("load")  # images included
    widths = clerk.eval_on_selector_all(".charts img", "imgs => imgs.map(i => i.naturalWidth)")
    assert len(widths) == 2 and all(w > 0 for w in widths), widths  # both charts drawn
    clerk.screenshot(path="test-output/screenshots/statistics-2023.png", full_page=True)
    clerk.click("text=打印 2023 年度报告")
    clerk.wait_for_selector("#enforcement-paragraph")
    assert "2023年，支队共检查单位1625家次" in clerk.inner_text("#enforcement-paragraph")


def test_a_clerk_loads_last_years_register_from_excel(app, server, open_page, tmp_path):
    from tests.integration.test_import import good_file, workbook

    with app.app_context():
        b.staff("officer", "wang")
    bad = tmp_path / "错误台账.xlsx"
    bad.write_bytes(workbook({"单位": [["91120110MA0000001X", "校验位错", None, None, None,
                                        None]]}))
    good = tmp_path / "2023年台账.xlsx"
    good.write_bytes(good_file())
    clerk = open_page("officer")
    sign_in(clerk, server, "wang")
    clerk.goto(f"{server}/staff/units")
    clerk.click("text=从 Excel 导入")
    clerk.set_input_files("input[name=file]", str(bad))
    clerk.click("button:has-text('上传并检查')")
    clerk.wait_for_selector("#problems")
    assert "统一社会信用代码" in clerk.inner_text("#problems")
    assert "未导入任何内容" in clerk.inner_text("#import-report")
    clerk.set_input_files("input[name=file]", str(good))
    clerk.click("button:has-text('上传并检查')")
    clerk.wait_for_selector("text=没有发现问题")
    clerk.screenshot(path="test-output/screenshots/import-report.png", full_page=True)
    clerk.click("button:has-text('确认导入')")
    clerk.wait_for_selector("text=已导入")
    with app.app_context():
        from app.models import EnforcementRecord

        assert db.session.scalar(select(EnforcementRecord.id).where(
            EnforcementRecord.document_no == "罚-1")) is not None

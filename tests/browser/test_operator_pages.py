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

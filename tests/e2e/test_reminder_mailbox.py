"""The reminder mails' staff view: every mail with status, tries and error, counted by status;
an admin sends a failed one again, and the sender then delivers it to a real SMTP server."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import AdminEvent, Notification
from app.services.notifications.reminders import send_pending
from tests import builders as b
from tests.integration.test_reminders import smtp  # noqa: F401  (the SMTP server fixture)
from tests.pages import Session


def _mail(unit_id: int, key: str, status: str, error: str | None = None) -> int:
    note = Notification(kind="eligible", recipient=f"{key}@example.cn", unit_id=unit_id,
                        dedup_key=key, status=status, attempts=5 if status == "failed" else 0,
                        last_error=error)
    db.session.add(note)
    db.session.commit()
    return note.id


def test_admins_see_every_mail_and_send_a_failed_one_again(app):
    with app.app_context():
        officer = b.staff("officer", "wang")
        b.staff("admin", "admin1")
        officer_id = officer.id
        unit, _, _ = b.listed_unit(officer, b.staff("supervisor", "li"), days_ago=200)
        failed = _mail(unit.id, "a", "failed", "550 mailbox unavailable")
        _mail(unit.id, "b", "sent")
        _mail(unit.id, "c", "pending")
    admin = Session(app, "admin1")
    page = admin.text("/staff/admin/reminders")
    assert "提醒邮件" in page and "550 mailbox unavailable" in page
    assert "发送失败 (1)" in page and "已发送 (1)" in page and "全部 (3)" in page
    only_failed = admin.text("/staff/admin/reminders?status=failed")
    assert "a@example.cn" in only_failed and "b@example.cn" not in only_failed
    sent = admin.submit(f"/staff/admin/reminders/{failed}/retry", {},
                        page="/staff/admin/reminders?status=failed")
    assert sent.status_code == 302
    assert "已安排重新发送该提醒邮件。" in admin.text("/staff/admin/reminders")
    with app.app_context():
        note = db.session.get_one(Notification, failed)
        assert (note.status, note.attempts) == ("pending", 0)
        trail = db.session.scalars(select(AdminEvent.action)
                                   .where(AdminEvent.subject == f"notification:{failed}")).all()
        assert trail == ["reminder_retried"] and officer_id
    again = admin.submit(f"/staff/admin/reminders/{failed}/retry", {},
                         page="/staff/admin/reminders")
    assert again.status_code == 302  # refused: it is pending now
    assert "只有发送失败的提醒邮件可以重新发送。" in admin.text("/staff/admin/reminders")
    assert admin.get("/staff/admin/reminders/999999/retry").status_code == 405
    assert admin.get("/staff/admin/reminders?status=lost&page=x").status_code == 200


def test_a_retried_mail_reaches_the_mail_server(app, smtp):  # noqa: F811
    inbox, port = smtp
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    with app.app_context():
        officer = b.staff("officer", "wang")
        admin = b.staff("admin", "admin1")
        unit, _, _ = b.listed_unit(officer, b.staff("supervisor", "li"), days_ago=200)
        failed = _mail(unit.id, "late", "failed", "connect: refused")
        from app.services.notifications.mailbox import retry_reminder

        retry_reminder(failed, admin)
        assert send_pending()["sent"] == 1
    assert [m["To"] for m in inbox.messages] == ["late@example.cn"]

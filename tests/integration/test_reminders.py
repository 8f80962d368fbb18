"""Reminders through a real SMTP server (aiosmtpd on 127.0.0.1): written once, sent once,
kept and retried while the mail server is away."""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
import subprocess
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from app.extensions import db
from app.models import Notification, Unit
from app.scheduler import job_specs
from app.services.credit import listings, restoration
from app.services.notifications.reminders import scan_reminders, send_pending
from tests import builders as b


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        if address.startswith("nobody@"):
            return "550 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(parsed)  # type: ignore[arg-type]
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def mail_app(ctx, smtp):
    inbox, port = smtp
    ctx.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, MAIL_FROM="credit@xf.example.cn",
                      STAFF_EMAIL="fazhi@xf.example.cn", BASE_URL="https://xf.example.cn")
    return ctx


def body(message: email.message.EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def eligible_unit(email: str) -> str:
    """A unit listed 400 days ago (its minimum period is over) that gave ``email``."""
    officer, supervisor = b.staff("officer"), b.staff("supervisor")
    unit, _, _ = b.listed_unit(officer, supervisor, contact_email=email)
    return str(unit.uscc)


def test_eligible_reminder_is_written_once_and_sent_once(mail_app, smtp):
    inbox, _ = smtp
    code = eligible_unit("anquan@unit.example.cn")
    officer, supervisor = b.staff("officer"), b.staff("supervisor")
    b.listed_unit(officer, supervisor, days_ago=10)  # not yet eligible, and no email anyway
    assert scan_reminders() == {"eligible": 1, "record_eligible": 0, "due_soon": 0,
                               "objection_due": 0}
    again = {"eligible": 0, "record_eligible": 0, "due_soon": 0, "objection_due": 0}
    assert scan_reminders() == again  # the same day again: nothing new
    assert send_pending() == {"sent": 1, "failed": 0, "cancelled": 0}
    assert send_pending() == {"sent": 0, "failed": 0, "cancelled": 0}
    (message,) = inbox.messages
    assert message["To"] == "anquan@unit.example.cn"
    assert message["From"] == "credit@xf.example.cn"
    assert "现可申请信用修复" in message["Subject"]
    assert code in body(message) and "https://xf.example.cn/self/login" in body(message)
    assert message["Message-ID"].startswith("<creditflow-notification-")


def test_decision_and_due_date_reminders(mail_app, smtp):
    inbox, _ = smtp
    mail_app.config["REMINDER_DUE_WORKDAYS"] = 15  # the 10-day decision deadline is near
    officer, supervisor, other = b.staff("officer"), b.staff("supervisor"), b.staff("supervisor")
    unit, _, _ = b.listed_unit(officer, supervisor, contact_email="Anquan@Unit.Example.CN")
    assert unit.contact_email == "Anquan@unit.example.cn"  # normalised domain
    request_ = restoration.file_request(officer, unit.uscc, True)
    applied = {"eligible": 0, "record_eligible": 0, "due_soon": 1,
               "objection_due": 0}
    assert scan_reminders() == applied  # applied: no eligible reminder
    assert send_pending()["sent"] == 1
    restoration.reject_request(other, request_.id, "罚款尚未缴清")
    assert send_pending()["sent"] == 1
    subjects = {m["To"]: (m["Subject"], body(m)) for m in inbox.messages}
    staff_subject, staff_body = subjects["fazhi@xf.example.cn"]
    assert "办理期限提醒" in staff_subject
    assert f"/staff/restoration-requests/{request_.id}" in staff_body
    unit_subject, unit_body = subjects["Anquan@unit.example.cn"]
    assert "未通过" in unit_subject and "罚款尚未缴清" in unit_body


def test_a_reminder_that_no_longer_applies_is_cancelled(mail_app, smtp):
    inbox, _ = smtp
    officer, supervisor = b.staff("officer"), b.staff("supervisor")
    unit, _, _ = b.listed_unit(officer, supervisor, contact_email="a@unit.example.cn")
    assert scan_reminders()["eligible"] == 1
    restoration.file_request(officer, unit.uscc, True)  # the unit applied before it was sent
    assert send_pending() == {"sent": 0, "failed": 0, "cancelled": 1}
    assert inbox.messages == []


def test_mail_server_away_keeps_and_retries(mail_app, smtp):
    inbox, port = smtp
    eligible_unit("a@unit.example.cn")
    scan_reminders()
    mail_app.config["SMTP_PORT"] = free_port()  # nobody listens there
    assert send_pending() == {"sent": 0, "failed": 1, "cancelled": 0}
    note = db.session.scalars(select(Notification)).one()
    assert note.status == "pending" and note.attempts == 1 and note.next_attempt_at is not None
    assert note.last_error and note.last_error.startswith("connect")
    assert send_pending()["failed"] == 0  # backing off: not due yet
    mail_app.config["SMTP_PORT"] = port
    db.session.execute(update(Notification).values(next_attempt_at=None))
    db.session.commit()
    assert send_pending()["sent"] == 1 and len(inbox.messages) == 1
    db.session.rollback()
    assert db.session.scalars(select(Notification)).one().status == "sent"


def test_no_mail_server_configured_leaves_reminders_waiting(mail_app):
    mail_app.config["SMTP_HOST"] = ""
    eligible_unit("a@unit.example.cn")
    scan_reminders()
    assert send_pending() == {"sent": 0, "failed": 0, "cancelled": 0}
    assert db.session.scalars(select(Notification.status)).all() == ["pending"]


def test_the_scheduler_runs_the_reminder_jobs(mail_app):
    ids = {spec["id"] for spec in job_specs(mail_app)}
    assert {"reminder-scan", "send-notifications"} <= ids


def test_a_refused_recipient_fails_alone(mail_app, smtp):
    inbox, _ = smtp
    mail_app.config["NOTIFY_ATTEMPTS"] = 1
    eligible_unit("nobody@unit.example.cn")
    eligible_unit("anquan@unit.example.cn")
    scan_reminders()
    assert send_pending() == {"sent": 1, "failed": 1, "cancelled": 0}
    assert [m["To"] for m in inbox.messages] == ["anquan@unit.example.cn"]
    db.session.rollback()
    failed = db.session.scalars(select(Notification).where(Notification.status == "failed")).one()
    assert failed.recipient == "nobody@unit.example.cn" and "550" in (failed.last_error or "")


def test_a_unit_barred_by_policy_is_never_told_it_may_apply(mail_app, smtp):
    officer, supervisor = b.staff("officer"), b.staff("supervisor")
    mail_app.config["RESTORATION_BAR_BEFORE"] = "2099-01-01"  # every stop order is barred
    mail_app.config["RESTORATION_BAR_SOURCE"] = "《测试用政策》"
    u = b.unit(officer, contact_email="barred@example.cn")
    rec = b.penalty(officer, u.uscc, penalty_types=["suspension"], fine_amount=None)
    lst = listings.propose_listing(officer, u.uscc, "general", "拒不停业", [rec.id],
                                   "津东消信列字〔2026〕9101号", rec.decided_on)
    listings.approve_listing(supervisor, lst.id)
    assert scan_reminders()["eligible"] == 0
    steps = restoration.restoration_steps(u.uscc)
    assert not steps.can_apply_now and steps.barred  # the page and the mail agree


def test_a_public_penalty_past_its_minimum_is_reminded_once(mail_app, smtp, tmp_path):
    inbox, _ = smtp
    mail_app.config.update(OUTBOX_DIR=str(tmp_path / "outbox"))
    officer = b.staff("officer")
    u, rec = b.public_penalty(officer, days_ago=200)
    doc = rec.document_no
    db.session.execute(update(Unit).where(Unit.id == u.id)
                       .values(contact_email="unit@example.cn"))
    db.session.commit()
    b.public_penalty(officer, days_ago=30)  # another unit's young penalty: not yet
    assert scan_reminders()["record_eligible"] == 1
    assert scan_reminders()["record_eligible"] == 0
    assert send_pending()["sent"] == 1
    assert doc in body(inbox.messages[-1]) and "终止公示" in inbox.messages[-1]["Subject"]


@pytest.fixture(scope="module")
def certificates(tmp_path_factory) -> dict[str, str]:
    """A private CA and a certificate it signed for 127.0.0.1 (Debian's openssl)."""
    folder = tmp_path_factory.mktemp("tls")
    path = {name: str(folder / name) for name in ("ca.key", "ca.pem", "srv.key", "srv.csr",
                                                   "srv.pem", "ext.cnf")}
    (folder / "ext.cnf").write_text("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")
    quiet = {"check": True, "capture_output": True}
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", path["ca.key"], "-out", path["ca.pem"], "-subj", "/CN=Test CA"],
                   **quiet)
    subprocess.run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", path["srv.key"],
                    "-out", path["srv.csr"], "-subj", "/CN=127.0.0.1"], **quiet)
    subprocess.run(["openssl", "x509", "-req", "-in", path["srv.csr"], "-CA", path["ca.pem"],
                    "-CAkey", path["ca.key"], "-CAcreateserial", "-days", "2",
                    "-out", path["srv.pem"], "-extfile", path["ext.cnf"]], **quiet)
    return path


def tls_server(certificates, implicit: bool):  # type: ignore[no-untyped-def]
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(certificates["srv.pem"], certificates["srv.key"])
    inbox, port = Inbox(), free_port()
    options = {"ssl_context": server_tls} if implicit else {
        "tls_context": server_tls, "require_starttls": True}
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    return controller, inbox, port


@pytest.mark.parametrize("implicit", [False, True], ids=["starttls", "implicit-tls"])
def test_mail_goes_only_to_a_server_that_proves_itself(ctx, certificates, implicit):
    controller, inbox, port = tls_server(certificates, implicit)
    try:
        ctx.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_STARTTLS=not implicit,
                          SMTP_IMPLICIT_TLS=implicit, STAFF_EMAIL="fazhi@xf.example.cn",
                          MAIL_FROM="credit@xf.example.cn")
        eligible_unit("unit@example.cn")
        scan_reminders()
        refused = send_pending()  # a certificate no system CA vouches for: nothing is sent
        assert refused["failed"] == 1 and refused["sent"] == 0 and inbox.messages == []
        note = db.session.scalars(select(Notification)).one()
        assert "certificate verify failed" in (note.last_error or "")
        db.session.execute(update(Notification).values(next_attempt_at=None))
        db.session.commit()
        ctx.config["SMTP_CA_FILE"] = certificates["ca.pem"]  # the intranet's own CA
        assert send_pending()["sent"] == 1 and len(inbox.messages) == 1
    finally:
        controller.stop()

"""Everything that changes someone's rights leaves a trace: accounts, tokens, the holiday
calendar, batch retries and run-now in the keyed administration trail (with who did it); a
unit changing its reminder address in the unit's own chain."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, text, update

from app.extensions import db
from app.models import AdminEvent, DisclosureBatch, SigninLockout
from app.models._types import utcnow
from app.services.audit import admin_trail
from app.services.audit.unit_trail import check_one, unit_events
from app.services.disclosure import batches
from app.services.disclosure.claims import claim_batch
from app.services.disclosure.pipeline import run_by_hand
from app.services.online import selfservice
from app.services.staff import accounts, holidays, signin
from tests import builders as b


def trail() -> list[tuple[str, str, str | None]]:
    """(action, subject, actor) of every event after the opening one."""
    db.session.rollback()
    rows = db.session.scalars(select(AdminEvent).order_by(AdminEvent.seq)).all()
    return [(e.action, e.subject, e.actor) for e in rows if e.action != "trail_opened"]


def test_account_changes_are_in_the_trail_with_who_made_them(ctx):
    admin = b.staff("admin", "root")
    wang = accounts.create_user("wang", "officer", "correct-horse-battery", "王警官", admin)
    db.session.add(SigninLockout(username="wang", address="203.0.113.9", failures=0,
                                 locked_until=utcnow() + dt.timedelta(minutes=10)))
    db.session.commit()
    accounts.update_user(admin, wang.id, "supervisor", True, None, "a-new-long-password")
    accounts.update_user(admin, wang.id, "supervisor", False)
    signin.change_password(admin.id, "correct-horse-battery", "another-long-password")
    subject = f"user:{wang.id}"
    assert trail()[1:] == [
        ("account_created", subject, "root"), ("role_changed", subject, "root"),
        ("password_reset", subject, "root"), ("account_unlocked", subject, "root"),
        ("account_deactivated", subject, "root"),
        ("password_changed", f"user:{admin.id}", "root"),
    ]
    role = db.session.scalars(select(AdminEvent).where(AdminEvent.action == "role_changed")).one()
    assert role.details == {"username": "wang", "from": "officer", "to": "supervisor"}
    assert admin_trail.check().valid


def test_tokens_from_the_command_line_are_in_the_trail(ctx, runner):
    b.staff("officer", "li")
    assert runner.invoke(args=["tokens", "create", "li"]).exit_code == 0
    token_id = trail()[-1]
    assert token_id[0] == "token_created" and token_id[2] == "creditflow CLI"
    row = db.session.scalars(select(AdminEvent).order_by(AdminEvent.seq.desc())).first()
    assert runner.invoke(args=["tokens", "revoke", str(row.details["token_id"])]).exit_code == 0
    assert trail()[-1][0] == "token_revoked"


def test_a_calendar_change_that_re_dates_deadlines_is_in_the_trail(ctx):
    admin = b.staff("admin")
    days = [holidays.ScheduleDay(dt.date(2027, 1, 1), "holiday"),
            holidays.ScheduleDay(dt.date(2027, 1, 9), "workday")]
    holidays.set_year_schedule(2027, b.with_statutory_days(2027, days), admin)
    event = db.session.scalars(select(AdminEvent).order_by(AdminEvent.seq.desc())).first()
    assert (event.action, event.subject, event.actor_id) == ("calendar_changed",
                                                             "calendar:2027", admin.id)
    assert event.details["holidays"] == 13 and event.details["workdays"] == 1  # 13 statutory
    assert set(event.details["re_dated"]) >= {"items"}


def test_retrying_a_batch_and_running_now_name_the_actor(ctx, tmp_path):
    ctx.config["OUTBOX_DIR"] = str(tmp_path / "outbox")
    officer, admin = b.staff("officer"), b.staff("admin", "ops")
    b.penalty(officer, b.unit(officer).uscc)
    batch, _ = claim_batch("penalty", 100)
    db.session.execute(update(DisclosureBatch).where(DisclosureBatch.id == batch.id)
                       .values(status="failed"))
    db.session.commit()
    batches.retry_batch(batch.id, admin)
    run_by_hand(admin, "penalty")
    assert trail()[-2:] == [("batch_retried", f"batch:{batch.id}", "ops"),
                            ("disclosure_run", "disclosure:penalty", "ops")]


def test_a_unit_changing_its_reminder_address_is_in_its_chain(ctx):
    officer, sup = b.staff("officer"), b.staff("supervisor")
    u, _, _ = b.listed_unit(officer, sup, contact_email="old@unit.example.cn")
    selfservice.set_contact_email(u.id, "new@unit.example.cn")
    selfservice.set_contact_email(u.id, "new@unit.example.cn")  # no change: no event
    events = unit_events(u.id)
    assert [e.trigger for e in events].count("reminder_address_changed") == 1
    assert events[-1].refs == {"from": "old@unit.example.cn", "to": "new@unit.example.cn"}
    assert events[-1].role == "unit"
    assert check_one(u.id).valid


def test_tampering_with_the_trail_is_detected(ctx, runner):
    admin = b.staff("admin")
    accounts.create_user("zhao", "officer", "correct-horse-battery", None, admin)
    db.session.rollback()
    newest = db.session.scalars(select(AdminEvent).order_by(AdminEvent.seq.desc())).first()
    session = db.session()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL session_replication_role = replica"))
    else:
        session.execute(text("DROP TRIGGER admin_events_no_delete"))
    session.execute(text(f"DELETE FROM admin_events WHERE id = {newest.id}"))
    session.commit()
    assert admin_trail.check().problem == "head"
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "administration trail" in result.output

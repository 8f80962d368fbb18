"""Objections (异议申诉): the whole cycle for each outcome (upheld, corrected, revoked,
withdrawn), the mark on the public page and in the disclosure items, four eyes on the answer,
the deadline on the working-day calendar, and bad input that changes nothing. Runs on SQLite
and, in CI's second pass, on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import func, select

from app.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from app.extensions import db
from app.models import (
    AuditEvent,
    DisclosureItem,
    EnforcementRecord,
    Notification,
    Objection,
    Unit,
)
from app.services.audit.unit_trail import check_all
from app.services.base.context import forget_calendar
from app.services.credit.objection_ends import close_ended
from app.services.disclosure.pipeline import run_disclosure
from app.services.online import objections, public
from app.services.online.uploads import Upload
from app.services.staff.holidays import ScheduleDay, set_year_schedule
from app.workflows.facts import Actor
from tests import builders as b

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(ctx, tmp_path):  # type: ignore[no-untyped-def]
    ctx.config.update(OUTBOX_DIR=str(tmp_path / "outbox"))
    officer, checker = b.staff("officer", "entered"), b.staff("officer", "checker")
    supervisor, second = b.staff("supervisor", "boss"), b.staff("supervisor", "boss2")
    unit, record = b.public_penalty(officer)
    b.unit(officer)  # another unit
    return {"officer": officer, "checker": checker, "supervisor": supervisor,
            "second": second, "unit": unit, "record": record, "uscc": unit.uscc,
            "record_id": record.id, "unit_id": unit.id, "name": unit.name}


def file(world, **kw):  # type: ignore[no-untyped-def]
    args = {"actor": Actor(None, world["name"], "unit"), "unit_id": world["unit_id"],
            "target": "record", "target_id": world["record_id"],
            "claim": "罚款金额录错，应为3000元",
            "expected": "罚款3000元", "contact_name": "王明", "contact_phone": "022-24390000",
            "files": [Upload("收据.pdf", PDF)], "channel": "self_service"}
    args.update(kw)
    return objections.file_objection(**args)


def items_of(record_id: int) -> list[DisclosureItem]:
    return list(db.session.scalars(select(DisclosureItem).where(
        DisclosureItem.record_id == record_id).order_by(DisclosureItem.id)))


def published_remarks(world) -> list[str]:  # type: ignore[no-untyped-def]
    """The 备注 of the record in every batch file the file publisher wrote, oldest first."""
    folder = Path(current_app.config["OUTBOX_DIR"]) / "penalty"
    batches = sorted(folder.iterdir(), key=lambda p: json.loads(
        (p / "manifest.json").read_text(encoding="utf-8"))["created_at"])
    remarks = []
    for batch in batches:
        for line in (batch / "items.jsonl").read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            if item["record_id"] == world["record_id"]:
                remarks.append(item["fields"]["备注"])
    return remarks


def shown(world) -> dict:  # type: ignore[no-untyped-def]
    page = public.unit_page(world["uscc"])
    return next(r for r in page["records"] if r["record_id"] == world["record_id"])


def test_upheld_marks_the_item_while_checked_and_answers_with_the_reason(world):
    objection = file(world)
    assert objection.status == "filed" and objection.marked and len(objection.files) == 1
    assert shown(world)["objection"] is True  # the public page marks it at once
    update = items_of(world["record_id"])[-1]
    assert update.op == "update" and update.payload["备注"].startswith("异议处理中")
    objection_id = objection.id
    assert run_disclosure("penalty").delivered == {"penalty": 1}  # the mark goes out
    assert "异议处理中" in published_remarks(world)[-1]  # in the file the platform collects
    objections.start_review(world["checker"], objection_id)
    with pytest.raises(InvalidTransition):  # the officer who entered the record
        objections.uphold(world["officer"], objection_id, "核查无误")
    with pytest.raises(ValidationFailed):
        objections.uphold(world["checker"], objection_id, "  ")
    done = objections.uphold(world["checker"], objection_id, "经核查，处罚决定书载明罚款5000元")
    assert done.status == "upheld" and done.decided_by == world["checker"].id
    assert shown(world)["objection"] is False
    last = items_of(world["record_id"])[-1]
    assert last.op == "update" and "异议处理中" not in last.payload["备注"]
    run_disclosure("penalty")
    assert "异议处理中" not in published_remarks(world)[-1]  # and out of it again
    triggers = [e.trigger for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.unit_id == world["unit_id"]).order_by(AuditEvent.seq))]
    assert triggers[-3:] == ["objection_filed", "review_objection", "uphold_objection"]
    assert all(c.valid for c in check_all())  # every chain links under the key


def test_corrected_changes_the_record_keeps_the_old_values_and_publishes_a_correction(world):
    objection = file(world)
    with pytest.raises(ValidationFailed):  # a correction must change something
        objections.correct(world["checker"], objection.id, {"fine_amount": "5000.00"}, "更正")
    done = objections.correct(world["checker"], objection.id,
                              {"fine_amount": "3000.00"}, "罚款金额录入有误，已更正")
    assert done.status == "corrected"
    record = db.session.get_one(EnforcementRecord, world["record_id"], populate_existing=True)
    assert record.fine_amount == Decimal("3000.00")
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.trigger == "record_corrected")).one()
    assert event.refs["changes"] == {"fine_amount": {"from": "5000.00", "to": "3000.00"}}
    last = items_of(record.id)[-1]
    assert last.op == "update" and last.payload["备注"].startswith("更正：罚款金额")
    assert last.payload["罚款金额（万元）"] == "0.300000"
    assert all(c.valid for c in check_all())  # every chain links under the key


def test_revoked_through_the_revocation_path_answers_the_objection(world):
    objection = file(world, claim="该决定已被复议撤销")
    b.revoke_record(world["checker"], world["supervisor"], world["record_id"], "复议撤销")
    done = db.session.get_one(Objection, objection.id, populate_existing=True)
    assert done.status == "revoked" and "撤销" in (done.decision_reason or "")
    assert items_of(world["record_id"])[-1].op == "withdraw"


def test_the_unit_withdraws_and_the_mark_goes(world):
    objection = file(world)
    other = b.unit(world["officer"])
    with pytest.raises(NotFound):  # another unit cannot touch it
        objections.withdraw(Actor(None, other.name, "unit"), objection.id, unit_id=other.id)
    done = objections.withdraw(Actor(None, world["name"], "unit"), objection.id,
                               unit_id=world["unit_id"])
    assert done.status == "withdrawn" and shown(world)["objection"] is False


def test_whoever_entered_the_record_may_not_withdraw_its_objection(world):
    from app.errors import InvalidTransition

    objection = file(world)
    with pytest.raises(InvalidTransition) as refused:  # the officer who entered the record
        objections.withdraw(world["officer"], objection.id)
    assert [u["code"] for u in refused.value.extra["unmet"]] == ["objection_withdrawer_involved"]
    assert db.session.get_one(Objection, objection.id, populate_existing=True).status == "filed"
    done = objections.withdraw(world["checker"], objection.id)  # another officer, for the unit
    assert done.status == "withdrawn"


def test_bad_objections_are_refused_and_change_nothing(world, ctx):
    before = db.session.scalar(select(func.count()).select_from(Objection))
    other = b.unit(world["officer"])
    with pytest.raises(NotFound):  # another unit's record
        file(world, unit_id=other.id)
    hidden = b.penalty(world["officer"], world["unit"].uscc)  # not yet delivered: not public
    with pytest.raises(Conflict):
        file(world, target_id=hidden.id)
    with pytest.raises(ValidationFailed) as empty:
        file(world, claim="  ", contact_phone="abc")
    assert set(empty.value.errors) == {"claim", "contact_phone"}
    with pytest.raises(ValidationFailed):  # a disguised upload
        file(world, files=[Upload("proof.pdf", b"MZ\x90\x00 not a pdf")])
    with pytest.raises(Forbidden):  # staff filing needs a staff role
        file(world, channel="staff")
    assert db.session.scalar(select(func.count()).select_from(Objection)) == before
    assert list((ctx.config["UPLOAD_DIR"] and __import__("pathlib").Path(
        ctx.config["UPLOAD_DIR"])).glob("*.pdf")) == []  # nothing stored
    file(world)
    with pytest.raises(Conflict):  # a second open objection on the same item
        file(world)


def test_the_deadline_counts_working_days_across_a_holiday(world):
    start = b.today_local()
    holidays = [start + dt.timedelta(days=n) for n in range(1, 4)
                if (start + dt.timedelta(days=n)).year == start.year]
    set_year_schedule(start.year, b.with_statutory_days(
        start.year, [ScheduleDay(d, "holiday", "测试假日") for d in holidays]))
    forget_calendar()
    objection = file(world)
    day, left = start, 5  # five working days: no weekend, none of the holidays
    while left:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            left -= 1
    assert objection.due_on == day and not objection.due_on_provisional


def test_listing_objections_mark_the_listing_and_end_when_the_listing_ends(ctx, tmp_path):
    ctx.config.update(OUTBOX_DIR=str(tmp_path / "outbox"))
    officer, supervisor, second = b.staff("officer"), b.staff("supervisor"), b.staff("supervisor")
    unit, record, listing = b.listed_unit(officer, supervisor)
    unit_id, uscc, record_id, listing_id = unit.id, unit.uscc, record.id, listing.id
    run_disclosure()
    objection = objections.file_objection(
        Actor(None, "张三", "public"), unit_id, "listing", None, "列入依据的处罚已缴清并整改",
        None, "张三", "13800000000", [], "public")
    page = public.unit_page(uscc)
    assert page["listing"]["objection"] is True
    own = db.session.scalars(select(DisclosureItem).where(
        DisclosureItem.listing_id == listing_id, DisclosureItem.record_id.is_(None))
        .order_by(DisclosureItem.id)).all()
    assert [(i.op, i.payload["备注"]) for i in own] == [("add", ""), ("update", "异议处理中")]
    assert not any(i.payload["备注"].startswith("异议处理中") for i in items_of(record_id))
    with pytest.raises(Conflict):  # a listing is not corrected: it is revoked
        objections.correct(second, objection.id, {"facts": "x"}, "更正")
    b.revoke_listing(second, supervisor, uscc)
    assert db.session.get_one(Objection, objection.id, populate_existing=True).status == "revoked"
    last = db.session.scalars(select(DisclosureItem).where(
        DisclosureItem.listing_id == listing_id, DisclosureItem.record_id.is_(None))
        .order_by(DisclosureItem.id.desc())).first()
    assert last.op == "withdraw" and last.payload["备注"].startswith("失信名单已撤销")


def test_objections_of_items_that_ended_another_way_are_closed_daily(world):
    objection = file(world)
    db.session.execute(EnforcementRecord.__table__.update().where(
        EnforcementRecord.id == world["record_id"]).values(publicity_status="expired"))
    db.session.commit()
    assert close_ended() == 1 and close_ended() == 0
    assert db.session.get_one(Objection, objection.id, populate_existing=True).status \
        == "withdrawn"


def test_the_answer_is_mailed_to_the_unit(world):
    db.session.execute(Unit.__table__.update().where(Unit.id == world["unit_id"])
                       .values(contact_email="unit@example.cn"))
    db.session.commit()
    objection = file(world)
    objections.uphold(world["checker"], objection.id, "核查无误")
    note = db.session.scalars(select(Notification).where(
        Notification.kind == "objection_decided")).one()
    assert note.objection_id == objection.id and note.recipient == "unit@example.cn"
    assert json.dumps(note.params) == '{"status": "upheld"}'


def test_the_figures_count_objections_received_answered_on_time_and_by_outcome(world):
    from app.services.reporting.statistics import figures, year_period

    first = file(world)
    objections.uphold(world["checker"], first.id, "核查无误")
    second = file(world, claim="日期录错")
    objections.correct(world["checker"], second.id, {"facts": "消防设施未保持完好有效（更正）"},
                       "违法事实表述更正")
    file(world, claim="仍在核查")
    credit = figures(year_period(b.today_local().year))["credit"]
    assert (credit["objections_received"], credit["objections_decided"],
            credit["objections_on_time"]) == (3, 2, 2)
    assert (credit["objections_upheld"], credit["objections_corrected"]) == (1, 1)
    assert credit["objections_by_category"] == {"penalty": {
        "received": 3, "decided": 2, "on_time": 2, "upheld": 1, "corrected": 1, "revoked": 0,
        "withdrawn": 0}}


def test_objections_nearing_their_deadline_reach_the_staff_mailbox_once(world, ctx):
    from app.services.notifications.mail_texts import render
    from app.services.notifications.reminders import scan_reminders

    ctx.config.update(STAFF_EMAIL="xfz@example.cn", REMINDER_DUE_WORKDAYS=10)
    objection = file(world)
    assert scan_reminders()["objection_due"] == 1
    assert scan_reminders()["objection_due"] == 0  # once
    note = db.session.scalars(select(Notification).where(
        Notification.kind == "objection_due")).one()
    message = render(note)
    assert message is not None and note.recipient == "xfz@example.cn"
    assert f"异议 {objection.id}" in str(message["Subject"])
    objections.uphold(world["checker"], objection.id, "核查无误")
    assert render(note) is None  # answered meanwhile: not sent


def test_two_officers_answer_the_same_objection_at_once(app, tmp_path):
    from tests.integration.test_concurrency import race

    app.config.update(OUTBOX_DIR=str(tmp_path / "outbox"))
    with app.app_context():
        officer, one, two = b.staff("officer"), b.staff("officer"), b.staff("supervisor")
        unit, record = b.public_penalty(officer)
        objection = file({"name": unit.name, "unit_id": unit.id, "record_id": record.id})
        objection_id = objection.id
        events_before = db.session.scalar(select(func.count()).select_from(AuditEvent))
        db.session.remove()
    outcomes = race(app, [lambda: objections.uphold(one, objection_id, "核查无误"),
                          lambda: objections.correct(two, objection_id,
                                                     {"fine_amount": "3000.00"}, "金额有误")])
    winners = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(winners) == 1, outcomes
    assert all(isinstance(o, InvalidTransition) for o in outcomes if o not in winners)
    with app.app_context():
        done = db.session.get_one(Objection, objection_id)
        assert done.status in ("upheld", "corrected") and done.decided_by in (one.id, two.id)
        events = db.session.scalar(select(func.count()).select_from(AuditEvent))
        # one answer: the step, and a correction's own event when it was the correction
        assert events == events_before + (2 if done.status == "corrected" else 1)
        assert all(c.valid for c in check_all())

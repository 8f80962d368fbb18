"""Ending one penalty record's publicity early (终止公示行政处罚信息), on a real database:
windows from each record's own decision date and tier, the guards with their reasons, four
eyes, the audit chain, the outbox and the public lookup agreeing after each step."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import select

from app.errors import InvalidTransition, NotFound
from app.extensions import db
from app.models import DisclosureItem, EnforcementRecord
from app.services.audit.unit_trail import unit_events, verify_chain
from app.services.base.context import today
from app.services.casework import records
from app.services.credit import listings, record_restoration, restoration
from app.services.credit.expiry import sweep_expired
from app.services.credit.record_publicity import window
from app.services.disclosure.pipeline import run_disclosure
from app.services.online import public
from app.workflows.facts import Actor
from tests import builders as b
from tests.integration.helpers import row_counts

UNIT = Actor(None, "单位", "unit")


@pytest.fixture
def people(ctx, tmp_path):
    ctx.config.update(OUTBOX_DIR=str(tmp_path / "outbox"))
    return b.staff("officer"), b.staff("supervisor"), b.staff("supervisor")


def outbox_dir() -> Path:
    return Path(current_app.config["OUTBOX_DIR"])


def state(record_id: int) -> str | None:
    db.session.rollback()
    return db.session.get_one(EnforcementRecord, record_id, populate_existing=True).publicity_status


def refused(call, *args, **kw) -> InvalidTransition:  # type: ignore[no-untyped-def]
    before = row_counts()
    with pytest.raises(InvalidTransition) as info:
        call(*args, **kw)
    assert row_counts() == before  # nothing changed
    return info.value


@pytest.mark.parametrize(
    ("tier", "decided", "earliest", "ends"),
    [
        ("general", dt.date(2026, 1, 31), dt.date(2026, 4, 30), dt.date(2027, 1, 31)),
        ("general", dt.date(2025, 11, 30), dt.date(2026, 2, 28), dt.date(2026, 11, 30)),
        ("serious", dt.date(2024, 2, 29), dt.date(2025, 2, 28), dt.date(2027, 2, 28)),
        ("minor", dt.date(2026, 10, 8), dt.date(2026, 10, 8), dt.date(2027, 1, 8)),
    ],
)
def test_each_record_has_its_own_window_from_its_decision(people, tier, decided, earliest, ends):
    officer, *_ = people
    rec = b.penalty(officer, b.unit(officer).uscc, tier=tier, decided_on=decided,
                    fine_amount="1000.00" if tier == "minor" else "5000.00")  # 第51条's limit
    assert window(rec) == (earliest, ends)  # 民法典 201-202: the corresponding day, or month end
    assert rec.publicity_status == (None if tier == "minor" else "awaiting")  # minor: unpublished


def test_a_listing_never_moves_a_records_publicity_end(people):
    officer, supervisor, _ = people
    u, rec, lst = b.listed_unit(officer, supervisor, days_ago=100)  # general: 12 months
    own_end = window(rec)[1]
    payloads = db.session.scalars(select(DisclosureItem.payload)
                                  .where(DisclosureItem.record_id == rec.id)).all()
    assert [p["公示截止期"] for p in payloads] == [own_end.isoformat()]  # its add, untouched
    listed = listing_items(lst.id)
    assert [(i.op, i.payload["公示截止期"], i.payload["失信等级"]) for i in listed] == [
        ("add", lst.max_until.isoformat(), "一般")]  # the listing's own window, its own item


def listing_items(listing_id: int) -> list[DisclosureItem]:
    return list(db.session.scalars(select(DisclosureItem).where(
        DisclosureItem.listing_id == listing_id, DisclosureItem.record_id.is_(None))
        .order_by(DisclosureItem.id)))


def test_a_basis_records_own_restoration_leaves_the_listing_on_the_platform(people):
    officer, supervisor, other = people
    u, rec, lst = b.listed_unit(officer, supervisor, days_ago=200)
    unit_id, rec_id, lst_id, uscc = u.id, rec.id, lst.id, u.uscc
    run_disclosure()  # the penalty and the listing are on the platform
    b.pay_in_full(officer, db.session.get_one(EnforcementRecord, rec_id))
    request = record_restoration.file_record_request(UNIT, rec_id, True, unit_id=unit_id)
    restoration.approve_request(other, request.id)
    assert state(rec_id) == "ended_early"
    assert [i.op for i in listing_items(lst_id)] == ["add"]  # never withdrawn with its basis
    run_disclosure()
    lines = [json.loads(line) for path in sorted(outbox_dir().glob("*/*/items.jsonl"))
             for line in path.read_text("utf-8").splitlines()]
    mine = [(x["category"], x["op"]) for x in sorted(lines, key=lambda x: x["item_id"])
            if x["record_id"] == rec_id or x.get("listing_id") == lst_id]
    assert mine == [("penalty", "add"), ("listing", "add"), ("penalty", "withdraw")]
    assert public.unit_page(uscc)["listed"] is True


def test_the_unit_restores_one_penalty_while_another_stays_public(people):
    officer, supervisor, other = people
    u, rec = b.public_penalty(officer, days_ago=200)
    uscc, unit_id, name, rec_id = u.uscc, u.id, u.name, rec.id
    kept = b.penalty(officer, uscc, decided_on=today() - dt.timedelta(days=150)).id
    run_disclosure("penalty")
    assert (state(rec_id), state(kept)) == ("public", "public")
    rec = db.session.get_one(EnforcementRecord, rec_id)
    steps = record_restoration.steps_of(rec.id, UNIT, unit_id)
    assert steps.can_apply_now and steps.min_until == window(rec)[0]
    assert [s.key for s in steps.steps if not s.done] == ["fines_paid", "commitment_signed"]
    request = record_restoration.file_record_request(UNIT, rec.id, True, unit_id=unit_id,
                                                     signature=(name, "王明"))
    assert state(rec.id) == "restoration_requested" and request.filed_by is None
    assert request.due_on > today()
    error = refused(restoration.approve_request, supervisor, request.id)  # fine not paid
    assert [x["code"] for x in error.extra["unmet"]] == ["fines_unpaid"]
    b.pay_in_full(officer, rec)
    restoration.approve_request(supervisor, request.id)
    assert state(rec.id) == "ended_early" and state(kept) == "public"
    shown = {r["record_id"] for r in public.unit_page(uscc)["records"]}
    assert shown == {kept}  # gone from the public lookup at once
    ops = db.session.execute(select(DisclosureItem.op, DisclosureItem.payload)
                             .where(DisclosureItem.record_id == rec.id)
                             .order_by(DisclosureItem.id)).all()
    assert [op for op, _ in ops] == ["add", "withdraw"]
    assert ops[-1][1]["备注"] == "信用修复，提前终止公示"
    events = unit_events(unit_id)
    moves = [(e.trigger, e.from_status, e.to_status) for e in events
             if e.from_status != e.to_status]
    assert moves == [
        ("request_record_restoration", "public", "restoration_requested"),
        ("approve_record_restoration", "restoration_requested", "ended_early"),
    ]
    assert verify_chain(events) is None
    run_disclosure("penalty")  # the platform receives the withdrawal; the files agree
    lines = [json.loads(line) for path in sorted(outbox_dir().glob("penalty/*/items.jsonl"))
             for line in path.read_text("utf-8").splitlines()]
    mine = sorted((x for x in lines if x["record_id"] == rec_id), key=lambda x: x["item_id"])
    assert [x["op"] for x in mine] == ["add", "withdraw"]
    assert mine[-1]["fields"]["备注"] == "信用修复，提前终止公示"
    assert public.unit_page(uscc)["records"][0]["record_id"] == kept


def test_applying_early_twice_for_another_unit_or_a_record_that_is_not_public(people):
    officer, supervisor, _ = people
    u, young = b.public_penalty(officer, days_ago=30)  # general: earliest after 3 months
    unit_id = u.id
    error = refused(record_restoration.file_record_request, officer, young.id, True)
    assert error.extra["unmet"][0]["code"] == "record_minimum_not_passed"
    assert window(young)[0].isoformat() in error.message
    awaiting = b.penalty(officer, u.uscc, decided_on=today() - dt.timedelta(days=200))
    error = refused(record_restoration.file_record_request, officer, awaiting.id, True)
    assert "尚未在信用平台公示" in error.message
    inspection = b.inspection(officer, u.uscc)
    error = refused(record_restoration.file_record_request, officer, inspection.id, True)
    assert "只有已公示的行政处罚信息" in error.message
    stranger, theirs = b.public_penalty(officer, days_ago=200)
    with pytest.raises(NotFound):
        record_restoration.file_record_request(UNIT, theirs.id, True, unit_id=unit_id)
    error = refused(record_restoration.file_record_request, officer, theirs.id, False)
    assert error.extra["unmet"][0]["code"] == "commitment_not_signed"
    record_restoration.file_record_request(officer, theirs.id, True)
    error = refused(record_restoration.file_record_request, officer, theirs.id, True)
    assert "正在审核" in error.message


def test_four_eyes_reject_with_reason_and_withdraw(people):
    officer, supervisor, other = people
    u, rec = b.public_penalty(officer, days_ago=200)
    b.pay_in_full(officer, rec)
    request = record_restoration.file_record_request(supervisor, rec.id, True)
    error = refused(restoration.approve_request, supervisor, request.id)
    assert error.extra["unmet"][0]["code"] == "reviewer_is_preparer"
    error = refused(restoration.reject_request, other, request.id, "  ")
    assert error.extra["unmet"][0]["code"] == "reason_required"
    restoration.reject_request(other, request.id, "承诺书未签字")
    assert state(rec.id) == "public"
    again = record_restoration.file_record_request(UNIT, rec.id, True, unit_id=u.id)
    restoration.withdraw_request(UNIT, again.id)
    assert state(rec.id) == "public"
    assert db.session.get_one(type(again), again.id).status == "withdrawn"


def test_revoking_the_decision_closes_its_request_and_withdraws_it(people):
    officer, supervisor, _ = people
    u, rec = b.public_penalty(officer, days_ago=200)
    request = record_restoration.file_record_request(officer, rec.id, True)
    b.revoke_record(officer, supervisor, rec.id, "行政复议撤销")
    assert state(rec.id) == "withdrawn"
    assert db.session.get_one(type(request), request.id).status == "closed"
    assert public.unit_page(u.uscc)["records"] == []


def test_expiry_ends_a_paid_record_at_its_maximum_and_keeps_an_unpaid_one(people):
    officer, *_ = people
    u, paid = b.public_penalty(officer, days_ago=370)  # general: 12 months passed
    owing = b.penalty(officer, u.uscc, decided_on=today() - dt.timedelta(days=370)).id
    young = b.penalty(officer, u.uscc, decided_on=today() - dt.timedelta(days=100)).id
    paid_id = paid.id
    run_disclosure("penalty")
    paid = db.session.get_one(EnforcementRecord, paid_id)
    b.pay_in_full(officer, paid)
    result = sweep_expired()
    assert result.records_expired == [paid.id]
    assert list(result.records_blocked) == [owing]
    assert "罚款尚未缴清" in result.records_blocked[owing]
    assert (state(paid_id), state(owing), state(young)) == ("expired", "public", "public")
    assert sweep_expired().records_expired == []  # once


def test_a_minor_penalty_is_not_published_unless_the_detachment_chooses_to(people, ctx):
    officer, supervisor, _ = people
    u = b.unit(officer)
    minor = b.penalty(officer, u.uscc, tier="minor", penalty_types=["warning"], fine_amount=None)
    assert minor.publicity_status is None
    assert db.session.scalars(select(DisclosureItem).where(
        DisclosureItem.record_id == minor.id)).all() == []
    error = refused(record_restoration.file_record_request, officer, minor.id, True)
    assert "只有已公示的行政处罚信息" in error.message
    b.revoke_record(officer, supervisor, minor.id, "复核撤销")  # nothing was published: no item
    assert db.session.scalars(select(DisclosureItem).where(
        DisclosureItem.record_id == minor.id)).all() == []
    ctx.config["PUBLISH_MINOR_PENALTIES"] = True
    shown = b.penalty(officer, u.uscc, tier="minor", penalty_types=["warning"], fine_amount=None,
                      decided_on=b.today_local() - dt.timedelta(days=10))  # inside 3 months
    assert shown.publicity_status == "awaiting"
    assert window(shown)[1] == shown.decided_on + relativedelta(months=3)  # at most 3 months


def test_a_listing_on_an_unpublished_minor_penalty_is_published_the_penalty_is_not(people):
    officer, supervisor, _ = people
    u = b.unit(officer)
    minor = b.penalty(officer, u.uscc, tier="minor", penalty_types=["warning"],
                      fine_amount=None, decided_on=today() - dt.timedelta(days=20))
    lst = listings.propose_listing(officer, u.uscc, "minor", "拒不改正", [minor.id],
                                   "津东消信列字〔2026〕8001号", today() - dt.timedelta(days=10))
    listings.approve_listing(supervisor, lst.id)
    assert db.session.scalars(select(DisclosureItem).where(
        DisclosureItem.record_id == minor.id)).all() == []  # minor: not published (Order 36)
    own = listing_items(lst.id)
    assert [(i.op, i.payload["列入依据"]) for i in own] == [("add", minor.document_no)]
    assert state(minor.id) is None


def test_a_penalty_past_its_maximum_with_its_fine_unpaid_stays_public_and_says_why(people):
    officer, *_ = people
    u, rec = b.public_penalty(officer, days_ago=380)  # general: 12 months passed, fine unpaid
    uscc, rec_id = u.uscc, rec.id
    assert record_ids(uscc) == set()  # its published window ended; the sweep decides tonight
    result = sweep_expired()
    assert list(result.records_blocked) == [rec_id]
    extension = last_payload(rec_id)
    assert extension["公示截止期"] == "" and "继续公示至缴清" in extension["备注"]
    sweep_expired()
    assert last_payload(rec_id) == extension  # told once
    run_disclosure("penalty")
    shown = public.unit_page(uscc)["records"]
    assert [(r["record_id"], r["publicity_until"]) for r in shown] == [(rec_id, None)]
    b.pay_in_full(officer, db.session.get_one(EnforcementRecord, rec_id))
    assert sweep_expired().records_expired == [rec_id]
    assert last_payload(rec_id)["备注"] == "公示期满，终止公示"  # withdrawn now that it is paid
    assert record_ids(uscc) == set()


def test_a_listing_kept_past_its_maximum_says_so_on_the_platform_and_the_page(people):
    officer, supervisor, _ = people
    u, rec, lst = b.listed_unit(officer, supervisor, days_ago=400)  # fine unpaid
    uscc, rec_id = u.uscc, rec.id
    result = sweep_expired()
    assert list(result.blocked) == [uscc]
    extended = listing_items(lst.id)[-1]
    assert extended.op == "update" and "名单最长公示期已届满" in extended.payload["备注"]
    assert extended.payload["公示截止期"] == ""  # kept until the obligations are met
    assert "名单" not in last_payload(rec_id)["备注"]  # the record says only its own
    count = len(db.session.scalars(select(DisclosureItem.id)).all())
    sweep_expired()
    assert len(db.session.scalars(select(DisclosureItem.id)).all()) == count  # told once
    assert public.unit_page(uscc)["listing"]["publicity_until"] is None


def last_payload(record_id: int) -> dict:
    db.session.rollback()
    return db.session.scalars(select(DisclosureItem.payload)
                              .where(DisclosureItem.record_id == record_id)
                              .order_by(DisclosureItem.id.desc()).limit(1)).one()


def record_ids(uscc: str) -> set[int]:
    return {r["record_id"] for r in public.unit_page(uscc)["records"]}


def test_a_stop_order_ends_early_only_after_a_passed_reinspection(people):
    officer, supervisor, _ = people
    u, rec = b.public_penalty(officer, days_ago=200, penalty_types=["suspension"],
                              fine_amount=None)
    uscc, unit_id, rec_id, decided = u.uscc, u.id, rec.id, rec.decided_on
    steps = record_restoration.steps_of(rec_id, UNIT, unit_id)
    assert [(s.key, s.done) for s in steps.steps if s.key == "reinspection_passed"] == [
        ("reinspection_passed", False)]
    request = record_restoration.file_record_request(UNIT, rec_id, True, unit_id=unit_id)
    b.inspection(officer, uscc, decided_on=decided - dt.timedelta(days=3), hazards_found=0,
                 hazards_rectified=0)  # before the order: not its re-inspection
    failed = b.inspection(officer, uscc, decided_on=decided + dt.timedelta(days=20),
                          hazards_found=2, hazards_rectified=1)  # found it not put right
    error = refused(restoration.approve_request, supervisor, request.id)
    assert [x["code"] for x in error.extra["unmet"]] == ["reinspection_not_passed"]
    records.record_rectification(officer, failed.id, decided + dt.timedelta(days=30), 1)
    restoration.approve_request(supervisor, request.id)
    assert state(rec_id) == "ended_early"
    fined = b.penalty(officer, uscc, decided_on=today() - dt.timedelta(days=150))
    assert "reinspection_passed" not in {
        s.key for s in record_restoration.steps_of(fined.id, UNIT, unit_id).steps}

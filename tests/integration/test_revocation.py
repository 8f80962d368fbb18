"""Revocation and withdrawal (行政处罚法 第48条, 第85条): 3 working days from the revoking
decision, the reason made public, a listing without basis ended, and queued items re-dated
when a year's official schedule arrives."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.errors import ValidationFailed
from app.extensions import db
from app.models import DisclosureItem, Listing, Unit
from app.services.audit.unit_trail import unit_events, verify_chain
from app.services.base.context import today
from app.services.credit import listings
from app.services.staff.holidays import ScheduleDay, set_year_schedule
from tests import builders as b
from tests.integration.helpers import row_counts


@pytest.fixture
def people(ctx):
    return b.staff("officer"), b.staff("supervisor")


def last_item(record_id: int) -> DisclosureItem:
    return db.session.scalars(select(DisclosureItem).where(DisclosureItem.record_id == record_id)
                              .order_by(DisclosureItem.id.desc()).limit(1)).one()


@pytest.mark.parametrize(
    ("revoked_on", "due"),
    [
        (dt.date(2026, 9, 29), dt.date(2026, 10, 9)),  # across National Day (1-8 October off)
        (dt.date(2026, 9, 30), dt.date(2026, 10, 10)),  # Saturday 10 October is worked (调休)
        (dt.date(2026, 2, 13), dt.date(2026, 2, 25)),  # across the Spring Festival
        (dt.date(2026, 11, 27), dt.date(2026, 12, 2)),  # a plain Friday
    ],
)
def test_withdrawal_is_due_three_working_days_after_the_revoking_decision(
    people, revoked_on, due
):
    officer, supervisor = people
    rec = b.penalty(officer, b.unit(officer).uscc, decided_on=dt.date(2026, 1, 5),
                    facts="当事人电话13812345678")
    b.revoke_record(officer, supervisor, rec.id, "行政复议决定撤销，联系电话13900001111",
                    revoked_on)
    item = last_item(rec.id)
    assert (item.op, item.due_by, item.due_workdays) == ("withdraw", due, 3)
    assert item.payload["备注"] == "撤销公示：行政复议决定撤销，联系电话139****1111"
    assert db.session.get_one(type(rec), rec.id).revoked_on == revoked_on


def test_revocation_dates_before_the_decision_or_in_the_future_are_refused(people):
    officer, supervisor = people
    rec = b.penalty(officer, b.unit(officer).uscc, decided_on=today() - dt.timedelta(days=10))
    before = row_counts()
    for bad, words in [(rec.decided_on - dt.timedelta(days=1), "不能早于原决定日期"),
                       (today() + dt.timedelta(days=1), "不能晚于今天"),
                       (dt.date(1999, 12, 31), "2000年至2099年")]:
        with pytest.raises(ValidationFailed) as info:
            b.revoke_record(officer, supervisor, rec.id, "撤销", bad)
        assert words in info.value.errors["revoked_on"][0]
        assert row_counts() == before
    b.revoke_record(officer, supervisor, rec.id, "撤销")
    assert last_item(rec.id).due_from == today()


def test_a_listing_whose_every_basis_is_revoked_ends_with_it(people):
    officer, supervisor = people
    u, first, lst = b.listed_unit(officer, supervisor, days_ago=100)
    uid, lid = u.id, lst.id
    b.revoke_record(officer, supervisor, first.id, "行政复议撤销")
    assert db.session.get_one(Listing, lid).status == "revoked"
    assert db.session.get_one(Unit, uid).credit_status == "normal"
    events = unit_events(uid)
    assert [e.trigger for e in events][-2:] == ["record_revoked", "revoke_listing"]
    assert verify_chain(events) is None


def test_a_listing_with_a_standing_basis_stays(people):
    officer, supervisor = people
    u = b.unit(officer)
    one = b.penalty(officer, u.uscc, decided_on=today() - dt.timedelta(days=100))
    two = b.penalty(officer, u.uscc, decided_on=today() - dt.timedelta(days=90))
    lst = listings.propose_listing(officer, u.uscc, "general", "屡次违法", [one.id, two.id],
                                   "津东消信列字〔2026〕7001号", today() - dt.timedelta(days=80))
    listings.approve_listing(supervisor, lst.id)
    b.revoke_record(officer, supervisor, one.id, "复议撤销")
    assert db.session.get_one(Listing, lst.id).status == "active"


def test_a_years_schedule_re_dates_every_queued_item(people, monkeypatch, ctx):
    officer, supervisor = people
    monkeypatch.setitem(ctx.config, "WITHDRAWAL_WORKDAYS", 30)  # reaches into 2027
    rec = b.penalty(officer, b.unit(officer).uscc, decided_on=today() - dt.timedelta(days=10))
    b.revoke_record(officer, supervisor, rec.id, "撤销")
    item = last_item(rec.id)
    assert item.due_provisional
    provisional = item.due_by
    days = [ScheduleDay(dt.date(2027, 1, d), "holiday") for d in (1, 4, 5, 6, 7, 8)]
    days.append(ScheduleDay(dt.date(2027, 1, 9), "workday"))
    counts = set_year_schedule(2027, b.with_statutory_days(2027, days))
    assert counts["items"] >= 1
    db.session.refresh(item)
    assert not item.due_provisional and item.due_by > provisional

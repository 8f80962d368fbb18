"""A unit ends one penalty's publicity online (终止公示行政处罚信息) while another stays public:
the guide with its access code, the unit's page, applying early and for another unit's record,
the supervisor's decision, and the public lookup agreeing (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from app.extensions import db
from app.models import EnforcementRecord, RestorationRequest
from app.services.base.context import today
from app.services.credit.record_publicity import window
from tests import builders as b
from tests.pages import Session
from tests.selfservice import PDF, UnitBrowser

CODE = re.compile(r'data-access-code>([^<]+)<')


@pytest.fixture
def district(app, tmp_path):
    """A unit (not listed) with a penalty past its minimum and a young one, both public; the
    other unit's public penalty; staff."""
    app.config.update(OUTBOX_DIR=str(tmp_path / "outbox"))
    with app.app_context():
        officer, supervisor = b.staff("officer", "wang"), b.staff("supervisor", "li")
        u, old = b.public_penalty(officer, days_ago=200, fine_amount="3000.00")
        uscc, name, old_id = u.uscc, u.name, old.id
        young = b.penalty(officer, uscc, decided_on=today() - dt.timedelta(days=30)).id
        _, theirs = b.public_penalty(officer, days_ago=200)
        return {"uscc": uscc, "name": name, "old": old_id, "young": young, "theirs": theirs.id,
                "officer": officer, "supervisor": supervisor}


def state(app, record_id: int) -> str:
    with app.app_context():
        return db.session.get_one(EnforcementRecord, record_id).publicity_status


def test_a_unit_restores_one_penalty_online_while_the_other_stays_public(app, district):
    d = district
    staff = Session(app, "wang")
    guide = staff.submit(f"/staff/units/{d['uscc']}/record-guide", {})
    assert guide.status_code == 200
    code = CODE.search(guide.get_data(as_text=True)).group(1)
    assert "行政处罚信息信用修复告知书" in guide.get_data(as_text=True)

    unit = UnitBrowser(app)
    assert unit.unit_sign_in(d["uscc"], code).status_code == 302
    home = unit.text("/self/")
    assert f"/self/records/{d['old']}/apply" in home  # past its minimum: may apply
    assert f"/self/records/{d['young']}/apply" not in home  # not yet: says from when
    with app.app_context():
        earliest = window(db.session.get_one(EnforcementRecord, d["young"]))[0]
    assert f"最早可于 {earliest.isoformat()} 申请终止公示" in home

    before = unit.counts()
    early = unit.apply(d["name"], files=[(PDF, "receipt.pdf")],
                       path=f"/self/records/{d['young']}/apply", form_page="/self/")
    assert early.status_code == 409 and "最短公示期未满" in early.get_data(as_text=True)
    assert unit.counts() == before  # nothing written
    assert unit.get(f"/self/records/{d['theirs']}/apply").status_code == 404
    stranger = unit.apply(d["name"], path=f"/self/records/{d['theirs']}/apply",
                          form_page="/self/")
    assert stranger.status_code == 404 and unit.counts() == before

    done = unit.apply(d["name"], files=[(PDF, "receipt.pdf")],
                      path=f"/self/records/{d['old']}/apply")
    assert done.status_code == 302
    assert state(app, d["old"]) == "restoration_requested"
    home = unit.text("/self/")
    assert "申请终止公示行政处罚信息" in home and "receipt.pdf" in home

    with app.app_context():
        request_id = db.session.scalar(
            db.select(RestorationRequest.id).where(RestorationRequest.record_id == d["old"]))
    boss = Session(app, "li")
    assert "终止公示：" in boss.text("/staff/")
    review = boss.text(f"/staff/restoration-requests/{request_id}")
    assert "终止公示行政处罚信息申请" in review and 'data-step="fines_paid"' in review
    refused = boss.submit(f"/staff/restoration-requests/{request_id}", {"decision": "approve"})
    assert refused.status_code in (200, 409) and "罚款尚未缴清" in refused.get_data(as_text=True)
    with app.app_context():
        b.pay_in_full(d["officer"], db.session.get_one(EnforcementRecord, d["old"]))
    approved = boss.submit(f"/staff/restoration-requests/{request_id}", {"decision": "approve"})
    assert approved.status_code == 302
    assert (state(app, d["old"]), state(app, d["young"])) == ("ended_early", "public")
    assert "已准予" in unit.text("/self/")
    public = app.test_client().get(f"/api/v1/public/units/{d['uscc']}").get_json()
    assert {r["record_id"] for r in public["records"]} == {d["young"]}
    assert "已信用修复，终止公示" in staff.text(f"/staff/units/{d['uscc']}")


def test_pages_in_english(app, district):
    staff = Session(app, "wang", lang="en")
    page = staff.text(f"/staff/records/{district['old']}/restoration/new")
    assert 'data-step="minimum_period"' in page and "Submit" in page
    young = staff.text(f"/staff/records/{district['young']}/restoration/new")
    assert "minimum publicity period of this penalty has not passed" in young


def test_an_unpaid_fine_needs_its_receipt_and_the_reviewer_records_it(app, district):
    d = district
    staff = Session(app, "wang")
    code = CODE.search(staff.submit(f"/staff/units/{d['uscc']}/record-guide", {})
                       .get_data(as_text=True)).group(1)
    unit = UnitBrowser(app)
    unit.unit_sign_in(d["uscc"], code)
    path = f"/self/records/{d['old']}/apply"
    assert "data-proof-required" in unit.text(path)  # said before the unit signs
    before = unit.counts()
    bare = unit.apply(d["name"], path=path)
    assert bare.status_code == 422 and "请上传缴款凭证" in bare.get_data(as_text=True)
    assert unit.counts() == before
    assert unit.apply(d["name"], files=[(PDF, "缴款凭证.pdf")], path=path).status_code == 302

    with app.app_context():
        request_id = db.session.scalar(
            db.select(RestorationRequest.id).where(RestorationRequest.record_id == d["old"]))
        day = today().isoformat()
    boss = Session(app, "li")
    review = f"/staff/restoration-requests/{request_id}"
    page = boss.text(review)
    link = f"/staff/records/{d['old']}/payment?next="
    assert 'id="unpaid"' in page and link in page
    paid = boss.submit(f"/staff/records/{d['old']}/payment?next={review}",
                       {"amount": "3000.00", "paid_on": day, "receipt_no": "R1"})
    assert paid.status_code == 302 and paid.headers["Location"].endswith(review)
    assert 'id="unpaid"' not in boss.text(review)
    assert boss.submit(review, {"decision": "approve"}).status_code == 302
    assert state(app, d["old"]) == "ended_early"

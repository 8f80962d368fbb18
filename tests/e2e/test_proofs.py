"""Proofs cannot fill the disk or pose as another type: they download under the extension of
their detected type, a unit has a quota, applying is rate limited per unit, and proofs of
applications that ended without restoration are removed after the retention period."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from app.extensions import db
from app.models import EnforcementRecord, RestorationFile, RestorationRequest
from app.services.base.files import area
from app.services.online.selfservice import prune_proofs
from app.services.online.uploads import download_name
from tests import builders as b
from tests.pages import Session
from tests.selfservice import PDF, PNG, UnitBrowser, listed


def test_a_proof_downloads_under_its_detected_type():
    assert download_name("receipt.exe", "application/pdf") == "receipt.pdf"
    assert download_name("照片.PDF.html", "image/png") == "照片.PDF.png"
    assert download_name("", "image/jpeg") == "file.jpg"


def signed_in(app):  # type: ignore[no-untyped-def]
    with app.app_context():
        officer, supervisor = b.staff("officer", "wang"), b.staff("supervisor", "li")
    unit, code = listed(app, officer, supervisor)
    with app.app_context():
        b.pay_in_full(officer, db.session.scalars(
            select(EnforcementRecord).where(EnforcementRecord.unit_id == unit.id)).one())
    browser = UnitBrowser(app)
    assert browser.unit_sign_in(unit.uscc, code).status_code == 302
    return unit, browser


def test_the_staff_download_is_named_by_content(app):
    unit, browser = signed_in(app)
    assert browser.apply(unit.name, files=[(PNG, "scan.pdf")]).status_code == 302
    with app.app_context():
        item = db.session.scalars(select(RestorationFile)).one()
        request_id, file_id = item.request_id, item.id
    staff = Session(app, "li")
    response = staff.get(f"/staff/restoration-requests/{request_id}/files/{file_id}")
    assert response.status_code == 200
    assert "scan.png" in response.headers["Content-Disposition"]
    response.close()


def test_a_unit_cannot_store_more_than_its_quota(app):
    app.config.update(UNIT_UPLOAD_QUOTA_BYTES=len(PDF) + 10)
    unit, browser = signed_in(app)
    before = browser.counts()
    refused = browser.apply(unit.name, files=[(PDF, "a.pdf"), (PDF, "b.pdf")])
    assert refused.status_code == 422 and "已达上限" in refused.get_data(as_text=True)
    assert browser.counts() == before


def test_applying_and_withdrawing_in_a_loop_is_rate_limited(app):
    app.config.update(APPLY_RATE_LIMIT="2 per hour")
    unit, browser = signed_in(app)
    statuses = []
    for _ in range(3):
        statuses.append(browser.apply(unit.name).status_code)
        with app.app_context():
            open_ids = db.session.scalars(select(RestorationRequest.id).where(
                RestorationRequest.status == "submitted")).all()
        for request_id in open_ids:
            token = browser.csrf("/self/")
            browser.client.post(f"/self/requests/{request_id}/withdraw",
                                data={"csrf_token": token})
    assert statuses == [302, 302, 429]


def test_proofs_of_ended_applications_are_removed_after_retention(app):
    unit, browser = signed_in(app)
    assert browser.apply(unit.name, files=[(PDF, "a.pdf")]).status_code == 302
    with app.app_context():
        request_id = db.session.scalar(select(RestorationRequest.id))
        token = browser.csrf("/self/")
        browser.client.post(f"/self/requests/{request_id}/withdraw", data={"csrf_token": token})
        item = db.session.scalars(select(RestorationFile)).one()
        stored, file_id = item.stored_name, item.id
        assert area("uploads").exists(stored)
        assert prune_proofs() == 0  # within the retention period
        db.session.execute(update(RestorationRequest).values(
            decided_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=181)))
        db.session.commit()
        assert prune_proofs() == 1 and not area("uploads").exists(stored)
        assert prune_proofs() == 0
    assert browser.get(f"/self/files/{file_id}").status_code == 404

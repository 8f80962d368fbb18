"""Unit self-service: sign-in with the access code, lockout, the steps page, applying online
with proofs, progress and withdrawal (SQLite and PostgreSQL)."""

from __future__ import annotations

import os

import pytest

from app.extensions import db
from app.models import RestorationFile, RestorationRequest, Unit
from app.services.online.access import issue_access_code
from tests import builders as b
from tests.pages import Session
from tests.selfservice import EXE, HTML, JPEG, PDF, PNG, UnitBrowser, listed

WRONG = "统一社会信用代码或访问码不正确。"


@pytest.fixture
def people(app):
    # Data is made in its own app context: requests of the test client must not share one
    # (Flask-WTF keeps the CSRF token of a request in ``g``).
    with app.app_context():
        return (b.staff("officer", "wang"), b.staff("supervisor", "li"),
                b.staff("supervisor", "zhao"))


def test_unknown_code_and_wrong_access_code_get_the_same_answer(app, people):
    officer, supervisor, _ = people
    unit, code = listed(app, officer, supervisor)
    browser = UnitBrowser(app)
    unknown = browser.unit_sign_in(b.uscc(), code)
    wrong = browser.unit_sign_in(unit.uscc, "ABCD-EFGH-JKMN")
    with app.app_context():
        never_issued = b.unit(officer).uscc
    no_code = browser.unit_sign_in(never_issued, code)
    for response in (unknown, wrong, no_code):
        assert response.status_code == 401
        assert WRONG in response.get_data(as_text=True)
    assert browser.get("/self/").status_code == 302  # still signed out
    ok = browser.unit_sign_in(unit.uscc.lower(), code.replace("-", " ").lower())
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/self/")
    page = browser.text("/self/")
    assert unit.name in page and "拒不改正消防违法行为" in page


def test_repeated_failures_lock_the_unit_until_staff_reissue_the_code(app, people):
    officer, supervisor, _ = people
    app.config.update(ACCESS_MAX_FAILURES=3, ACCESS_CODE_RATE_LIMIT="100 per minute")
    unit, code = listed(app, officer, supervisor)
    for n in range(3):  # from three addresses: the lockout is per unit, not per address
        assert UnitBrowser(app, f"10.0.1.{n}").unit_sign_in(unit.uscc, "WRONG").status_code == 401
    locked = UnitBrowser(app).unit_sign_in(unit.uscc, code)  # even the right code now
    assert locked.status_code == 423
    assert "错误次数过多" in locked.get_data(as_text=True)
    staff = Session(app, "wang")
    assert "data-self-locked" in staff.text(f"/staff/units/{unit.uscc}")  # staff see why
    with app.app_context():
        assert db.session.get(Unit, unit.id).access_locked_until is not None
        new_code = issue_access_code(officer, unit.uscc)  # staff reissue: unlocked, old code void
    assert UnitBrowser(app).unit_sign_in(unit.uscc, code).status_code == 401
    assert UnitBrowser(app).unit_sign_in(unit.uscc, new_code).status_code == 302


def test_reissuing_the_code_ends_open_sessions(app, people):
    officer, supervisor, _ = people
    unit, code = listed(app, officer, supervisor)
    browser = UnitBrowser(app)
    assert browser.unit_sign_in(unit.uscc, code).status_code == 302
    assert browser.get("/self/").status_code == 200
    with app.app_context():
        issue_access_code(officer, unit.uscc)
    assert browser.get("/self/").status_code == 302


def test_guessing_is_rate_limited_per_code_across_addresses(app, people):
    officer, supervisor, _ = people
    app.config.update(ACCESS_CODE_RATE_LIMIT="3 per minute", ACCESS_MAX_FAILURES=100)
    unit, _ = listed(app, officer, supervisor)
    answers = [UnitBrowser(app, f"10.0.2.{n}").unit_sign_in(unit.uscc, "WRONG").status_code
               for n in range(4)]
    assert answers == [401, 401, 401, 429]


def test_guessing_is_rate_limited_per_address(app, people):
    app.config.update(ACCESS_RATE_LIMIT="2 per minute")
    browser = UnitBrowser(app, "10.0.3.1")
    answers = [browser.unit_sign_in(b.uscc(), "WRONG").status_code for _ in range(3)]
    assert answers == [401, 401, 429]
    assert "请求过于频繁" in browser.unit_sign_in(b.uscc(), "x").get_data(as_text=True)


def test_steps_page_says_why_what_to_do_and_when(app, people):
    officer, supervisor, _ = people
    unit, code = listed(app, officer, supervisor, days_ago=30)  # minimum (3 months) not yet passed
    browser = UnitBrowser(app)
    browser.unit_sign_in(unit.uscc, code)
    page = browser.text("/self/")
    with app.app_context():
        earliest = db.session.scalar(db.select(Unit).where(Unit.id == unit.id)).uscc and \
            db.session.execute(db.text("SELECT min_until FROM listings WHERE unit_id = :u"),
                               {"u": unit.id}).scalar()
    earliest_text = str(earliest)[:10]
    assert 'data-step="minimum_period" data-state="waiting"' in page
    assert 'data-step="fines_paid" data-state="todo"' in page and "5000.00" in page
    assert earliest_text in page
    assert "现在还不能申请" in page and "/self/apply" not in page.split('id="steps"')[1].split(
        "</section>")[0]
    refused = browser.apply(unit.name)  # applying before the earliest date
    assert refused.status_code in (200, 409)
    follow = browser.text("/self/apply")
    assert "现在还不能申请" in follow
    token = browser.csrf("/self/")
    posted = browser.client.post("/self/apply", data={
        "signed_name": unit.name, "signed_representative": "张伟", "agree": "y",
        "csrf_token": token}, content_type="multipart/form-data")
    assert posted.status_code == 409
    assert earliest_text in posted.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(RestorationRequest)) == 0


def test_apply_online_with_proofs_then_withdraw(app, people, tmp_path):
    officer, supervisor, _ = people
    unit, code = listed(app, officer, supervisor)
    browser = UnitBrowser(app)
    browser.unit_sign_in(unit.uscc, code)
    response = browser.apply("  " + unit.name.replace("测试", "测 试") + " ", "张 伟",
                             [(PDF, "receipt.pdf"), (PNG, "photo.PNG"), (JPEG, "scan.jpg")])
    assert response.status_code == 302, response.get_data(as_text=True)
    page = browser.text("/self/")
    assert 'data-status="submitted"' in page and "receipt.pdf" in page and "应于" in page
    with app.app_context():
        request_ = db.session.scalars(db.select(RestorationRequest)).one()
        files = db.session.scalars(db.select(RestorationFile)).all()
        assert request_.commitment_signed and request_.signed_representative == "张 伟"
        assert request_.filed_by is None
        assert sorted(f.content_type for f in files) == ["application/pdf", "image/jpeg",
                                                         "image/png"]
        stored = [f.stored_name for f in files]
    upload_dir = tmp_path / "uploads"
    assert sorted(os.listdir(upload_dir)) == sorted(stored)
    assert all(len(name.split(".")[0]) == 32 for name in stored)  # random, not the given names
    assert not any("receipt" in name for name in stored)
    assert (upload_dir / stored[0]).stat().st_mode & 0o077 == 0
    download = browser.get(f"/self/files/{files[0].id}")
    assert download.status_code == 200 and download.data in (PDF, PNG, JPEG)
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    download.close()

    twice = browser.apply(unit.name, files=[(PDF, "again.pdf")])
    assert twice.status_code == 409
    assert "请勿重复申请" in twice.get_data(as_text=True)
    assert len(os.listdir(upload_dir)) == 3  # the refused application wrote no file

    token = browser.csrf("/self/")
    withdrawn = browser.client.post(f"/self/requests/{request_.id}/withdraw",
                                    data={"csrf_token": token})
    assert withdrawn.status_code == 302
    page = browser.text("/self/")
    assert 'data-status="withdrawn"' in page and "/self/apply" in page
    with app.app_context():
        assert db.session.get(Unit, unit.id).credit_status == "listed"


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (EXE, "proof.pdf", "只接受 PDF、JPEG 或 PNG"),  # a program named like a PDF
        (HTML, "photo.png", "只接受 PDF、JPEG 或 PNG"),  # a page named like an image
        (b"", "empty.pdf", "文件为空"),
        (PDF + bytes(2048), "big.pdf", "超过大小限制"),
    ],
)
def test_bad_uploads_are_refused_and_change_nothing(app, people, tmp_path, content, filename,
                                                    message):
    officer, supervisor, _ = people
    app.config["UPLOAD_MAX_BYTES"] = 1024
    unit, code = listed(app, officer, supervisor)
    browser = UnitBrowser(app)
    browser.unit_sign_in(unit.uscc, code)
    before = browser.counts()
    response = browser.apply(unit.name, files=[(PDF, "good.pdf"), (content, filename)])
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body and filename in body
    assert unit.name in body  # what was typed is kept
    assert browser.counts() == before
    assert not (tmp_path / "uploads").exists() or os.listdir(tmp_path / "uploads") == []


def test_too_many_files_and_a_request_too_large(app, people):
    officer, supervisor, _ = people
    app.config.update(UPLOAD_MAX_FILES=2, MAX_CONTENT_LENGTH=64 * 1024)
    unit, code = listed(app, officer, supervisor)
    browser = UnitBrowser(app)
    browser.unit_sign_in(unit.uscc, code)
    before = browser.counts()
    many = browser.apply(unit.name, files=[(PDF, f"{n}.pdf") for n in range(3)])
    assert many.status_code == 422 and "上传的文件过多" in many.get_data(as_text=True)
    huge = browser.apply(unit.name, files=[(PDF + bytes(100 * 1024), "huge.pdf")])
    assert huge.status_code == 413 and "提交的内容过大" in huge.get_data(as_text=True)
    assert browser.counts() == before


def test_signature_must_match_the_register(app, people):
    officer, supervisor, _ = people
    unit, code = listed(app, officer, supervisor)
    browser = UnitBrowser(app)
    browser.unit_sign_in(unit.uscc, code)
    before = browser.counts()
    wrong = browser.apply("别的单位", "李四", [(PDF, "a.pdf")])
    body = wrong.get_data(as_text=True)
    assert wrong.status_code == 422
    assert "请输入与登记一致的单位名称" in body and "请输入与登记一致的法定代表人姓名" in body
    unchecked = browser.apply(unit.name, agree=False)
    assert unchecked.status_code == 422
    assert browser.counts() == before


def test_english_self_service(app, people):
    officer, supervisor, _ = people
    unit, code = listed(app, officer, supervisor, days_ago=30)
    browser = UnitBrowser(app, lang="en")
    assert "Incorrect" in browser.unit_sign_in(unit.uscc, "WRONG").get_data(as_text=True)
    browser.unit_sign_in(unit.uscc, code)
    page = browser.text("/self/")
    assert "Restoration steps" in page and "not yet possible" in page.lower()


def test_the_reminder_box_is_shown_only_where_a_reminder_can_come(app, people):
    officer, supervisor, other = people
    unit, code = listed(app, officer, supervisor)
    browser = UnitBrowser(app)
    assert browser.unit_sign_in(unit.uscc, code).status_code == 302
    assert 'id="contact"' in browser.text("/self/")  # listed: may apply, will hear back
    with app.app_context():  # the basis penalty is revoked (four eyes); the listing ends with it
        rec = b.unit_records_of(unit.id)[0]
        b.revoke_record(officer, other, rec.id, "行政复议撤销")
    home = browser.text("/self/")
    assert "贵单位目前不在失信名单上" in home and 'id="contact"' not in home

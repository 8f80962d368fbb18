"""Staff sign-in: lockout, rate limit, CSRF, password change, sessions that end."""

from __future__ import annotations

import re

import pytest

from tests import builders as b
from tests.pages import Session


@pytest.fixture
def officer(app):
    with app.app_context():
        return b.staff("officer", "wang")


def test_sign_in_and_out(app, officer):
    browser = Session(app)
    assert browser.get("/staff/").status_code == 302  # to the sign-in page
    assert browser.sign_in("wang").headers["Location"] == "/staff/"
    assert "工作台" in browser.text("/staff/")
    response = browser.submit("/logout", {}, page="/staff/")
    assert response.status_code == 302
    assert browser.get("/staff/").headers["Location"].startswith("/login")


def test_wrong_password_unknown_user_and_a_lockout_get_the_same_answer(app, officer):
    app.config["LOGIN_MAX_FAILURES"] = 3
    browser = Session(app)
    wrong = browser.sign_in("wang", "not-the-password")
    unknown = browser.sign_in("nobody", "not-the-password")
    for _ in range(3):
        browser.sign_in("wang", "guess-guess-guess")
        browser.sign_in("nobody", "guess-guess-guess")
    locked = browser.sign_in("wang")  # even the right password now, from this address
    locked_unknown = browser.sign_in("nobody")
    answers = [r.get_data(as_text=True) for r in (wrong, unknown, locked, locked_unknown)]
    assert {r.status_code for r in (wrong, unknown, locked, locked_unknown)} == {401}
    assert all("用户名或密码不正确；连续输错多次后须稍候再试。" in a for a in answers)
    page = [re.sub(r'name="csrf_token"[^>]*>', "", a) for a in answers]
    assert page[0] == page[2] and page[1] == page[3]  # a lockout reads as a wrong password
    assert page[0].replace("wang", "nobody") == page[1]  # and a known name as an unknown one
    assert browser.get("/staff/").status_code == 302


def test_a_stranger_cannot_lock_the_owner_out(app, officer):
    app.config["LOGIN_MAX_FAILURES"] = 3
    stranger = Session(app, address="203.0.113.9")
    for _ in range(5):
        assert stranger.sign_in("wang", "guess-guess-guess").status_code == 401
    assert stranger.sign_in("wang").status_code == 401  # locked from the stranger's address
    owner = Session(app, address="10.12.0.7")
    assert owner.sign_in("wang").status_code == 302  # the owner's own address is not
    assert stranger.sign_in("wang").status_code == 401  # and the owner's success frees nobody


def test_an_admin_clears_a_lockout(app, officer):
    app.config["LOGIN_MAX_FAILURES"] = 2
    with app.app_context():
        b.staff("admin", "root")
    for _ in range(2):
        Session(app).sign_in("wang", "guess-guess-guess")
    admin = Session(app, "root")
    users = admin.text("/staff/admin/users")
    assert "已锁定" in users
    with app.app_context():
        from app.services.staff.accounts import list_users

        wang = next(u for u in list_users() if u.username == "wang")
    edit = f"/staff/admin/users/{wang.id}"
    saved = admin.submit(edit, {"display_name": "王强", "role": "officer", "active": "y"})
    assert saved.status_code == 302
    assert Session(app).sign_in("wang").status_code == 302


def test_sign_in_is_rate_limited_per_address(app, officer):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    browser = Session(app)
    for _ in range(3):
        browser.sign_in("wang", "x-x-x-x-x-x")
    limited = browser.sign_in("wang")
    assert limited.status_code == 429
    assert "请求过于频繁" in limited.get_data(as_text=True)


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(app, officer):
    browser = Session(app, "wang")
    before = browser.counts()
    response = browser.client.post(
        "/staff/units/new", data={"uscc": b.uscc(), "name": "无令牌单位"}
    )
    assert response.status_code == 400
    assert "页面已过期或来源不明" in response.get_data(as_text=True)
    assert browser.counts() == before


def test_changing_the_password_ends_other_sessions(app, officer):
    laptop, phone = Session(app, "wang"), Session(app, "wang")
    changed = laptop.submit("/account/password", {
        "current_password": "correct-horse-battery", "new_password": "a-new-long-password",
        "confirm": "a-new-long-password"})
    assert changed.status_code == 302
    assert laptop.get("/staff/").status_code == 200  # this session goes on
    assert phone.get("/staff/").status_code == 302  # the other one ended
    assert Session(app).sign_in("wang", "a-new-long-password").status_code == 302


def test_password_change_validation_keeps_the_old_password(app, officer):
    browser = Session(app, "wang")
    for data, message in [
        ({"current_password": "wrong-wrong-wrong", "new_password": "a-new-long-password",
          "confirm": "a-new-long-password"}, "当前密码不正确。"),
        ({"current_password": "correct-horse-battery", "new_password": "short",
          "confirm": "short"}, "密码至少10个字符。"),
        ({"current_password": "correct-horse-battery", "new_password": "a-new-long-password",
          "confirm": "another-long-password"}, "两次输入的新密码不一致。"),
    ]:
        response = browser.submit("/account/password", data)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert Session(app).sign_in("wang").status_code == 302


def test_a_deactivated_account_is_signed_out(app, officer):
    with app.app_context():
        admin = b.staff("admin", "root")
        browser = Session(app, "wang")
        from app.services.staff.accounts import update_user

        update_user(admin, officer.id, "officer", active=False)
    assert browser.get("/staff/").status_code == 302
    assert Session(app).sign_in("wang").status_code == 401


def test_next_only_goes_to_local_pages(app, officer):
    browser = Session(app)
    token = browser.csrf("/login?next=https://evil.example/")
    response = browser.client.post(
        "/login?next=https://evil.example/",
        data={"username": "wang", "password": "correct-horse-battery", "csrf_token": token},
    )
    assert response.headers["Location"] == "/staff/"


def test_the_session_cookie_is_http_only_and_same_site(app, officer):
    browser = Session(app)
    response = browser.client.post("/login", data={
        "username": "wang", "password": "correct-horse-battery",
        "csrf_token": browser.csrf()})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_staff_pages_are_not_cached(app, officer):
    browser = Session(app, "wang")
    assert browser.get("/staff/").headers["Cache-Control"] == "no-store"


def test_the_daily_job_forgets_quiet_pairs_but_not_locked_ones(app):
    import datetime as dt

    from app.extensions import db
    from app.models import SigninLockout
    from app.services.staff.signin import prune_lockouts

    now = dt.datetime.now(dt.UTC)
    old = now - dt.timedelta(days=2)
    with app.app_context():
        db.session.add_all([
            SigninLockout(username="old", address="a", failures=2, updated_at=old),
            SigninLockout(username="locked", address="a", failures=0, updated_at=old,
                          locked_until=now + dt.timedelta(minutes=5)),
            SigninLockout(username="fresh", address="a", failures=1, updated_at=now),
        ])
        db.session.commit()
        assert prune_lockouts() == 1
        assert set(db.session.scalars(db.select(SigninLockout.username))) == {"locked", "fresh"}

"""Sessions that end: signing in starts a fresh session (an anonymous CSRF token does not
survive it) and signing out ends the session on the server, so a cookie copied before
sign-out opens nothing afterwards, for staff and for a unit's self-service."""

from __future__ import annotations

from tests import builders as b
from tests.pages import Session
from tests.selfservice import UnitBrowser, listed


def cookie(browser: Session) -> str:
    found = browser.client.get_cookie("session")
    assert found is not None
    return found.value


def test_staff_sign_in_starts_a_fresh_session(app):
    with app.app_context():
        b.staff("officer", "wang")
    browser = Session(app)
    browser.csrf("/login")  # the anonymous session now holds a CSRF token
    with browser.client.session_transaction() as before:
        anonymous_token = before["csrf_token"]
    assert browser.sign_in("wang").status_code == 302
    with browser.client.session_transaction() as after:
        assert after.get("csrf_token") != anonymous_token


def test_a_staff_cookie_copied_before_sign_out_opens_nothing_after(app):
    with app.app_context():
        b.staff("officer", "wang")
    browser = Session(app, "wang")
    copied = cookie(browser)
    assert browser.get("/staff/").status_code == 200
    token = browser.csrf("/staff/")
    assert browser.client.post("/logout", data={"csrf_token": token}).status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/staff/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_unit_cookie_copied_before_sign_out_opens_nothing_after(app):
    with app.app_context():
        officer, supervisor = b.staff("officer"), b.staff("supervisor")
    unit, code = listed(app, officer, supervisor)
    browser = UnitBrowser(app)
    assert browser.unit_sign_in(unit.uscc, code).status_code == 302
    copied = cookie(browser)
    assert browser.get("/self/").status_code == 200
    token = browser.csrf("/self/")
    assert browser.client.post("/self/logout", data={"csrf_token": token}).status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/self/").status_code == 302  # back to the sign-in page
    again = UnitBrowser(app)
    assert again.unit_sign_in(unit.uscc, code).status_code == 302  # the code itself still works
    assert again.get("/self/").status_code == 200

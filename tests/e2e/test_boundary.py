"""No request, however malformed, reaches a view as a crash: NUL anywhere, JSON nested too
deep or with an integer too long to read, and a `next=` carrying control characters (SQLite
and PostgreSQL, which refuses NUL in text)."""

from __future__ import annotations

import pytest

from tests import builders as b
from tests.integration.helpers import row_counts
from tests.pages import Session


@pytest.fixture
def token(app):
    with app.app_context():
        return b.token(b.staff("officer", "wang"))


def counts(app):
    with app.app_context():
        return row_counts()


@pytest.mark.parametrize(
    "body",
    ["[" * 5000 + "]" * 5000,  # deeper than the parser's recursion
     '{"a":' * 40 + "1" + "}" * 40,  # deeper than the limit
     '{"uscc": ' + "9" * 5000 + ', "name": "x"}',  # an integer of 5000 digits
     '{"uscc": "91120110MA0000001W", "name": "a\\u0000b"}',  # NUL in a string
     '{"uscc": '],  # not JSON at all
)
def test_malformed_json_is_a_400_and_writes_nothing(app, token, body):
    before = counts(app)
    response = app.test_client().post(
        "/api/v1/units", data=body, content_type="application/json",
        headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400
    assert response.get_json()["code"] == "bad_request"
    assert counts(app) == before


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [("GET", "/public/?q=%E4%B8%9C%00", None),
     ("GET", "/api/v1/public/units?q=ab%00", None),
     ("GET", "/public/units/91120110MA0000001W%00", None),
     ("GET", "/staff/units/91120110MA0000001W%00", None),
     ("GET", "/staff/units?q=%00", None),
     ("POST", "/self/login", {"uscc": "9112\x000110", "access_code": "x"}),
     ("POST", "/login", {"username": "wang\x00", "password": "x"})],
)
def test_nul_in_a_path_query_or_form_field_is_a_400(app, token, method, path, data):
    browser = Session(app, "wang")
    response = browser.client.open(path, method=method, data=data)
    assert response.status_code == 400, (path, response.status_code)


def test_a_next_with_a_line_break_is_treated_as_absent(app, token):
    browser = Session(app)
    login = browser.client.post("/login?next=/staff/units%0d%0aSet-Cookie:x=1", data={
        "username": "wang", "password": "correct-horse-battery",
        "csrf_token": browser.csrf("/login")})
    assert login.status_code == 302
    assert login.headers["Location"].endswith("/staff/")


@pytest.mark.parametrize("path", ["/login", "/public/", "/self/login", "/api/openapi.json",
                                  "/api/v1/public/units?q=东丽", "/nowhere"])
def test_every_response_refuses_framing_and_foreign_assets(app, path):
    response = app.test_client().get(path)
    headers = response.headers
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in headers  # plain HTTP here


def test_https_gets_hsts_the_docs_page_its_inline_start_and_the_icon_is_served(app):
    client = app.test_client()
    secure = client.get("/login", base_url="https://creditflow.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and "'unsafe-inline'" in docs.headers["Content-Security-Policy"]
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    icon.close()  # a file response holds its file until closed

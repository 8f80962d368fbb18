"""The OpenAPI description tells the truth about what the API returns: error bodies with their
extra fields (``unmet``, ``current_version``, ``required_roles``, ``uscc``), money as decimal
strings, and the headers of a 405. Each response is validated against the served description
by schemathesis."""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis

from tests import builders as b


@pytest.fixture
def world(app):
    with app.app_context():
        officer, sup, admin = b.staff("officer"), b.staff("supervisor"), b.staff("admin")
        u, rec, _ = b.listed_unit(officer, sup)
        tokens = {"officer": b.token(officer), "supervisor": b.token(sup), "admin": b.token(admin)}
        return {"uscc": u.uscc, "record": rec.id, "tokens": tokens}


@pytest.fixture
def api(app, client, world):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)

    def call(method: str, path: str, template: str, who: str = "officer", **kw):  # type: ignore[no-untyped-def]
        headers = {"Authorization": f"Bearer {world['tokens'][who]}"}
        response = client.open(f"/api/v1{path}", method=method, headers=headers, **kw)
        schema[f"/api/v1{template}"][method].validate_response(response)
        return response

    return call


def test_guards_that_do_not_hold_are_described(api, world):
    body = {"reason": "复议撤销", "document_no": "东复决字〔2026〕1号",
            "revoked_on": dt.date.today().isoformat()}
    proposal = api("POST", f"/records/{world['record']}/revoke",
                   "/records/{record_id}/revoke", json=body, who="supervisor").get_json()
    own = api("POST", f"/revocations/{proposal['id']}/approve",
              "/revocations/{revocation_id}/approve", who="supervisor")
    assert own.status_code == 409
    assert own.get_json()["unmet"][0]["code"] == "approver_is_proposer"


def test_a_stale_version_says_the_current_one(api, world):
    stale = api("POST", f"/units/{world['uscc']}/restoration-requests",
                "/units/{uscc}/restoration-requests",
                json={"commitment_signed": True, "version": 1})
    assert stale.status_code == 409 and stale.get_json()["current_version"] > 1


def test_role_and_not_found_errors_are_described(api, world):
    forbidden = api("POST", "/disclosure/batches", "/disclosure/batches", json={})
    assert forbidden.status_code == 403 and forbidden.get_json()["required_roles"] == ["admin"]
    missing = api("GET", "/units/91120110MA0000001X", "/units/{uscc}")
    assert missing.status_code == 404


def test_money_is_a_decimal_string_as_described(api, world):
    paid = api("POST", f"/records/{world['record']}/payments", "/records/{record_id}/payments",
               json={"amount": "1234.5", "paid_on": dt.date.today().isoformat()})
    assert paid.status_code == 201 and paid.get_json()["amount"] == "1234.50"
    records = api("GET", f"/units/{world['uscc']}/records", "/units/{uscc}/records")
    penalty = records.get_json()[0]
    assert penalty["fine_amount"] == "5000.00" and penalty["paid_amount"] == "1234.50"


def test_an_unsupported_method_says_which_are_allowed(client, world):
    response = client.open("/api/v1/units", method="TRACE",
                           headers={"Authorization": f"Bearer {world['tokens']['officer']}"})
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}

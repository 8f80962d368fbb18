"""The JSON API through the test client: the whole cycle, every bad input, no 500s."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import builders as b
from tests.integration.helpers import row_counts


def today() -> dt.date:
    return dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()


D = (today() - dt.timedelta(days=400)).isoformat()


@pytest.fixture
def api(app, client):
    with app.app_context():
        officer, sup, sup2 = b.staff("officer"), b.staff("supervisor"), b.staff("supervisor")
        tokens = {
            "officer": b.token(officer),
            "supervisor": b.token(sup),
            "supervisor2": b.token(sup2),
            "admin": b.token(b.staff("admin")),
        }

    class Api:
        def call(self, method, path, who="officer", **kw):
            headers = {"Authorization": f"Bearer {tokens[who]}"} if who else {}
            headers.update(kw.pop("headers", {}))
            return client.open(f"/api/v1{path}", method=method, headers=headers, **kw)

        def counts(self):
            with app.app_context():
                return row_counts()

    return Api()


def penalty_body(**kw):
    body = {"category": "penalty", "document_no": "津东消行罚决字〔2025〕1号", "decided_on": D,
            "tier": "general", "penalty_types": ["fine"], "fine_amount": "30000.00",
            "facts": "堵塞消防通道", "legal_basis": "《消防法》第六十条",
            "deliberation_ref": "东消集议〔2025〕1号", "deliberation_on": D}
    body.update(kw)
    return body


UNIT = b.uscc(9001)


def test_the_whole_cycle_over_http(api):
    assert (
        api.call("POST", "/units", json={"uscc": UNIT.lower(), "name": "金钟物流"}).status_code
        == 201
    )
    rec = api.call("POST", f"/units/{UNIT}/records", json=penalty_body()).get_json()
    assert rec["publish_by"] and rec["disclosure_state"] == "pending"
    lst = api.call("POST", f"/units/{UNIT}/listings", json={
        "level": "general", "reason": "拒不改正", "basis_record_ids": [rec["id"]],
        "document_no": "L-1", "decided_on": D}).get_json()
    unit = api.call("GET", f"/units/{UNIT}", who="supervisor").get_json()
    assert unit["allowed_triggers"] == ["list_as_dishonest"]
    r = api.call("POST", f"/listings/{lst['id']}/approve", who="supervisor",
                 json={"version": unit["version"]})
    assert r.status_code == 200, r.get_json()
    pay = api.call("POST", f"/records/{rec['id']}/payments",
                   json={"amount": "30000", "paid_on": today().isoformat()})
    assert pay.status_code == 201
    steps = api.call("GET", f"/units/{UNIT}/restoration-steps").get_json()
    assert steps["can_apply_now"] is True
    req = api.call("POST", f"/units/{UNIT}/restoration-requests",
                   json={"commitment_signed": True}).get_json()
    assert api.call("POST", f"/restoration-requests/{req['id']}/approve", who="supervisor",
                    json={}).status_code == 200
    unit = api.call("GET", f"/units/{UNIT}").get_json()
    assert unit["credit_status"] == "restored"
    events = api.call("GET", f"/units/{UNIT}/events").get_json()
    assert events["chain_valid"] and len(events["events"]) == 7
    records = api.call("GET", f"/units/{UNIT}/records?category=penalty").get_json()
    assert [r["paid_amount"] for r in records] == ["30000.00"]


def setup_listed(api):
    api.call("POST", "/units", json={"uscc": UNIT, "name": "金钟物流"})
    rec = api.call("POST", f"/units/{UNIT}/records", json=penalty_body()).get_json()
    lst = api.call("POST", f"/units/{UNIT}/listings", json={
        "level": "general", "reason": "r", "basis_record_ids": [rec["id"]],
        "document_no": "L-1", "decided_on": D}).get_json()
    return rec, lst


BAD_UNITS = [
    {"uscc": "91120110MA000001", "name": "x"},  # length
    {"uscc": "91120110MA0000O1X0", "name": "x"},  # alphabet
    {"uscc": UNIT[:-1] + ("0" if UNIT[-1] != "0" else "1"), "name": "x"},  # check character
    {"uscc": UNIT, "name": ""},
    {"uscc": UNIT},
    {"uscc": UNIT, "name": "x", "colour": "red"},
    {"uscc": 12345, "name": "x"},
]


@pytest.mark.parametrize("body", BAD_UNITS)
def test_bad_units_are_refused_and_change_nothing(api, body):
    before = api.counts()
    r = api.call("POST", "/units", json=body)
    assert r.status_code == 422, r.get_json()
    assert set(r.get_json()) == {"code", "message", "errors"} and r.get_json()["errors"]
    assert api.counts() == before


BAD_RECORDS = [
    penalty_body(category="parking"),
    penalty_body(fine_amount="-1"),
    penalty_body(fine_amount="12,5"),
    penalty_body(fine_amount="1.234"),
    penalty_body(decided_on="2026-13-01"),
    penalty_body(tier="catastrophic"),
    {"category": "coercive_measure", "document_no": "C-1", "decided_on": D,
     "measure_type": "seal_up", "started_on": D, "lifted_on": "2020-01-01"},
    {"category": "licensing", "document_no": "X-1", "decided_on": D, "licence_type": "ordinary",
     "licence_no": "N-1", "valid_from": D, "valid_to": "2020-01-01"},
    {"category": "inspection", "document_no": "I-1", "decided_on": D, "hazards_found": -1},
    penalty_body(hazards_found=2),
]


@pytest.mark.parametrize("body", BAD_RECORDS)
def test_bad_records_are_refused_and_change_nothing(api, body):
    api.call("POST", "/units", json={"uscc": UNIT, "name": "金钟物流"})
    before = api.counts()
    r = api.call("POST", f"/units/{UNIT}/records", json=body)
    assert r.status_code == 422, r.get_json()
    assert r.get_json()["code"] == "validation_failed"
    assert api.counts() == before


def test_duplicate_document_number_is_409(api):
    api.call("POST", "/units", json={"uscc": UNIT, "name": "金钟物流"})
    api.call("POST", f"/units/{UNIT}/records", json=penalty_body())
    before = api.counts()
    r = api.call("POST", f"/units/{UNIT}/records", json=penalty_body())
    assert r.status_code == 409 and r.get_json()["code"] == "duplicate"
    assert api.counts() == before


def test_conflicts_are_409_and_change_nothing(api):
    rec, lst = setup_listed(api)
    before = api.counts()
    # approval by the proposer (a supervisor proposing and approving is covered in integration)
    r = api.call("POST", f"/listings/{lst['id']}/approve", who="officer", json={})
    assert r.status_code == 403
    # a trigger the current state does not allow: request restoration of a unit not listed
    r = api.call("POST", f"/units/{UNIT}/restoration-requests", json={"commitment_signed": True})
    assert r.status_code == 409
    # a stale version
    r = api.call("POST", f"/listings/{lst['id']}/approve", who="supervisor", json={"version": 99})
    assert r.status_code == 409 and r.get_json()["code"] == "stale_version"
    assert api.counts() == before
    assert (
        api.call("POST", f"/listings/{lst['id']}/approve", who="supervisor", json={}).status_code
        == 200
    )
    # approving twice: the proposal is no longer pending
    r = api.call("POST", f"/listings/{lst['id']}/approve", who="supervisor2", json={})
    assert r.status_code == 409 and r.get_json()["code"] == "invalid_transition"


def test_authentication_and_roles(api):
    assert api.call("GET", "/units", who=None).status_code == 401
    r = api.call("GET", "/units", who=None, headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401 and r.headers["WWW-Authenticate"] == "Bearer"
    rec, lst = setup_listed(api)
    r = api.call("POST", f"/records/{rec['id']}/revoke", who="admin",
                 json={"reason": "x", "document_no": "撤1", "revoked_on": "2026-01-05"})
    assert r.status_code == 403 and r.get_json()["code"] == "forbidden"


@pytest.mark.parametrize(
    ("method", "path", "kw"),
    [
        ("POST", "/units", {"data": "{not json", "content_type": "application/json"}),
        ("POST", "/units", {"json": [1, 2, 3]}),
        ("POST", "/units", {"json": None}),
        ("POST", "/units", {"data": "\x00\xff", "content_type": "application/json"}),
        ("GET", "/units?page=-1", {}),
        ("GET", "/units?page=abc", {}),
        ("GET", "/units?per_page=100000", {}),
        ("GET", "/units?status=evil", {}),
        ("GET", "/units/%00%27--", {}),
        ("GET", "/units?q=%00abc", {}),
        ("POST", "/units", {"json": {"uscc": UNIT, "name": "a\x00b"}}),
        ("GET", "/units/" + "9" * 5000, {}),
        ("POST", "/records/999999/payments", {"json": {"amount": "1", "paid_on": D}}),
        ("POST", "/records/abc/payments", {"json": {}}),
        ("POST", "/listings/1/approve", {"json": {"version": "x"}}),
        ("POST", "/restoration-requests/1/reject", {"json": {"reason": ""}}),
        ("POST", "/units/XYZ/records", {"json": penalty_body(fine_amount="NaN")}),
        ("POST", "/units/XYZ/listings", {"json": {"basis_record_ids": "all"}}),
        ("DELETE", "/units", {}),
        ("POST", "/restoration-requests/99999999999999999999999/reject", {"json": {"reason": "x"}}),
        (
            "POST",
            f"/units/{UNIT}/listings",
            {
                "json": {
                    "level": "general",
                    "reason": "r",
                    "basis_record_ids": [10**30],
                    "document_no": "X",
                    "decided_on": D,
                }
            },
        ),
        ("POST", "/listings/1/approve", {"json": {"version": 10**20}}),
        ("POST", f"/units/{UNIT}/records", {"json": penalty_body(decided_on="0001-01-01")}),
        (
            "POST",
            f"/units/{UNIT}/records",
            {
                "json": {
                    "category": "inspection",
                    "document_no": "I",
                    "decided_on": D,
                    "hazards_found": 10**12,
                }
            },
        ),
    ],
)
def test_malformed_requests_get_4xx_never_500(api, method, path, kw):
    r = api.call(method, path, who="supervisor", **kw)
    assert 400 <= r.status_code < 500, (r.status_code, r.get_data(as_text=True)[:300])
    assert set(r.get_json()) >= {"code", "message", "errors"}


def test_openapi_describes_every_route_and_docs_are_local(client):
    spec = client.get("/api/openapi.json").get_json()
    for path in ("/api/v1/units", "/api/v1/units/{uscc}", "/api/v1/units/{uscc}/records",
                 "/api/v1/listings/{listing_id}/approve",
                 "/api/v1/restoration-requests/{request_id}/withdraw"):
        assert path in spec["paths"]
    page = client.get("/api/docs").get_data(as_text=True)
    assert "http://" not in page.replace("http://localhost", "") and "https://" not in page
    asset = client.get("/api/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and asset.get_data()
    asset.close()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = st.sampled_from(["uscc", "name", "category", "document_no", "decided_on", "tier",
                          "penalty_types", "fine_amount", "hazards_found", "started_on",
                          "lifted_on", "valid_from", "valid_to", "amount", "paid_on",
                          "basis_record_ids", "level", "reason", "version",
                          "commitment_signed"])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    path=st.sampled_from(["/units", f"/units/{UNIT}/records", f"/units/{UNIT}/listings",
                          "/records/1/payments", "/records/1/rectifications",
                          "/listings/1/approve", f"/units/{UNIT}/restoration-requests",
                          "/restoration-requests/1/reject"]),
    body=st.dictionaries(FIELDS, JSON, max_size=8) | JSON,
)
def test_random_bodies_never_cause_a_500(api, path, body):
    r = api.call("POST", path, who="supervisor", json=body)
    assert r.status_code < 500, (r.status_code, r.get_data(as_text=True)[:300])


VALID_RECORDS = [
    penalty_body(document_no="P-9", penalty_types=["warning", "fine"], tier="serious"),
    {"category": "inspection", "document_no": "I-9", "decided_on": D, "hazards_found": 4,
     "hazards_rectified": 1, "facts": "双随机检查"},
    {"category": "coercive_measure", "document_no": "C-9", "decided_on": D,
     "measure_type": "seal_up", "started_on": D, "facts": "临时查封",
     "legal_basis": "消防法第五十四条", "deliberation_ref": "东消集议〔2025〕2号",
     "deliberation_on": D},
    {"category": "licensing", "document_no": "L-9", "decided_on": D,
     "licence_type": "verification", "licence_no": "DLXF2025-0009", "valid_from": D,
     "valid_to": "2030-12-31", "facts": "公众聚集场所投入使用、营业前消防安全检查"},
]


@pytest.mark.parametrize("body", VALID_RECORDS, ids=lambda b: b["category"])
def test_every_category_is_recorded_with_its_deadline(api, body):
    api.call("POST", "/units", json={"uscc": UNIT, "name": "金钟物流"})
    r = api.call("POST", f"/units/{UNIT}/records", json=body)
    assert r.status_code == 201, r.get_json()
    rec = r.get_json()
    assert rec["category"] == body["category"] and rec["publish_by"] > rec["decided_on"]
    listed = api.call("GET", f"/units/{UNIT}/records?category={body['category']}").get_json()
    assert [x["id"] for x in listed] == [rec["id"]]


def test_reject_withdraw_and_revoke_over_http(api):
    rec, lst = setup_listed(api)
    assert (
        api.call("POST", f"/listings/{lst['id']}/approve", who="supervisor", json={}).status_code
        == 200
    )
    api.call("POST", f"/records/{rec['id']}/payments", json={"amount": "30000", "paid_on": D})
    req = api.call("POST", f"/units/{UNIT}/restoration-requests",
                   json={"commitment_signed": True}).get_json()
    r = api.call("POST", f"/restoration-requests/{req['id']}/reject", who="supervisor",
                 json={"reason": "承诺书未签字盖章"})
    assert r.status_code == 200 and r.get_json()["decision_reason"] == "承诺书未签字盖章"
    req = api.call("POST", f"/units/{UNIT}/restoration-requests",
                   json={"commitment_signed": True}).get_json()
    assert (
        api.call("POST", f"/restoration-requests/{req['id']}/withdraw", json={}).status_code == 200
    )
    assert api.call("GET", f"/units/{UNIT}").get_json()["credit_status"] == "listed"
    revoke = f"/units/{UNIT}/listing/revoke"
    body = {"reason": "复议", "ground": "basis_revoked", "document_no": "东复决字〔2026〕3号",
            "decided_on": today().isoformat()}
    bad = api.call("POST", revoke, who="supervisor", json=body)
    assert bad.status_code == 422 and "尚未撤销" in bad.get_json()["errors"]["ground"][0]
    body.update(reason="行政复议决定撤销列入", ground="reconsideration")
    proposal = api.call("POST", revoke, who="supervisor", json=body)
    assert proposal.status_code == 201 and proposal.get_json()["status"] == "proposed"
    assert api.call("GET", f"/units/{UNIT}").get_json()["credit_status"] == "listed"
    approve = f"/revocations/{proposal.get_json()['id']}/approve"
    own = api.call("POST", approve, who="supervisor")
    assert own.status_code == 409 and own.get_json()["unmet"][0]["code"] == "approver_is_proposer"
    ok = api.call("POST", approve, who="supervisor2")
    assert ok.status_code == 200 and ok.get_json()["status"] == "approved"
    assert api.call("GET", f"/units/{UNIT}").get_json()["credit_status"] == "normal"

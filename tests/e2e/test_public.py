"""Public lookup: pages and the public API show what was disclosed and is still public,
nothing withdrawn, no personal data; rate limited and cacheable."""

from __future__ import annotations

import datetime as dt

import pytest

from app.api.public import PublicPageOut, PublicUnitDetailOut
from app.services.base.context import today
from app.services.credit import record_restoration, restoration
from app.services.disclosure.pipeline import run_disclosure
from tests import builders as b
from tests.selfservice import UnitBrowser

PERSONAL = ("张伟", "13812345678", "110101199003071234", "access_code")


@pytest.fixture
def district(app, tmp_path):
    """A listed unit with a published penalty and inspections (one too old, one revoked, one
    not yet published), and a unit in good standing."""
    app.config.update(OUTBOX_DIR=str(tmp_path / "outbox"))
    with app.app_context():
        officer, supervisor = b.staff("officer", "wang"), b.staff("supervisor", "li")
        other = b.staff("supervisor", "zhao")
        listed, penalty, _ = b.listed_unit(officer, supervisor, days_ago=200)  # public till +365
        code = listed.uscc
        b.pay_in_full(officer, penalty)
        ids = {"penalty": penalty.id}
        done = {"hazards_rectified": 3}  # nothing stands in the way of a restoration
        ids["kept"] = b.inspection(officer, code, facts="检查发现隐患，联系人电话13812345678",
                                   **done).id
        b.inspection(officer, code, decided_on=today() - dt.timedelta(days=4 * 365), **done)
        ids["revoked"] = b.inspection(officer, code, **done).id
        good = b.unit(officer, name="东丽湖物业服务有限公司", legal_representative="张伟",
                      contact_phone="13812345678").uscc
        run_disclosure()
        b.revoke_record(officer, supervisor, ids["revoked"], "复查认定有误")  # withdrawal pending
        b.inspection(officer, code, **done)  # decided, not yet published
        return {"listed": code, "good": good, "officer": officer, "supervisor": other, **ids}


def test_public_unit_shows_what_is_published_and_still_public(app, district):
    client = app.test_client()
    response = client.get(f"/api/v1/public/units/{district['listed']}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, no-cache" and response.headers["ETag"]
    data = response.get_json()
    PublicUnitDetailOut().load(data)  # the answer is what the OpenAPI description says
    assert data["listed"] is True and data["listing"]["level"] == "general"
    assert {r["record_id"] for r in data["records"]} == {district["penalty"], district["kept"]}
    kept = next(r for r in data["records"] if r["record_id"] == district["kept"])
    assert kept["category"] == "inspection" and kept["fields"]["检查文书号"]
    assert "138****5678" in kept["fields"]["检查结果"]  # masked as published
    body = response.get_data(as_text=True)
    for personal in PERSONAL:
        assert personal not in body
    assert "法定代表人" not in body and "contact" not in body and "address" not in body


def test_restoration_takes_the_unit_off_at_once(app, district):
    with app.app_context():
        request_ = restoration.file_request(district["officer"], district["listed"], True)
        restoration.approve_request(district["supervisor"], request_.id)
    data = app.test_client().get(f"/api/v1/public/units/{district['listed']}").get_json()
    assert data["listed"] is False and data["listing"] is None
    # Leaving the list ends the listing's publicity, not the penalty's own window (Order 36).
    assert {r["record_id"] for r in data["records"]} == {district["penalty"], district["kept"]}
    with app.app_context():  # the penalty is restored by its own application
        request_ = record_restoration.file_record_request(
            district["officer"], district["penalty"], True)
        restoration.approve_request(district["supervisor"], request_.id)
    data = app.test_client().get(f"/api/v1/public/units/{district['listed']}").get_json()
    assert {r["record_id"] for r in data["records"]} == {district["kept"]}  # gone at once


def test_public_search_by_name_part_or_code_with_paging(app, district):
    client = app.test_client()
    spec = client.get("/api/openapi.json").get_json()
    for path in ("/api/v1/public/units", "/api/v1/public/units/{uscc}"):
        assert spec["paths"][path]["get"]["security"] == []  # documented as needing no token
    by_name = client.get("/api/v1/public/units?q=物业服务").get_json()
    PublicPageOut().load(by_name)
    assert [u["uscc"] for u in by_name["items"]] == [district["good"]]
    assert by_name["items"][0] == {"uscc": district["good"],
                                   "name": "东丽湖物业服务有限公司", "listed": False}
    code = district["listed"]
    by_code = client.get(f"/api/v1/public/units?q={code.lower()}").get_json()
    assert by_code["total"] == 1 and by_code["items"][0]["listed"] is True
    first = client.get("/api/v1/public/units?q=单位&per_page=1").get_json()
    second = client.get("/api/v1/public/units?q=单位&per_page=1&page=2").get_json()
    assert first["total"] == second["total"] >= 1
    assert first["items"] != second["items"] or first["total"] == 1
    short = client.get("/api/v1/public/units?q=单")
    assert short.status_code == 422 and short.get_json()["code"] == "validation_failed"
    for bad in ("/api/v1/public/units", "/api/v1/public/units?q=ab&page=0",
                "/api/v1/public/units?q=ab&per_page=1000"):
        assert client.get(bad).status_code == 422, bad
    assert client.get("/api/v1/public/units?q=%00%00").status_code == 400  # at the boundary
    missing = client.get(f"/api/v1/public/units/{b.uscc()}")
    assert missing.status_code == 404 and missing.get_json()["code"] == "not_found"
    assert client.get("/api/v1/public/units/not-a-code").status_code == 404


def test_public_pages_in_both_languages(app, district):
    browser = UnitBrowser(app)
    page = browser.text("/public/?q=物业服务")
    assert "东丽湖物业服务有限公司" in page and "未列入" in page
    unit_page = browser.get(f"/public/units/{district['listed']}")
    assert unit_page.headers["Cache-Control"].endswith("no-cache") and unit_page.headers["ETag"]
    text = unit_page.get_data(as_text=True)
    assert 'data-listed="true"' in text and text.count('class="record"') == 2
    for personal in PERSONAL:
        assert personal not in text
    short = browser.get("/public/?q=单")
    assert short.status_code == 422 and "至少两个字" in short.get_data(as_text=True)
    assert browser.get(f"/public/units/{b.uscc()}").status_code == 404
    english = UnitBrowser(app, lang="en")
    assert "This unit is on the fire-safety dishonesty list" in english.text(
        f"/public/units/{district['listed']}")


def test_public_lookups_are_rate_limited_per_address(app, district):
    app.config["PUBLIC_RATE_LIMIT"] = "3 per minute"
    client = app.test_client()
    url = f"/api/v1/public/units/{district['good']}"
    codes = [client.get(url, environ_base={"REMOTE_ADDR": "10.9.0.1"}).status_code
             for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert client.get(url, environ_base={"REMOTE_ADDR": "10.9.0.2"}).status_code == 200
    pages = [client.get("/public/?q=物业服务", environ_base={"REMOTE_ADDR": "10.9.0.3"})
             for _ in range(4)]
    assert [p.status_code for p in pages] == [200, 200, 200, 429]
    assert "请求过于频繁" in pages[-1].get_data(as_text=True)


def test_lookup_survives_the_database_dropping_its_connections(app, district):
    """PostgreSQL: the read-only pool's connections are killed server-side; the next lookup
    retries once on a fresh connection instead of failing."""
    from sqlalchemy import text

    from app.extensions import db

    client = app.test_client()
    url = f"/api/v1/public/units/{district['listed']}"
    assert client.get(url).status_code == 200
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("server-side connection kills: PostgreSQL runs (CI's second pass)")
        db.session.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
        db.session.commit()
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/public/units/{code}", "/public/units/{code}"])
def test_an_ended_listing_is_gone_at_once_for_a_cache_that_revalidates(app, district, path):
    client = app.test_client()
    url = path.format(code=district["listed"])
    first = client.get(url)
    etag = first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["ETag"] == etag  # unchanged: cheap
    with app.app_context():  # the penalty the listing rests on is revoked: the listing ends
        b.revoke_record(district["officer"], district["supervisor"], district["penalty"],
                        "行政复议撤销")
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    body = changed.get_data(as_text=True)
    assert ('"listed":false' in body.replace(" ", "")) or 'data-listed="false"' in body


def test_a_broad_name_search_counts_up_to_the_cap_and_pages_stop_there(app):
    app.config["PUBLIC_COUNT_CAP"] = 20
    with app.app_context():
        officer = b.staff("officer", "wang")
        for n in range(23):
            b.unit(officer, name=f"东丽第{n:02d}物流有限公司")
        b.unit(officer, name="东丽湖100%纯净水厂")
    client = app.test_client()
    broad = client.get("/api/v1/public/units?q=物流&per_page=10").get_json()
    assert broad["total"] == 20 and broad["total_capped"] is True
    names = [u["name"] for u in broad["items"]]
    assert names[:2] == ["东丽第00物流有限公司", "东丽第01物流有限公司"]
    last = client.get("/api/v1/public/units?q=物流&per_page=10&page=2").get_json()
    assert len(last["items"]) == 10
    beyond = client.get("/api/v1/public/units?q=物流&per_page=10&page=3")
    assert beyond.status_code == 422 and "更完整" in beyond.get_json()["message"]
    exact = client.get("/api/v1/public/units?q=第07物流").get_json()
    assert exact["total"] == 1 and exact["total_capped"] is False
    odd = client.get("/api/v1/public/units?q=0%纯").get_json()  # LIKE's own signs are text
    assert [u["name"] for u in odd["items"]] == ["东丽湖100%纯净水厂"]
    page = client.get("/public/?q=物流").get_data(as_text=True)
    assert "找到超过 20 个单位，请输入更完整的名称以缩小范围。" in page


def test_postgresql_searches_names_through_the_bigram_index(app):
    with app.app_context():
        from app.extensions import db

        if db.engine.dialect.name != "postgresql":
            pytest.skip("the bigram index is PostgreSQL's (SQLite keeps its LIKE)")
        from sqlalchemy import text

        with db.engine.connect() as conn:
            conn.execute(text("SET enable_seqscan = off"))
            plan = "\n".join(conn.execute(text(
                "EXPLAIN SELECT id FROM units WHERE creditflow_bigrams(name) @> "
                "creditflow_bigrams('物流') AND name LIKE '%物流%'")).scalars())
            bigrams = conn.execute(text("SELECT creditflow_bigrams('东丽物流')")).scalar()
    assert "ix_units_name_bigrams" in plan
    assert sorted(bigrams) == sorted(["东丽", "丽物", "物流"])

"""Isolation: a unit sees only its own data; its uploads reach only itself and staff."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import RestorationFile, RestorationRequest
from tests import builders as b
from tests.selfservice import PDF, UnitBrowser, listed


@pytest.fixture
def two_units(app):
    with app.app_context():
        officer, supervisor = b.staff("officer", "wang"), b.staff("supervisor", "li")
    a, code_a = listed(app, officer, supervisor, name="甲单位消防测试有限公司")
    other, code_b = listed(app, officer, supervisor, name="乙单位物业管理有限公司")
    unit_a = UnitBrowser(app, "10.0.0.1")
    assert unit_a.unit_sign_in(a.uscc, code_a).status_code == 302
    assert unit_a.apply(a.name, files=[(PDF, "甲-缴款凭证.pdf")]).status_code == 302
    with app.app_context():
        request_a = db.session.scalars(db.select(RestorationRequest)).one()
        file_a = db.session.scalars(db.select(RestorationFile)).one()
        secrets = {a.name, a.uscc, "甲-缴款凭证.pdf", request_a.listing.document_no}
    unit_b = UnitBrowser(app, "10.0.0.2")
    assert unit_b.unit_sign_in(other.uscc, code_b).status_code == 302
    return {"a": a, "b": unit_b, "a_browser": unit_a, "request": request_a.id,
            "file": file_a.id, "stored": file_a.stored_name, "secrets": secrets}


def test_unit_b_cannot_reach_unit_a_by_any_url(app, two_units):
    browser, checked = two_units["b"], 0
    rules = [r for r in app.url_map.iter_rules()
             if r.endpoint.startswith("self.") and r.endpoint != "self.logout"]
    for rule in rules:
        for item_id in (two_units["file"], two_units["request"]):
            path = rule.rule.replace("<id:item_id>", str(item_id))
            if "GET" in rule.methods:
                response = browser.get(path)
            else:
                response = browser.client.post(path, data={"csrf_token": browser.csrf("/self/")})
            body = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
            assert response.mimetype != "application/pdf", path
            for secret in two_units["secrets"]:
                assert secret not in body, (path, secret)
            response.close()
            checked += 1
    assert checked >= 10
    assert browser.get(f"/self/files/{two_units['file']}").status_code == 404
    token = browser.csrf("/self/")
    withdraw = browser.client.post(f"/self/requests/{two_units['request']}/withdraw",
                                   data={"csrf_token": token})
    assert withdraw.status_code == 404
    with app.app_context():
        assert db.session.get(RestorationRequest, two_units["request"]).status == "submitted"


def test_uploads_reach_only_their_unit_and_staff(app, two_units):
    file_id, request_id = two_units["file"], two_units["request"]
    own = two_units["a_browser"].get(f"/self/files/{file_id}")
    assert own.status_code == 200 and own.data == PDF
    own.close()
    anonymous = UnitBrowser(app, "10.0.0.3")
    assert anonymous.get(f"/self/files/{file_id}").headers["Location"].endswith("/self/login")
    staff_url = f"/staff/restoration-requests/{request_id}/files/{file_id}"
    assert anonymous.get(staff_url).headers["Location"].startswith("/login")
    assert anonymous.get(f"/static/{two_units['stored']}").status_code == 404
    assert anonymous.get(f"/static/../uploads/{two_units['stored']}").status_code == 404
    with app.app_context():
        b.staff("supervisor", "zhao")
    from tests.pages import Session

    staff = Session(app, "zhao")
    download = staff.get(staff_url)
    assert download.status_code == 200 and download.data == PDF
    download.close()
    assert staff.get(f"/staff/restoration-requests/{request_id + 1}/files/{file_id}"
                     ).status_code == 404
    page = staff.text(f"/staff/restoration-requests/{request_id}")
    assert "甲-缴款凭证.pdf" in page and two_units["a"].name in page

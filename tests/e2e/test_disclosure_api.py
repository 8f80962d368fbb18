"""The disclosure API and /metrics through the test client."""

from __future__ import annotations

import datetime as dt

import pytest

from app.services.disclosure.runs import run_requested
from tests import builders as b


@pytest.fixture
def setup(app, client, tmp_path):
    app.config.update(OUTBOX_DIR=str(tmp_path / "outbox"), BATCH_SIZE=3)
    with app.app_context():
        officer, admin = b.staff("officer"), b.staff("admin")
        tokens = {"officer": b.token(officer), "admin": b.token(admin)}
        u = b.unit(officer)
        for i in range(4):
            b.inspection(officer, u.uscc, document_no=f"I-{i}", decided_on=dt.date.today())
        b.penalty(officer, u.uscc, document_no="OLD",
                  decided_on=dt.date.today() - dt.timedelta(days=90))

    def call(method, path, who="officer", **kw):
        return client.open(f"/api/v1/disclosure{path}", method=method,
                           headers={"Authorization": f"Bearer {tokens[who]}"}, **kw)

    return call


def run_now(setup, app, category):  # type: ignore[no-untyped-def]
    """Ask for a run (202, waiting), let the scheduler's job answer it, read the outcome."""
    asked = setup("POST", "/batches", who="admin", json={"category": category})
    assert asked.status_code == 202 and asked.get_json()["status"] == "waiting"
    with app.app_context():
        assert run_requested() == 1
    done = setup("GET", asked.headers["Location"].split("/api/v1/disclosure")[1]).get_json()
    assert done["status"] == "done" and done["requested_by"] and done["finished_at"]
    return done["outcome"]


def test_overdue_items_then_run_then_batches(setup, app, client):
    overdue = setup("GET", "/items?due=overdue").get_json()
    assert overdue["total"] == 1 and overdue["items"][0]["category"] == "penalty"
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'creditflow_disclosure_items_overdue{category="penalty"} 1.0' in metrics
    assert setup("POST", "/batches", json={"category": "inspection"}).status_code == 403
    run = run_now(setup, app, "inspection")
    assert run["delivered"] == {"inspection": 2} and run["items"] == {"inspection": 4}
    page = setup("GET", "/batches?category=inspection&status=delivered").get_json()
    assert page["total"] == 2
    detail = setup("GET", f"/batches/{page['items'][0]['id']}?per_page=2").get_json()
    assert detail["items_total"] in (1, 3) and len(detail["items"]) <= 2
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'creditflow_disclosure_batches{category="inspection",status="delivered"} 2.0' in metrics


@pytest.mark.parametrize(
    "path",
    ["/batches?status=lost", "/batches?category=x", "/batches/nope", "/items?due=never",
     "/batches?page=0", "/items?per_page=5000"],
)
def test_bad_queries_are_4xx(setup, path):
    r = setup("GET", path)
    assert 400 <= r.status_code < 500 and r.get_json()["code"]


def test_an_admin_retries_a_failed_batch(setup, app):
    from sqlalchemy import update

    from app.extensions import db
    from app.models import DisclosureBatch

    run_now(setup, app, "penalty")
    batch_id = setup("GET", "/batches?category=penalty").get_json()["items"][0]["id"]
    assert setup("POST", f"/batches/{batch_id}/retry", who="admin").status_code == 409
    with app.app_context():
        db.session.execute(update(DisclosureBatch).values(status="failed", last_error="HTTP 400"))
        db.session.commit()
    assert setup("POST", f"/batches/{batch_id}/retry").status_code == 403
    r = setup("POST", f"/batches/{batch_id}/retry", who="admin")
    assert r.status_code == 200 and r.get_json()["status"] == "retrying"
    run = run_now(setup, app, "penalty")
    assert run["delivered"] == {"penalty": 1} and run["failed"] == []
    assert setup("POST", "/batches/nope/retry", who="admin").status_code == 404


def test_metrics_count_delivered_items_from_batches_and_can_be_restricted(setup, app, client):
    run_now(setup, app, "inspection")
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'creditflow_disclosure_items{category="inspection",status="delivered"} 4.0' in metrics
    app.config.update(METRICS_TOKEN="scrape-secret")
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    ok = client.get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
    assert ok.status_code == 200
    app.config.update(METRICS_TOKEN="", METRICS_NETWORKS="10.9.0.0/16, ::1/128")
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.9.3.4"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 403


def test_an_admin_resends_a_delivered_batch_and_the_attempts_show(setup, app):
    run_now(setup, app, "penalty")
    batch_id = setup("GET", "/batches?category=penalty").get_json()["items"][0]["id"]
    assert setup("POST", f"/batches/{batch_id}/resend").status_code == 403
    r = setup("POST", f"/batches/{batch_id}/resend", who="admin")
    assert r.status_code == 200 and r.get_json()["status"] == "retrying"
    assert setup("POST", f"/batches/{batch_id}/resend", who="admin").status_code == 409
    run_now(setup, app, "penalty")
    detail = setup("GET", f"/batches/{batch_id}").get_json()
    assert detail["status"] == "delivered"
    history = [(a["number"], a["outcome"], a["asked_by"]) for a in detail["attempt_history"]]
    assert history[0][:2] == (2, "delivered") and history[0][2] is not None
    assert history[1] == (1, "delivered", None)


def test_the_batch_page_shows_attempts_and_offers_a_resend_to_admins(setup, app):
    from tests.pages import Session

    run_now(setup, app, "penalty")
    batch_id = setup("GET", "/batches?category=penalty").get_json()["items"][0]["id"]
    with app.app_context():
        b.staff("admin", "admin2")
        b.staff("officer", "officer2")
    officer = Session(app, "officer2").text(f"/staff/disclosure/batches/{batch_id}")
    assert "推送记录" in officer and "定时任务" in officer and "重新发送" not in officer
    admin = Session(app, "admin2")
    assert "重新发送" in admin.text(f"/staff/disclosure/batches/{batch_id}")
    sent = admin.submit(f"/staff/disclosure/batches/{batch_id}/resend", {},
                        page=f"/staff/disclosure/batches/{batch_id}")
    assert sent.status_code == 302
    page = admin.text(f"/staff/disclosure/batches/{batch_id}")
    assert "已安排重新发送该批次。" in page and "等待重试" in page

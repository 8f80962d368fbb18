"""The public objection form: anyone may contest what a unit's page shows, with a name and a
telephone; an empty form changes nothing; a flood from one address is refused (429) while
another address is still heard; the staff queue puts objections first."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Objection
from tests import builders as b
from tests.pages import Session


def _count(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(Objection)) or 0)


def test_the_public_form_files_refuses_empty_input_and_floods(app, tmp_path):
    app.config.update(WTF_CSRF_ENABLED=False, OUTBOX_DIR=str(tmp_path / "outbox"),
                      OBJECTION_RATE_LIMIT="2 per hour")
    with app.app_context():
        officer = b.staff("officer", "wang")
        targets = []
        for _ in range(3):
            unit, record = b.public_penalty(officer)
            targets.append((unit.uscc, record.id))
    client = app.test_client()

    def post(uscc: str, record_id: int, address: str, **data: str):  # type: ignore[no-untyped-def]
        form = {"claim": "单位名称有误", "contact_name": "张三", "contact_phone": "13800000000",
                **data}
        return client.post(f"/public/units/{uscc}/objections/new?target=record&id={record_id}",
                           data=form, environ_base={"REMOTE_ADDR": address})

    page = client.get(f"/public/units/{targets[0][0]}")
    assert "认为信息有误？提出异议" in page.get_data(as_text=True)
    empty = post(*targets[0], "10.8.0.1", claim="", contact_phone="")
    assert empty.status_code == 422 and _count(app) == 0
    assert post(*targets[0], "10.8.0.1").status_code == 302 and _count(app) == 1
    flood = post(*targets[1], "10.8.0.1")
    assert flood.status_code == 429 and _count(app) == 1  # the third in an hour: refused
    assert post(*targets[1], "10.8.0.2").status_code == 302 and _count(app) == 2
    marked = client.get(f"/public/units/{targets[0][0]}").get_data(as_text=True)
    assert "异议处理中" in marked
    with app.app_context():
        objection = db.session.scalars(select(Objection).order_by(Objection.id)).first()
        assert objection is not None and objection.channel == "public"
        assert objection.contact_name == "张三" and objection.filed_by is None

    staff = Session(app, "wang")
    queue = staff.text("/staff/")
    assert queue.index('id="objections"') < queue.index('id="proposals"')  # heads the queue
    assert "待答复的异议" in queue and "(2)" in queue
    english = Session(app, "wang", lang="en").text(f"/staff/objections/{objection.id}")
    assert "Under objection" in english and "You entered the contested record" in english
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'creditflow_objections{category="penalty",status="filed"} 2.0' in metrics
    assert 'creditflow_objections_overdue{category="penalty"} 0.0' in metrics


def test_the_staff_api_files_lists_and_answers_objections(app, tmp_path):
    app.config.update(OUTBOX_DIR=str(tmp_path / "outbox"))
    with app.app_context():
        entered = b.staff("officer", "wang")
        unit, record = b.public_penalty(entered)
        code, record_id = unit.uscc, record.id
        tokens = {who: b.token(b.staff("officer", who)) for who in ("li", "zhao")}
        tokens["wang"] = b.token(entered)
    client = app.test_client()

    def call(who: str, path: str, body: dict | None = None, method: str = "post"):  # type: ignore[no-untyped-def]
        return getattr(client, method)(f"/api/v1{path}", json=body,
                                       headers={"Authorization": f"Bearer {tokens[who]}"})

    body = {"target": "record", "record_id": record_id, "claim": "日期录错",
            "expected": "2026-05-01", "contact_name": "王明", "contact_phone": "022-24390000"}
    assert call("li", f"/units/{code}/objections", {**body, "claim": ""}).status_code == 422
    filed = call("li", f"/units/{code}/objections", body)
    assert filed.status_code == 201 and filed.get_json()["channel"] == "staff"
    objection_id = filed.get_json()["id"]
    assert call("zhao", f"/units/{code}/objections", body).status_code == 409  # one open
    listed = call("zhao", "/objections", method="get").get_json()
    assert [o["id"] for o in listed] == [objection_id]
    assert call("li", f"/objections/{objection_id}/uphold",
                {"reason": "无误"}).status_code == 409  # filed it: cannot answer
    assert call("wang", f"/objections/{objection_id}/uphold",
                {"reason": "无误"}).status_code == 409  # entered the record
    refused = call("zhao", f"/objections/{objection_id}/correct",
                   {"changes": {"tier": "serious"}, "reason": "x"})
    assert refused.status_code == 422  # not a correctable field
    done = call("zhao", f"/objections/{objection_id}/correct",
                {"changes": {"facts": "消防设施未保持完好有效（已更正）"}, "reason": "表述更正"})
    assert done.status_code == 200 and done.get_json()["status"] == "corrected", done.get_json()
    assert call("zhao", "/objections/2147483647", method="get").status_code == 404

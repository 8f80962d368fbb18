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

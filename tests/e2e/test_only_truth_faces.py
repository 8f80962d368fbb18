"""A decision whose publicity already ended, entered through the API and on the staff form: it
is stored (201, on the unit's page) but not published, and both faces say so."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from app.extensions import db
from app.models import DisclosureItem
from tests import builders as b
from tests.pages import Session


def test_the_api_stores_an_ended_decision_and_says_it_is_not_published(app, client) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        officer = b.staff("officer")
        token, code = b.token(officer), b.unit(officer).uscc
        decided = (b.today_local() - relativedelta(months=38)).isoformat()
    answer = client.post(f"/api/v1/units/{code}/records",
                         headers={"Authorization": f"Bearer {token}"},
                         json={"category": "inspection", "document_no": "津东消监检字〔2023〕7号",
                               "decided_on": decided, "hazards_found": 0,
                               "hazards_rectified": 0})
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["disclosure_state"] is None
    listed = client.get(f"/api/v1/units/{code}/records",
                        headers={"Authorization": f"Bearer {token}"}).get_json()
    assert [r["disclosure_state"] for r in listed] == [None]
    with app.app_context():
        assert db.session.scalars(select(DisclosureItem)).all() == []


def test_the_form_says_an_ended_decision_is_not_published(app) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        b.staff("officer", "wang")
        code = b.unit(b.staff("officer")).uscc
        decided = b.today_local() - relativedelta(months=13) - dt.timedelta(days=5)
    wang = Session(app, "wang")
    path = f"/staff/units/{code}/records/new"
    answer = wang.submit(path, {"category": "penalty", "document_no": "津东消行罚决字〔2025〕3号",
                                "decided_on": decided.isoformat(), "tier": "general",
                                "penalty_types": "warning", "facts": "堵塞疏散通道",
                                "legal_basis": "《消防法》第六十条"})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    page = wang.text(answer.headers["Location"])
    assert "不报送信用平台" in page and "录入时公示期已满，未公示" in page


def test_a_stop_order_with_a_large_fine_cannot_be_called_minor(app, client) -> None:  # type: ignore[no-untyped-def]
    from tests.integration.helpers import row_counts

    with app.app_context():
        officer = b.staff("officer")
        token, code = b.token(officer), b.unit(officer).uscc
        today = b.today_local().isoformat()
        before = row_counts()
    answer = client.post(f"/api/v1/units/{code}/records",
                         headers={"Authorization": f"Bearer {token}"},
                         json={"category": "penalty", "document_no": "津东消行罚决字〔2026〕5号",
                               "decided_on": today, "tier": "minor",
                               "penalty_types": ["suspension", "fine"], "fine_amount": "300000",
                               "facts": "拒不整改重大火灾隐患", "legal_basis": "《消防法》第六十条",
                               "deliberation_ref": "东消集议〔2026〕9号",
                               "deliberation_on": today})
    assert answer.status_code in (400, 422), answer.get_json()
    assert "tier" in answer.get_json()["errors"]
    with app.app_context():
        assert row_counts() == before


def test_the_public_page_reads_in_words_in_both_languages(app, client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from app.services.disclosure.pipeline import run_disclosure

    app.config["OUTBOX_DIR"] = str(tmp_path / "outbox")
    with app.app_context():
        officer = b.staff("officer")
        code = b.unit(officer).uscc
        b.penalty(officer, code, decided_on=b.today_local() - dt.timedelta(days=10),
                  penalty_types=["fine", "suspension"], fine_amount="20000",
                  violation_type="占用、堵塞、封闭疏散通道、安全出口")
        run_disclosure("penalty")
    chinese = client.get(f"/public/units/{code}").get_data(as_text=True)
    assert "罚款、责令停产停业" in chinese and "20,000 元" in chinese
    assert "占用、堵塞、封闭疏散通道、安全出口" in chinese
    for exchange in ("行政相对人代码_1", "处罚类别", "（万元）", "2.000000", "2;4"):
        assert exchange not in chinese
    english = Session(app, lang="en").text(f"/public/units/{code}")
    assert "Fine, Order to stop production or business" in english
    assert "CNY 20,000" in english and "Type of violation" not in english
    assert "Violation" in english and "罚款金额" not in english


def test_staff_are_told_next_years_schedule_is_missing_and_a_wrong_one_is_refused(app) -> None:  # type: ignore[no-untyped-def]
    from app.services.staff.holidays import missing_schedule

    with app.app_context():
        b.staff("admin", "zhao")
        year = missing_schedule(b.today_local())
    admin = Session(app, "zhao")
    queue = admin.text("/staff/")
    if year is None:  # before November, or next year is known
        assert "data-schedule-missing" not in queue
        return
    assert f'data-schedule-missing="{year}"' in queue and "录入放假安排" in queue
    before = admin.counts()
    page = f"/staff/admin/calendar?year={year}"
    refused = admin.submit(page, {"year": str(year), "schedule": f"{year}-01-01,holiday,元旦"})
    assert refused.status_code == 422 and "法定节假日" in refused.get_data(as_text=True)
    assert admin.counts() == before

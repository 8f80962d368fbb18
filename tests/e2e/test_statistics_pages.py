"""The statistics as staff and the API see them: the seed year's figures on the page beside
the year before, charts as SVG images, the printable report, the JSON, and bad periods."""

from __future__ import annotations

import pytest

from app.demo import SEED_2023, load_year
from app.extensions import db
from tests import builders as b
from tests.pages import Session


@pytest.fixture
def district(app):  # type: ignore[no-untyped-def]
    with app.app_context():
        load_year(2023)
        officer = b.staff("officer", "wang")
        token = b.token(officer)
        db.session.remove()
    return token


def test_the_page_shows_the_year_beside_the_year_before(app, district):
    page = Session(app, "wang").text("/staff/statistics?year=2023")
    assert "共检查单位1625家次，发现隐患2336处" in page and "罚款185.49万元" in page
    assert "2023年" in page and "2022年" in page and "+∞" in page  # nothing in 2022
    one_street = Session(app, "wang").text("/staff/statistics?year=2023&street=金钟街道")
    assert "金钟街道" in one_street and "共检查单位1625家次" not in one_street


def test_the_charts_are_svg_images_drawn_on_the_server(app, district):
    staff = Session(app, "wang")
    chart = staff.get("/staff/statistics/chart.svg?year=2023")
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    body = chart.get_data(as_text=True)
    assert body.lstrip().startswith("<?xml") and "检查单位" in body and "1625" in body
    assert "script-src" not in chart.headers["Content-Security-Policy"]
    trend = staff.get("/staff/statistics/trend.svg?year=2023")
    assert trend.status_code == 200 and "2023" in trend.get_data(as_text=True)


def test_the_annual_report_prints_the_seed_paragraph(app, district):
    report = Session(app, "wang").text("/staff/statistics/report?year=2023")
    assert "2023年度行政执法工作报告" in report
    assert "2023年，支队共检查单位1625家次" in report and "整改销案重大隐患6家。" in report
    assert "共有103家单位被纳入消防安全一般失信单位" in report


BAD = ["year=1999", "year=abc", "year=2023&quarter=9", "from=2023-05-01",
       "from=2023-05-01&to=2023-01-01", "from=tomorrow&to=2023-01-01", "year=99999"]


def test_a_period_that_is_not_one_is_refused_clearly(app):
    with app.app_context():
        token = b.token(b.staff("officer", "wang"))
    staff = Session(app, "wang")
    for query in BAD:
        page = staff.get(f"/staff/statistics?{query}")
        assert page.status_code == 422 and "请选择年度" in page.get_data(as_text=True), query
        assert staff.get(f"/staff/statistics/chart.svg?{query}").status_code == 422, query
        api = app.test_client().get(f"/api/v1/statistics?{query}",
                                    headers={"Authorization": f"Bearer {token}"})
        assert api.status_code == 422, query


def test_the_api_gives_the_figures_and_the_previous_period(app, district):
    client = app.test_client()
    auth = {"Authorization": f"Bearer {district}"}
    data = client.get("/api/v1/statistics?year=2023", headers=auth).get_json()
    assert data["enforcement"] == SEED_2023 and data["credit"]["listed"] == 103
    assert data["previous"]["period"]["label"] == "2022年"
    assert data["previous"]["enforcement"]["inspections"] == 0
    assert data["paragraph"].startswith("共检查单位1625家次")
    quarter = client.get("/api/v1/statistics?year=2023&quarter=1", headers=auth).get_json()
    assert quarter["previous"]["period"]["start"] == "2022-10-01"
    assert client.get("/api/v1/statistics?year=2023").status_code == 401

"""Spreadsheets out: units as the staff list filters them, a period's records and listings,
the statistics; read back with openpyxl and compared; formulas never run."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from app.demo import SEED_2023, load_year
from app.extensions import db
from tests import builders as b
from tests.pages import Session


def _rows(data: bytes) -> list[list[object]]:
    book = load_workbook(io.BytesIO(data))
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def test_units_are_exported_as_the_list_filters_them_and_formulas_stay_text(app):
    with app.app_context():
        officer = b.staff("officer", "wang")
        b.unit(officer, name="=HYPERLINK(\"http://evil\",\"点我\")", street="金钟街道")
        b.unit(officer, name="东丽物流有限公司", street="金钟街道")
        b.unit(officer, name="华明商贸有限公司", street="华明街道")
    staff = Session(app, "wang")
    answer = staff.get("/staff/units.xlsx?street=金钟街道")
    assert answer.status_code == 200 and answer.mimetype.endswith("spreadsheetml.sheet")
    rows = _rows(answer.get_data())
    assert rows[0][:3] == ["统一社会信用代码", "单位名称", "所属街道"]
    assert sorted(r[1] for r in rows[1:]) == ["=HYPERLINK(\"http://evil\",\"点我\")",
                                              "东丽物流有限公司"]
    book = load_workbook(io.BytesIO(answer.get_data()))
    cells = [row[1] for row in book.worksheets[0].iter_rows(min_row=2)]
    evil = next(c for c in cells if str(c.value).startswith("="))
    assert evil.data_type == "s" and evil.quotePrefix  # text, shown as text, never run
    only_named = _rows(staff.get("/staff/units.xlsx?q=华明").get_data())
    assert [r[1] for r in only_named[1:]] == ["华明商贸有限公司"]


def test_a_periods_records_listings_and_figures_read_back(app):
    with app.app_context():
        load_year(2023)
        b.staff("officer", "wang")
        db.session.remove()
    staff = Session(app, "wang")
    records = _rows(staff.get("/staff/statistics/records.xlsx?year=2023").get_data())
    assert len(records) - 1 == (SEED_2023["inspections"] + SEED_2023["penalties"]
                                + SEED_2023["seal_ups"])
    penalties = _rows(staff.get("/staff/statistics/records.xlsx?year=2023&category=penalty")
                      .get_data())
    fines = sum(float(r[7] or 0) for r in penalties[1:])
    assert len(penalties) - 1 == SEED_2023["penalties"] and fines == 1854900.0
    listings = _rows(staff.get("/staff/statistics/listings.xlsx?year=2023").get_data())
    assert len(listings) - 1 == 103 and listings[1][2] == "一般"
    figures = _rows(staff.get("/staff/statistics/figures.xlsx?year=2023").get_data())
    by_name = {r[0]: r[1] for r in figures[1:]}
    assert by_name["检查单位（家次）"] == 1625 and by_name["罚款（元）"] == 1854900
    assert figures[0] == ["项目", "2023年", "2022年"]
    assert staff.get("/staff/statistics/records.xlsx?year=abc").status_code == 422
    assert staff.get("/staff/statistics/other.xlsx?year=2023").status_code == 404


def test_the_import_report_speaks_the_pages_language(app):
    from tests.integration.test_import import BAD_ROWS, workbook

    with app.app_context():
        b.staff("officer", "wang")
    staff = Session(app, "wang", lang="en")
    token = staff.csrf("/staff/import")
    answer = staff.client.post("/staff/import", content_type="multipart/form-data", data={
        "csrf_token": token, "file": (io.BytesIO(workbook({**BAD_ROWS, "行政处罚": [
            *BAD_ROWS["行政处罚"], [BAD_ROWS["行政处罚"][0][0], "罚-9", dt.date(2023, 3, 1),
                                   "超级", "警告", None, "事实", "依据", None, None]]})),
            "registers.xlsx")})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "Must be one of" in page and "Not a street of the district" in page
    assert "The same document number as row 2." in page
    assert "不是本辖区的街道" not in page and "文书编号与第" not in page


def test_a_clerks_own_register_reads_on_the_page_and_the_command_line(app, runner, tmp_path):
    """A title row, 社会信用代码＊ and a renamed sheet: a report on the page (never a 500)
    and on the command line (never a traceback)."""
    from openpyxl import Workbook

    from app.uscc import with_check_character

    code = with_check_character("91120110MA0077771")
    book = Workbook()
    sheet = book.active
    sheet.title = "单位2026"
    sheet.append(["东丽区重点单位名录"])
    sheet.append(["社会信用代码＊", "统一社会信用代码", "企业名称"])  # the code twice
    sheet.append([code, code, "某物流公司"])
    bad = tmp_path / "名录.xlsx"
    book.save(bad)
    sheet.delete_cols(2)
    good = tmp_path / "名录2.xlsx"
    book.save(good)
    with app.app_context():
        b.staff("officer", "wang")
    staff = Session(app, "wang")
    answer = staff.client.post("/staff/import", content_type="multipart/form-data", data={
        "csrf_token": staff.csrf("/staff/import"), "file": (io.BytesIO(bad.read_bytes()),
                                                             "名录.xlsx")})
    assert answer.status_code == 422 and "这一列与前面的列重复" in answer.get_data(as_text=True)
    answer = staff.client.post("/staff/import", content_type="multipart/form-data", data={
        "csrf_token": staff.csrf("/staff/import"), "file": (io.BytesIO(good.read_bytes()),
                                                             "名录2.xlsx")})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "表头在第 2 行" in page, page[:2000]
    result = runner.invoke(args=["import", str(good), "--dry-run"])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    assert "单位: 1 rows, 1 new" in result.output
    assert runner.invoke(args=["import", str(bad)]).exit_code == 1

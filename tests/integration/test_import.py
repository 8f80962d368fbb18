"""Registers in from spreadsheets: the template filled in and imported all or nothing, with
the audit events and disclosure items of entry by hand; a dry run that writes nothing; every
row's problems with sheet, row and column; a second import that adds nothing; files that are
not what they claim refused whole."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.errors import ValidationFailed
from app.extensions import db
from app.models import AuditEvent, DisclosureItem, EnforcementRecord, Unit
from app.services.audit.unit_trail import check_all
from app.services.casework import importing
from app.uscc import with_check_character
from tests import builders as b

D = dt.date(2023, 3, 1)


def code(n: int) -> str:
    return with_check_character(f"91120110MA{n:07d}")


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    """A workbook on the template's headers with these rows."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append([c.header for c in importing.SHEETS[name][1]])
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def good_file() -> bytes:
    return workbook({
        "单位": [[code(1), "东丽物流有限公司", "金钟街道", "金钟公路1号", "王明", "022-1"],
                 [code(2), "华明商贸有限公司", "华明街道", None, None, None]],
        "监督检查": [[code(1), "检-1", D, "双随机检查", 3, 1, "改-1", D, "是", D, None],
                     [code(2), "检-2", D, None, 0, 0, None, None, "否", None, None]],
        "行政处罚": [[code(1), "罚-1", D, "一般", "罚款、责令停产停业", "30000.00", "堵塞通道",
                      "《消防法》第六十条", "集议-1", D]],
        "行政强制": [[code(2), "强-1", D, "临时查封", D, None, "严重隐患", "《消防法》第五十四条",
                      "集议-2", D]],
        "行政许可": [[code(2), "许-1", D, "核准", "XK-1", D, dt.date(2026, 1, 1), None, None]],
    })


def counts() -> tuple[int, int, int, int]:
    return tuple(int(db.session.scalar(select(func.count()).select_from(t)) or 0)
                 for t in (Unit, EnforcementRecord, DisclosureItem, AuditEvent))  # type: ignore


def test_a_filled_template_imports_all_with_its_trail_and_disclosure(ctx):
    admin = b.staff("officer")  # casework: an officer imports (the pages and the API agree)
    before = counts()
    dry = importing.import_file(admin, good_file(), "台账.xlsx", dry_run=True)
    assert dry.ok and not dry.imported and counts() == before
    assert dry.new == {"单位": 2, "监督检查": 2, "行政处罚": 1, "行政强制": 1, "行政许可": 1}
    # Decided in March 2023: only the penalty whose CNY 30,000 fine is still owed is still
    # public; the other four are stored and counted, not published (issue 24).
    assert dry.unpublished == {"监督检查": 2, "行政强制": 1, "行政许可": 1}
    done = importing.import_file(admin, good_file(), "台账.xlsx")
    assert done.imported
    units, records, items, events = counts()
    assert (units, records, items) == (before[0] + 2, before[1] + 5, before[2] + 1)
    assert events == before[3] + 7  # a registration per unit, a record_added per record
    penalty = db.session.scalar(select(EnforcementRecord).where(
        EnforcementRecord.document_no == "罚-1"))
    assert penalty.penalty_types == ["fine", "suspension"] and penalty.publish_by > D
    assert penalty.publicity_status is not None and penalty.deliberation_ref == "集议-1"
    inspection = db.session.scalar(select(EnforcementRecord).where(
        EnforcementRecord.document_no == "检-1"))
    assert inspection.major_hazard and inspection.correction_notice_no == "改-1"
    assert all(c.valid for c in check_all())  # every chain links under the key
    again = importing.import_file(admin, good_file(), "台账.xlsx")
    assert again.ok and not again.imported and counts() == (units, records, items, events)
    assert again.already == {"单位": 2, "监督检查": 2, "行政处罚": 1, "行政强制": 1, "行政许可": 1}


def test_records_of_units_already_registered_are_imported(ctx):
    officer = b.staff("officer")
    unit = b.unit(officer, name="已登记单位")
    data = workbook({"监督检查": [[unit.uscc, "检-9", D, None, 1, 1, None, None, None, None,
                                   None]]})
    assert importing.import_file(officer, data, "x.xlsx").imported
    assert all(c.valid for c in check_all())


BAD_ROWS = {
    "单位": [[code(1)[:-1] + ("0" if code(1)[-1] != "0" else "1"), "校验位错", None, None,
              None, None],
             [code(3), "街道错", "火星街道", None, None, None]],
    "监督检查": [[code(3), "检-1", dt.date(2099, 1, 1), None, 1, 0, None, None, None, None,
                  None]],
    "行政处罚": [[code(4), "罚-1", D, "一般", "罚款", "100.001", "事实", "依据", None, None],
                 [code(4), "罚-1", D, "一般", "警告", None, "事实", "依据", None, None],
                 [code(4), "罚-2", D, "一般", "警告", None, "事实", "依据", None, None]],
}


def test_every_problem_is_reported_with_sheet_row_and_column_and_nothing_is_written(ctx):
    before = counts()
    report = importing.import_file(b.staff("officer"), workbook({
        **BAD_ROWS, "单位": BAD_ROWS["单位"] + [[code(4), "好单位", "金钟街道", None, None,
                                               None]]}), "x.xlsx")
    found = {(p.sheet, p.row, p.column) for p in report.problems}
    assert ("单位", 2, "统一社会信用代码") in found  # the check character
    assert ("单位", 3, "所属街道") in found  # not a street of the district
    assert ("监督检查", 2, "检查日期") in found  # in the future
    assert ("行政处罚", 2, "罚款金额（元）") in found  # sub-cent digits
    assert ("行政处罚", 3, "行政处罚决定书文号") in found  # the same number twice
    assert not report.imported and counts() == before


def test_a_record_of_a_unit_neither_in_the_file_nor_registered_is_refused(ctx):
    report = importing.import_file(b.staff("officer"), workbook({
        "监督检查": [[code(7), "检-7", D, None, 1, 1, None, None, None, None, None]]}), "x.xlsx")
    assert [(p.row, p.column) for p in report.problems] == [(2, "统一社会信用代码")]
    assert "既不在本文件" in report.problems[0].message


def test_renamed_or_missing_columns_are_named(ctx):
    book = Workbook()
    sheet = book.active
    sheet.title = "单位"
    sheet.append(["统一社会信用代码", "单位名字"])  # 单位名称 misspelt
    sheet.append([code(1), "某公司"])
    out = io.BytesIO()
    book.save(out)
    report = importing.import_file(b.staff("officer"), out.getvalue(), "x.xlsx")
    assert {(p.row, p.column) for p in report.problems} >= {(0, ""), (1, "单位名字")}
    assert "单位名称" in str(report.problems[0].message)  # the required column it lacks


def test_formulas_and_merged_cells_are_refused(ctx):
    book = load_workbook(io.BytesIO(good_file()))
    book["单位"]["B2"] = '=CONCATENATE("东丽","物流")'
    out = io.BytesIO()
    book.save(out)
    report = importing.import_file(b.staff("officer"), out.getvalue(), "x.xlsx")
    first = report.problems[0]
    assert (first.sheet, first.row, first.column) == ("单位", 2, "单位名称")
    assert "公式" in first.message and not report.imported
    book["单位"].merge_cells("C2:D2")
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ValidationFailed, match="合并"):
        importing.import_file(b.staff("officer"), out.getvalue(), "x.xlsx")


@pytest.mark.parametrize(("data", "name"), [
    (b"%PDF-1.4 not a table", "x.pdf"), (b"PK\x03\x04broken zip", "x.xlsx"),
    (b"\xd0\xcf\x11\xe0old excel", "x.xls"), (b"a,b\n1,2\n", "x.csv")])
def test_files_that_are_not_spreadsheets_of_the_template_are_refused(ctx, data, name):
    with pytest.raises(ValidationFailed):
        importing.import_file(b.staff("officer"), data, name)


def test_a_file_over_the_limit_is_refused_before_it_is_read(ctx):
    ctx.config["IMPORT_MAX_BYTES"] = 1024 * 1024
    with pytest.raises(ValidationFailed, match="MB"):
        importing.import_file(b.staff("officer"), b"PK\x03\x04" + bytes(2 * 1024 * 1024), "x.xlsx")


def test_a_gb18030_csv_imports_and_ten_thousand_bad_rows_are_reported_bounded(ctx):
    headers = [c.header for c in importing.SHEETS["单位"][1]]
    text = ",".join(headers) + "\n" + f"{code(5)},东丽湖酒店,东丽湖街道,,,\n"
    report = importing.import_file(b.staff("officer"), text.encode("gb18030"), "单位.csv")
    assert report.imported and report.new == {"单位": 1}
    bad = ",".join(headers) + "\n" + "".join(f"BAD{n},名称{n},,,,\n" for n in range(10000))
    report = importing.import_file(b.staff("officer"), bad.encode("utf-8"), "单位.csv")
    assert report.problem_count == 10000 and len(report.problems) == importing.MAX_PROBLEMS


def test_the_api_checks_and_imports_a_file(app):
    with app.app_context():
        token = b.token(b.staff("officer", "wang"))
    client = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}

    def post(data: bytes, name: str, dry: bool) -> object:
        return client.post(f"/api/v1/imports?dry_run={'true' if dry else 'false'}",
                           headers=auth, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(data), name)})

    dry = post(good_file(), "台账.xlsx", True)
    assert dry.status_code == 200 and dry.get_json()["imported"] is False  # type: ignore[attr-defined]
    done = post(good_file(), "台账.xlsx", False).get_json()  # type: ignore[attr-defined]
    assert done["imported"] is True and done["new"]["行政处罚"] == 1
    refused = post(b"not a table", "x.pdf", False)
    assert refused.status_code == 422  # type: ignore[attr-defined]
    template = client.get("/api/v1/imports/template.xlsx", headers=auth)
    assert template.status_code == 200 and template.data[:2] == b"PK"

"""The spreadsheet reader for the files clerks really have (issue 24, item 7): a header under
title rows and named as registers name it, a renamed sheet, dates and amounts as Excel shows
them, a document number typed full-width, hidden sheets and rows, .ods read and .xls refused by
name; every mistake a clear message, never a traceback."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.errors import ValidationFailed
from app.extensions import db
from app.models import EnforcementRecord
from app.services.casework import importing, sheets
from app.services.casework.record_rules import document_number
from app.uscc import with_check_character
from tests import builders as b

CODE = with_check_character("91120110MA0088881")
PENALTY_HEAD = ["统一社会信用代码", "行政处罚决定书文号", "处罚决定日期", "公示等级", "处罚种类",
                "罚款金额（元）", "违法事实", "处罚依据"]


def xlsx(build) -> bytes:  # type: ignore[no-untyped-def]
    book = Workbook()
    book.remove(book.active)
    build(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def penalty(number: str, decided: object, fine: object = "5000") -> list[object]:
    return [CODE, number, decided, "一般", "罚款", fine, "堵塞疏散通道", "《消防法》第六十条"]


@pytest.fixture
def officer(ctx):
    officer = b.staff("officer")
    b.unit(officer, uscc=CODE)
    return officer


def decided(number: str) -> dt.date:
    return db.session.scalar(select(EnforcementRecord.decided_on).where(
        EnforcementRecord.document_no == number))


def test_a_register_with_title_rows_variant_headers_and_excel_dates(officer):
    recent = b.today_local() - dt.timedelta(days=40)

    def build(book):  # type: ignore[no-untyped-def]
        sheet = book.create_sheet("行政处罚2023")  # renamed
        sheet.append(["东丽区消防救援支队行政处罚台账"])  # title rows
        sheet.append(["制表：2026年12月"])
        sheet.append(["序号", "社会信用代码＊", " 行政处罚决定书文号 ", "处罚决定日期*", "公示等级",
                      "处罚种类", "罚款金额", "违法事实", "处罚依据", "单位名称"])
        rows = [(f"{recent:%Y/%-m/%-d}", "10,000.00"), (f"{recent:%Y年%-m月%-d日}", "１，５００"),
                (f"{recent:%Y.%-m.%-d}", "人民币3000元"),
                ((recent - dt.date(1899, 12, 30)).days, 2000)]  # an Excel date serial
        for n, (day, fine) in enumerate(rows, start=1):
            sheet.append([n, f"{CODE[:4]}\u200b{CODE[4:]}", f"津东消行罚决字〔２０２６〕{n}号", day,
                          "一般", "罚款", fine, "堵塞疏散通道", "《消防法》第六十条", "某公司"])

    report = importing.import_file(officer, xlsx(build), "台账.xlsx")
    assert report.ok and report.imported, report.problems
    assert report.new == {"单位": 0, "行政处罚": 4}
    assert any("表头在第 3 行" in str(n.message) for n in report.notes)
    for n in range(1, 5):  # full-width digits kept as ASCII, the date as the clerk saw it
        assert decided(f"津东消行罚决字〔2026〕{n}号") == recent
    fines = db.session.scalars(select(EnforcementRecord.fine_amount)
                               .order_by(EnforcementRecord.id)).all()
    assert [str(f) for f in fines] == ["10000.00", "1500.00", "3000.00", "2000.00"]


def test_the_same_decision_typed_another_way_is_not_imported_again(officer):
    recent = b.today_local() - dt.timedelta(days=30)

    def penalties(number: str):  # type: ignore[no-untyped-def]
        def build(book):  # type: ignore[no-untyped-def]
            book.create_sheet("行政处罚").append(PENALTY_HEAD)
            book["行政处罚"].append(penalty(number, recent))
        return xlsx(build)

    assert importing.import_file(officer, penalties("津东消行罚决字〔2026〕77号"),
                                 "a.xlsx").imported
    report = importing.import_file(officer, penalties("津东消行罚决字[２０２６] ７７号"), "b.xlsx")
    assert report.ok and report.new.get("行政处罚", 0) == 0 and report.already["行政处罚"] == 1
    assert db.session.scalar(select(func.count()).select_from(EnforcementRecord)) == 1
    assert document_number("津东消行罚决字（２０２６）\u200b７７号") == "津东消行罚决字〔2026〕77号"


def test_hidden_sheets_and_rows_are_told_not_imported_silently(officer):
    recent = b.today_local() - dt.timedelta(days=20)

    def build(book):  # type: ignore[no-untyped-def]
        sheet = book.create_sheet("行政处罚")
        sheet.append(PENALTY_HEAD)
        sheet.append(penalty("罚-1", recent))
        sheet.append(penalty("罚-2", recent))
        sheet.row_dimensions[3].hidden = True
        notes = book.create_sheet("说明")
        notes.append(["本表由法制科整理"])

    report = importing.import_file(officer, xlsx(build), "a.xlsx")
    assert report.ok and report.new["行政处罚"] == 1
    told = {(n.sheet, n.row, str(n.message)[:4]) for n in report.notes}
    assert ("行政处罚", 3, "隐藏的行") in told and ("说明", 0, "表“说明") in told
    assert decided("罚-2") is None

    def hidden(book):  # type: ignore[no-untyped-def]
        build(book)
        book["行政处罚"].sheet_state = "hidden"

    report = importing.import_file(officer, xlsx(hidden), "b.xlsx")
    assert not report.ok and "隐藏的工作表" in str(report.problems[0].message)


def test_sheets_without_their_columns_and_other_formats_get_a_clear_message(officer):
    def headless(book):  # type: ignore[no-untyped-def]
        sheet = book.create_sheet("行政处罚")
        sheet.append(["单位", "处罚", "日期"])
        sheet.append(["某公司", "罚款", "2026-01-01"])

    report = importing.import_file(officer, xlsx(headless), "a.xlsx")
    assert not report.ok and not report.imported
    assert "找不到表头" in str(report.problems[0].message)
    with pytest.raises(ValidationFailed) as refused:
        importing.import_file(officer, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "a.xls")
    said = str(refused.value.errors["file"])
    assert ".xls" in said and "另存为" in said
    with pytest.raises(ValidationFailed) as refused:
        importing.import_file(officer, b"%PDF-1.7 not a sheet", "a.pdf")
    assert "不是 Excel" in str(refused.value.errors["file"])


MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>")


def ods(tables: list[tuple[str, list[list[str | None]]]], formula: bool = False) -> bytes:
    """A minimal OpenDocument spreadsheet (what LibreOffice and WPS save as .ods)."""
    body = []
    formula_attr = ' table:formula="of:=1+1"' if formula else ""
    for name, rows in tables:
        cells = "".join(
            "<table:table-row>" + "".join(
                "<table:table-cell/>" if v is None else
                f'<table:table-cell office:value-type="string"{formula_attr}><text:p>{v}'
                "</text:p></table:table-cell>" for v in row) + "</table:table-row>"
            for row in rows)
        body.append(f'<table:table table:name="{name}">{cells}</table:table>')
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet>{"".join(body)}</office:spreadsheet></office:body>'
        '</office:document-content>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"),
                         "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_an_ods_register_is_read_and_its_formulas_refused(officer):
    recent = b.today_local() - dt.timedelta(days=15)
    rows: list[list[str | None]] = [PENALTY_HEAD, [str(v) for v in penalty("罚-ods-1", recent)]]
    report = importing.import_file(officer, ods([("行政处罚", rows)]), "台账.ods")
    assert report.ok and report.imported and decided("罚-ods-1") == recent
    with pytest.raises(ValidationFailed) as refused:
        importing.import_file(officer, ods([("行政处罚", rows)], formula=True), "b.ods")
    assert "公式" in str(refused.value.errors["file"])


@pytest.mark.parametrize("text", ["2023-13-01", "2023/2/30", "明年", "12345", "2023年5月"])
def test_a_date_that_is_not_one_is_refused_with_the_forms_it_may_take(text):
    with pytest.raises(ValueError) as refused:
        sheets.value_of(sheets.Column("处罚决定日期", "decided_on", "date"), text)
    assert "2023年3月1日" in str(refused.value.args[0])


def test_a_macro_workbook_and_csv_cells_that_start_like_formulas_are_refused(officer):
    def build(book):  # type: ignore[no-untyped-def]
        book.create_sheet("行政处罚").append(PENALTY_HEAD)

    plain = xlsx(build)
    macro = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain)) as source, zipfile.ZipFile(macro, "w") as out:
        for entry in source.infolist():
            out.writestr(entry, source.read(entry.filename))
        out.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 macros")
    with pytest.raises(ValidationFailed) as refused:
        importing.import_file(officer, macro.getvalue(), "台账.xlsm")
    assert "宏" in str(refused.value.errors["file"])
    recent = b.today_local() - dt.timedelta(days=10)
    header = ",".join(PENALTY_HEAD)
    for start in ("+", "-", "@", "=", "\t"):
        row = [CODE, f"{start}cmd|' /C calc'!A0", recent.isoformat(), "一般", "罚款", "5000",
               "堵塞疏散通道", "《消防法》第六十条"]
        data = (header + "\n" + ",".join(f'"{v}"' for v in row) + "\n").encode()
        report = importing.import_file(officer, data, "台账.csv")
        assert not report.ok and "公式" in str(report.problems[0].message), start
    quoted = [CODE, "'-罚-7", recent.isoformat(), "一般", "罚款", "5000", "事实", "依据"]
    data = (header + "\n" + ",".join(quoted) + "\n").encode()  # as an export quotes it
    report = importing.import_file(officer, data, "导出.csv")
    assert report.ok and report.imported and decided("-罚-7") == recent


def test_an_amount_without_its_kind_is_refused(officer):
    from app.errors import ValidationFailed as Refused

    with pytest.raises(Refused) as refused:  # a warning does not carry a fine
        b.penalty(officer, CODE, penalty_types=["warning"], fine_amount="500")
    assert "fine_amount" in refused.value.errors
    assert "不应填写" in str(refused.value.errors["fine_amount"][0])
    with pytest.raises(Refused) as refused:
        b.penalty(officer, CODE, penalty_types=["fine"], fine_amount="500",
                  confiscation_amount="100")
    assert "confiscation_amount" in refused.value.errors

"""Each kind of record declared once: every field reaches the import, the export and the
platform; a list value with 、 in an official name is one value; entry by hand and the import
write the same record through one writer."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models import DisclosureItem, EnforcementRecord, FinePayment
from app.services.casework import importing, records
from app.services.credit.expiry import sweep_expired
from app.services.disclosure.pipeline import run_disclosure
from app.services.reporting.exports import records_workbook
from app.services.reporting.statistics import year_period
from app.workflows import record_kinds
from tests import builders as b

D = dt.date(2023, 3, 1)
# A decision still inside its publicity (a 2023 one that owes nothing is no longer published).
RECENT = dt.date.today() - dt.timedelta(days=30)
UNTIL = RECENT + dt.timedelta(days=180)


def _file(sheets: dict[str, list[dict[str, object]]]) -> bytes:
    """A workbook on the template's headers, rows given by header (the rest left empty)."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        headers = [c.header for c in importing.SHEETS[name][1]]
        sheet.append(headers)
        for row in rows:
            assert set(row) <= set(headers), set(row) - set(headers)
            sheet.append([row.get(h) for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _penalty_row(code: str, number: str, **extra: object) -> dict[str, object]:
    return {"统一社会信用代码": code, "行政处罚决定书文号": number, "处罚决定日期": D,
            "公示等级": "一般", "处罚种类": "罚款", "罚款金额（元）": "5000.00",
            "违法事实": "堵塞消防通道", "处罚依据": "《消防法》第六十条", **extra}


def test_every_declared_field_is_a_column_of_its_import_sheet():
    for kind in record_kinds.KINDS.values():
        headers = [c.header for c in importing.SHEETS[kind.label][1]]
        assert headers[0] == "统一社会信用代码"
        assert headers[1:] == [f.header for f in kind.offered(record_kinds.IMPORT)]
    penalty = [c.header for c in importing.SHEETS["行政处罚"][1]]
    for header in ("已缴罚款金额（元）", "缴款日期", "没收金额（元）", "暂扣或吊销证照名称及编号",
                   "处罚有效期", "自然人姓名", "证件类型", "证件号码", "集体讨论记录编号",
                   "集体讨论日期"):
        assert header in penalty


def test_a_register_brings_payments_confiscations_people_and_the_official_names(ctx):
    officer = b.staff("officer")
    unit = b.unit(officer)
    person_id = "11010519491231002X"
    report = importing.import_file(officer, _file({"行政处罚": [
        _penalty_row(unit.uscc, "罚-1", **{"已缴罚款金额（元）": "5000.00", "缴款日期": D,
                                          "缴款票据号": "票-1"}),
        _penalty_row(unit.uscc, "罚-2", **{
            "处罚种类": "没收违法所得、没收非法财物；警告", "罚款金额（元）": None,
            "处罚决定日期": RECENT, "没收金额（元）": "1200.00", "处罚有效期": UNTIL,
            "自然人姓名": "张三", "证件类型": "居民身份证", "证件号码": person_id}),
        _penalty_row(unit.uscc, "罚-3", **{
            "处罚种类": "暂扣许可证件", "罚款金额（元）": None,
            "暂扣或吊销证照名称及编号": "公众聚集场所消防安全检查合格证 DL-1"}),
    ]}), "台账.xlsx")
    assert report.ok and report.imported, report.problems
    paid, confiscated, suspended = (db.session.scalar(select(EnforcementRecord).where(
        EnforcementRecord.document_no == n)) for n in ("罚-1", "罚-2", "罚-3"))
    payment = db.session.scalars(select(FinePayment).where(
        FinePayment.record_id == paid.id)).one()
    assert (payment.amount, payment.paid_on, payment.receipt_no) == (Decimal("5000.00"), D, "票-1")
    assert paid.fine_outstanding == 0
    assert confiscated.penalty_types == ["confiscation", "warning"]
    assert confiscated.confiscation_amount == Decimal("1200.00")
    assert confiscated.effective_until == UNTIL
    assert (confiscated.person_name, confiscated.person_id_number) == ("张三", person_id)
    assert suspended.licence_affected.endswith("DL-1")
    item = db.session.scalars(select(DisclosureItem).where(
        DisclosureItem.record_id == confiscated.id)).one()
    assert item.payload["没收违法所得、没收非法财物的金额（万元）"] == "0.120000"
    assert item.payload["行政相对人名称"] == "张三" and "********" in item.payload["证件号码"]
    assert item.payload["处罚有效期"] == UNTIL.isoformat()


def test_a_paid_imported_fine_lets_its_publicity_end_at_its_maximum(ctx):
    officer = b.staff("officer")
    unit = b.unit(officer)
    assert importing.import_file(officer, _file({"行政处罚": [
        _penalty_row(unit.uscc, "罚-P", **{"已缴罚款金额（元）": "5000.00", "缴款日期": D}),
        _penalty_row(unit.uscc, "罚-U")]}), "台账.xlsx").imported
    run_disclosure()  # public on the platform
    sweep_expired()
    states = dict(db.session.execute(select(EnforcementRecord.document_no,
                                            EnforcementRecord.publicity_blocked_on)).all())
    assert states["罚-P"] is None  # paid: its window ended
    assert states["罚-U"] is not None  # unpaid: kept public until paid


def test_a_payment_in_a_register_is_checked(ctx):
    officer = b.staff("officer")
    unit = b.unit(officer)
    report = importing.import_file(officer, _file({"行政处罚": [
        _penalty_row(unit.uscc, "罚-1", **{"已缴罚款金额（元）": "9000.00", "缴款日期": D}),
        _penalty_row(unit.uscc, "罚-2", **{"已缴罚款金额（元）": "100.00"}),
        _penalty_row(unit.uscc, "罚-3", **{"缴款日期": D}),
    ]}), "台账.xlsx")
    found = {(p.row, p.column) for p in report.problems}
    assert found == {(2, "已缴罚款金额（元）"), (3, "缴款日期"), (4, "已缴罚款金额（元）")}
    assert not report.imported


def test_entry_by_hand_and_the_import_write_the_same_record(ctx):
    officer = b.staff("officer")
    unit = b.unit(officer)
    fields = {"category": "coercive_measure", "decided_on": RECENT, "measure_type": "seal_up",
              "started_on": RECENT, "facts": "严重隐患", "legal_basis": "《消防法》第五十四条",
              "deliberation_ref": "集议-1", "deliberation_on": RECENT}
    by_hand = records.add_record(officer, unit.uscc, {**fields, "document_no": "强-1"})
    assert importing.import_file(officer, _file({"行政强制": [{
        "统一社会信用代码": unit.uscc, "文书号": "强-2", "决定日期": RECENT,
        "强制措施种类": "临时查封",
        "措施开始日期": RECENT, "事实": "严重隐患", "依据": "《消防法》第五十四条",
        "集体讨论记录编号": "集议-1", "集体讨论日期": RECENT}]}), "x.xlsx").imported
    imported = db.session.scalar(select(EnforcementRecord).where(
        EnforcementRecord.document_no == "强-2"))
    columns = [c for c in record_kinds.kind("coercive_measure").columns if c != "document_no"]
    for name in (*columns, "publish_by", "publish_by_provisional", "publicity_status", "status"):
        assert getattr(by_hand, name) == getattr(imported, name), name
    payloads = [db.session.scalars(select(DisclosureItem.payload).where(
        DisclosureItem.record_id == r.id)).one() for r in (by_hand, imported)]
    for payload in payloads:
        payload.pop("行政强制决定书文号")
    assert payloads[0] == payloads[1]


def test_a_periods_export_reads_back_as_an_import(ctx):
    officer = b.staff("officer")
    unit = b.unit(officer)
    data = _file({"行政处罚": [_penalty_row(unit.uscc, "罚-1", **{
        "处罚种类": "罚款；没收违法所得、没收非法财物", "没收金额（元）": "300.00",
        "已缴罚款金额（元）": "5000.00", "缴款日期": D})]})
    assert importing.import_file(officer, data, "台账.xlsx").imported
    exported = records_workbook(year_period(2023), "penalty", None)
    book = load_workbook(io.BytesIO(exported), read_only=True)
    assert book.sheetnames == ["执法记录", "行政处罚"]
    rows = [list(r) for r in book["行政处罚"].iter_rows(values_only=True)]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["处罚种类"] == "罚款；没收违法所得、没收非法财物"
    assert row["已缴罚款金额（元）"] == 5000
    again = importing.import_file(officer, exported, "导出.xlsx", dry_run=True)
    assert again.ok and again.already == {"单位": 0, "行政处罚": 1}, again.problems

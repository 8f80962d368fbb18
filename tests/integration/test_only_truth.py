"""Only the truth reaches the platform (issue 24): the template's example rows are never
imported, and a decision whose publicity has already ended when it is entered (by hand, through
the API or in last year's register) is stored and counted but not published."""

from __future__ import annotations

import datetime as dt
import io

from dateutil.relativedelta import relativedelta
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.models import DisclosureItem, EnforcementRecord, Unit
from app.services.casework import importing, sheets
from app.services.credit import revocations
from app.uscc import with_check_character
from tests import builders as b


def _items(record_id: int) -> list[DisclosureItem]:
    return list(db.session.scalars(select(DisclosureItem).where(
        DisclosureItem.record_id == record_id)))


def test_the_template_marks_its_examples_and_an_import_leaves_them_out(ctx) -> None:
    officer = b.staff("officer")
    book = load_workbook(io.BytesIO(sheets.template()))
    units, penalties = book["单位"], book["行政处罚"]
    assert str(units.cell(2, 2).value).startswith(sheets.EXAMPLE_MARK)  # the name says so
    assert str(penalties.cell(2, 2).value).startswith(sheets.EXAMPLE_MARK)  # and the number
    code = with_check_character("91120110MA0099999")
    units.append([code, "东丽真实商贸有限公司", "金钟街道", None, None, None])
    recent = b.today_local() - dt.timedelta(days=20)
    row = [c.example for c in importing.SHEETS["行政处罚"][1]]
    row[0], row[1], row[2] = code, "津东消行罚决字〔2026〕900号", recent
    penalties.append(row)
    out = io.BytesIO()
    book.save(out)
    report = importing.import_file(officer, out.getvalue(), "模板.xlsx")
    assert report.ok and report.imported, report.problems
    assert {(e.sheet, e.row) for e in report.examples} == {
        (name, 2) for name in importing.SHEETS}  # every sheet's example row, told
    assert report.new["单位"] == 1 and report.new["行政处罚"] == 1
    assert db.session.scalar(select(Unit).where(
        Unit.uscc == sheets.UNIT_CODE.example)) is None  # the fictitious unit is not there
    real = db.session.scalars(select(EnforcementRecord)).one()
    assert real.document_no == "津东消行罚决字〔2026〕900号" and len(_items(real.id)) == 1


def test_a_row_copied_from_the_example_is_an_example_even_without_the_mark(ctx) -> None:
    columns = list(importing.SHEETS["行政处罚"][1][:2])
    assert sheets.is_example(columns, [sheets.UNIT_CODE.example, "津东消行罚决字〔2023〕1号"])
    assert sheets.is_example(columns, [with_check_character("91120110MA0099999"),
                                       " 示例：津东消行罚决字〔2023〕1号"])
    assert not sheets.is_example(columns, [with_check_character("91120110MA0099999"),
                                           "示例性文号"])


def test_a_penalty_past_its_maximum_is_stored_not_published_unless_its_fine_is_owed(ctx):  # type: ignore[no-untyped-def]
    officer = b.staff("officer")
    unit = b.unit(officer)
    day = b.today_local()
    old = day - relativedelta(months=12, days=12)  # general: public 12 months at most
    warned = b.penalty(officer, unit.uscc, decided_on=old, penalty_types=["warning"],
                       fine_amount=None)
    assert warned.publicity_status is None and _items(warned.id) == []
    owed = b.penalty(officer, unit.uscc, decided_on=old)  # CNY 5,000 not paid
    assert owed.publicity_status == "awaiting" and len(_items(owed.id)) == 1
    inside = b.penalty(officer, unit.uscc, decided_on=day - relativedelta(months=11),
                       penalty_types=["warning"], fine_amount=None)
    assert inside.publicity_status == "awaiting" and len(_items(inside.id)) == 1


def test_another_category_past_its_public_months_is_not_published_nor_withdrawn(ctx):  # type: ignore[no-untyped-def]
    officer, supervisor = b.staff("officer"), b.staff("supervisor")
    unit = b.unit(officer)
    day = b.today_local()
    old = b.inspection(officer, unit.uscc, decided_on=day - relativedelta(months=37))
    new = b.inspection(officer, unit.uscc, decided_on=day - relativedelta(months=35))
    assert _items(old.id) == [] and len(_items(new.id)) == 1
    proposal = revocations.propose_record_revocation(
        officer, old.id, "复议撤销", "东复决字〔2026〕1号", day)
    revocations.approve_revocation(supervisor, proposal.id)
    assert db.session.get_one(EnforcementRecord, old.id).status == "revoked"
    assert _items(old.id) == []  # never on the platform: nothing to withdraw


def test_last_years_register_publishes_only_what_is_still_public(ctx) -> None:
    officer = b.staff("officer")
    unit = b.unit(officer)
    d = dt.date(2023, 5, 6)
    header = [c.header for c in importing.SHEETS["行政处罚"][1]]

    def penalty(number: str, **values: object) -> list[object]:
        row = dict.fromkeys(header)
        row.update({"统一社会信用代码": unit.uscc, "行政处罚决定书文号": number,
                    "处罚决定日期": d, "公示等级": "一般", "处罚种类": "罚款",
                    "罚款金额（元）": "5000.00", "违法事实": "堵塞疏散通道",
                    "处罚依据": "《消防法》第六十条"}, **values)
        return [row[h] for h in header]

    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    sheet = book.create_sheet("行政处罚")
    sheet.append(header)
    sheet.append(penalty("罚-2023-1", **{"已缴罚款金额（元）": "5000.00", "缴款日期": d}))
    sheet.append(penalty("罚-2023-2"))  # the fine still owed: kept public until paid
    out = io.BytesIO()
    book.save(out)
    report = importing.import_file(officer, out.getvalue(), "2023年台账.xlsx")
    assert report.ok and report.imported, report.problems
    assert report.new == {"单位": 0, "行政处罚": 2} and report.unpublished == {"行政处罚": 1}
    paid, owed = (db.session.scalar(select(EnforcementRecord).where(
        EnforcementRecord.document_no == n)) for n in ("罚-2023-1", "罚-2023-2"))
    assert _items(paid.id) == [] and len(_items(owed.id)) == 1
    assert db.session.scalar(select(func.count()).select_from(EnforcementRecord)) == 2


def test_no_restoration_bar_unless_one_is_set_with_its_source(app, ctx) -> None:
    from app.services.credit import listings, restoration

    officer, supervisor = b.staff("officer"), b.staff("supervisor")
    unit = b.unit(officer)
    old = dt.date(2022, 6, 1)  # a 三停 before 2023: 527号 is not a bar of its own
    order = b.penalty(officer, unit.uscc, penalty_types=["suspension"], fine_amount=None,
                      decided_on=old)
    listing = listings.propose_listing(officer, unit.uscc, "general", "拒不停业", [order.id],
                                       "津东消信列字〔2022〕1号", old)
    listings.approve_listing(supervisor, listing.id)
    assert not restoration.restoration_steps(unit.uscc).barred
    app.config.update(RESTORATION_BAR_BEFORE="2023-01-01",
                      RESTORATION_BAR_SOURCE="《某省社会信用条例》第三十条")
    barred = restoration.restoration_steps(unit.uscc).barred
    assert barred and any("《某省社会信用条例》第三十条" in str(why) for why in barred)


def test_a_listing_is_never_graver_than_its_basis(app, ctx) -> None:
    import pytest

    from app.errors import InvalidTransition, ValidationFailed
    from app.services.credit import listings

    officer, supervisor = b.staff("officer"), b.staff("supervisor")
    unit = b.unit(officer)
    day = b.today_local() - dt.timedelta(days=20)
    warning = b.penalty(officer, unit.uscc, decided_on=day, penalty_types=["warning"],
                        fine_amount=None)  # a general-tier warning
    with pytest.raises(ValidationFailed) as refused:  # serious on one warning
        listings.propose_listing(officer, unit.uscc, "serious", "拒不改正", [warning.id],
                                 "津东消信列字〔2026〕31号", day)
    assert "过惩相当" in refused.value.errors["level"][0]
    listing = listings.propose_listing(officer, unit.uscc, "general", "拒不改正", [warning.id],
                                       "津东消信列字〔2026〕31号", day)
    app.config["LISTING_BASIS"] = {**app.config["LISTING_BASIS"], "general": ["serious"]}
    with pytest.raises(InvalidTransition) as unmet:  # the approval asks the same rule
        listings.approve_listing(supervisor, listing.id)
    assert [u["code"] for u in unmet.value.extra["unmet"]] == ["level_exceeds_basis"]
    serious = b.penalty(officer, unit.uscc, decided_on=day, tier="serious",
                        penalty_types=["fine"], fine_amount="300000",
                        deliberation_ref="东消集议〔2026〕1号", deliberation_on=day)
    fitting = listings.propose_listing(officer, unit.uscc, "serious", "拒不改正", [serious.id],
                                       "津东消信列字〔2026〕32号", day)
    assert fitting.level == "serious"

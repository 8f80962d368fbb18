"""Spreadsheets out (``.xlsx``, openpyxl in write-only mode: rows stream from the database
to the file, memory stays flat): units as the staff list filters them, records and listings
of a period, and the statistics. Text that a spreadsheet would run as a formula (``=``, ``+``,
``-``, ``@``, tab, CR) is written as text with Excel's quote prefix, so opening an export
never runs what someone typed into a name or a note."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import func, select

from app.extensions import db
from app.models import EnforcementRecord, FinePayment, Listing, Unit
from app.publishers.formats import FORMULA_STARTS
from app.services.base.context import setting_str
from app.services.casework import sheets
from app.services.casework.units import units_query
from app.services.reporting.statistics import CREDIT_FIGURES, ENFORCEMENT, Period, figures
from app.workflows import record_kinds
from app.workflows.vocabulary import (
    CATEGORIES,
    CREDIT_STATUSES,
    DECIDED_LISTINGS,
    LISTING_STATUSES,
    RECORD_STATUSES,
    TIERS,
)

CHUNK = 2000
BOLD = Font(bold=True)

UNIT_COLUMNS = ("统一社会信用代码", "单位名称", "所属街道", "地址", "法定代表人", "联系电话",
                "信用状态", "登记时间")
OVERVIEW_COLUMNS = ("统一社会信用代码", "单位名称", "类别", "文书编号", "决定日期", "状态")
LISTING_COLUMNS = ("统一社会信用代码", "单位名称", "失信等级", "列入决定文号", "决定日期",
                   "最短公示期至", "最长公示期至", "状态", "移出日期")


def _cell(sheet: WriteOnlyWorksheet, value: Any, bold: bool = False) -> WriteOnlyCell:
    if isinstance(value, Decimal):
        value = float(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever it starts with
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True  # and shown as text when edited
    if bold:
        cell.font = BOLD
    return cell


def _sheet(book: Workbook, title: str, columns: Sequence[str],
           rows: Iterable[Sequence[Any]]) -> None:
    sheet = book.create_sheet(title)
    sheet.append([_cell(sheet, c, bold=True) for c in columns])
    for row in rows:
        sheet.append([_cell(sheet, v) for v in row])


def _saved(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _stream(query: Any) -> Iterable[Any]:
    """Rows of ``query`` a chunk at a time (no ORM objects, no whole result in memory)."""
    yield from db.session.execute(query.execution_options(yield_per=CHUNK))


def units_workbook(q: str | None, status: str | None, street: str | None) -> bytes:
    """The units the staff list shows for these filters, every page."""
    units = units_query(q, status, street).subquery()
    query = select(units.c.uscc, units.c.name, units.c.street, units.c.address,
                   units.c.legal_representative, units.c.contact_phone,
                   units.c.credit_status, units.c.created_at).order_by(units.c.name,
                                                                      units.c.id)
    book = Workbook(write_only=True)
    _sheet(book, "单位", UNIT_COLUMNS,
           ((u.uscc, u.name, u.street, u.address, u.legal_representative, u.contact_phone,
             CREDIT_STATUSES.zh(u.credit_status), _naive(u.created_at)) for u in _stream(query)))
    return _saved(book)


def records_workbook(period: Period, category: str | None, street: str | None) -> bytes:
    """The records decided in the period (one category, one street when asked): an overview
    of every kind on the first sheet, then a sheet per kind in the import template's layout
    (every field its kind declares for export), so that the file can be imported elsewhere."""
    book = Workbook(write_only=True)
    shown = record_kinds.overview()
    r = EnforcementRecord.__table__.c
    query = _period_records(select(Unit.uscc, Unit.name, r.category, r.document_no,
                                   r.decided_on, r.status, *(r[f.name] for f in shown),
                                   r.publish_by), period, category, street)
    _sheet(book, "执法记录", (*OVERVIEW_COLUMNS, *(f.header for f in shown), "公示期限"), (
        (x.uscc, x.name, CATEGORIES.zh(x.category), x.document_no, x.decided_on,
         RECORD_STATUSES.zh(x.status), *(_overview(f, x[6 + i]) for i, f in enumerate(shown)),
         x.publish_by) for x in _stream(query)))
    for kind in record_kinds.KINDS.values():
        if category in (None, kind.category):
            _kind_sheet(book, kind, period, street)
    return _saved(book)


def _overview(declared: record_kinds.Field, value: Any) -> Any:
    if declared.type == record_kinds.CHOICES:
        return "、".join(declared.words.zh(v) for v in value or []) if declared.words else None
    if declared.type == record_kinds.CHOICE and declared.words is not None:
        return declared.words.zh(value) if value else None
    if declared.type == record_kinds.FLAG:
        return "是" if value else ""
    return value


def _period_records(query: Any, period: Period, category: str | None,
                    street: str | None) -> Any:
    r = EnforcementRecord
    query = (query.join(Unit, Unit.id == r.unit_id)
             .where(r.decided_on.between(period.start, period.end)).order_by(r.decided_on, r.id))
    if category:
        query = query.where(r.category == category)
    return query.where(Unit.street == street) if street else query


def _kind_sheet(book: Workbook, kind: record_kinds.Kind, period: Period,
                street: str | None) -> None:
    """A kind's records as its import sheet has them (the unit's code, then each column)."""
    sheet_kind, columns = sheets.SHEETS[kind.label]
    fields = {f.name: f for f in kind.offered(record_kinds.EXPORT)}
    wanted = [c for c in columns[1:] if c.field in fields]
    query = _period_records(select(Unit.uscc, *(_source(fields[c.field]) for c in wanted)),
                            period, sheet_kind, street)
    _sheet(book, kind.label, [columns[0].header, *(c.header for c in wanted)], (
        (x[0], *(sheets.cell_value(c, v) for c, v in zip(wanted, x[1:], strict=True)))
        for x in _stream(query)))


def _source(declared: record_kinds.Field) -> Any:
    """Where a field's value is read: its column, or the record's fine payments (the sum
    paid, and the day of the last payment)."""
    r = EnforcementRecord
    if declared.stored == record_kinds.RECORD:
        return EnforcementRecord.__table__.c[declared.name]
    paid: dict[str, Any] = {"paid_amount": func.sum(FinePayment.amount),
                            "paid_on": func.max(FinePayment.paid_on)}
    return (select(paid[declared.name]).where(FinePayment.record_id == r.id)
            .scalar_subquery().label(declared.name))


def listings_workbook(period: Period, street: str | None) -> bytes:
    """The listings decided in the period."""
    query = (select(Unit.uscc, Unit.name, Listing.level, Listing.document_no,
                    Listing.decided_on, Listing.min_until, Listing.max_until, Listing.status,
                    Listing.ended_on)
             .join(Unit, Unit.id == Listing.unit_id)
             .where(Listing.decided_on.between(period.start, period.end),
                    Listing.status.in_(DECIDED_LISTINGS))
             .order_by(Listing.decided_on, Listing.id))
    if street:
        query = query.where(Unit.street == street)
    book = Workbook(write_only=True)
    _sheet(book, "失信名单", LISTING_COLUMNS, (
        (x.uscc, x.name, TIERS.zh(x.level), x.document_no, x.decided_on, x.min_until,
         x.max_until, LISTING_STATUSES.zh(x.status), x.ended_on) for x in _stream(query)))
    return _saved(book)


def statistics_workbook(period: Period, street: str | None,
                        names: dict[str, str]) -> bytes:
    """The period's figures beside the previous period's; ``names``: each figure's label."""
    now, before = figures(period, street), figures(period.previous(), street)
    book = Workbook(write_only=True)
    keys = [k for k, _ in ENFORCEMENT]
    _sheet(book, "执法工作", ("项目", period.label, period.previous().label), (
        (names.get(k, k), _figure(now["enforcement"][k]), _figure(before["enforcement"][k]))
        for k in keys))
    credit = CREDIT_FIGURES
    _sheet(book, "信用管理", ("项目", period.label, period.previous().label), (
        (names.get(k, k), now["credit"][k], before["credit"][k]) for k in credit))
    return _saved(book)


def _figure(value: Any) -> Any:
    return Decimal(value) if isinstance(value, str) else value


def _naive(value: dt.datetime | None) -> dt.datetime | None:
    """Excel keeps no time zone: the detachment's local time, without it."""
    if value is None:
        return None
    return value.astimezone(ZoneInfo(setting_str("TIMEZONE"))).replace(tzinfo=None)

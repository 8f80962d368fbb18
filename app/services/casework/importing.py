"""Registers in from spreadsheets (``.xlsx``, or ``.csv`` in UTF-8 or GB18030): units and the
records of each category, on the template the service offers (Chinese column names, examples,
lists to choose from).

A file is read and checked whole first: every row's problems with its sheet, row and column,
nothing written (the dry run stops there). The real run writes everything or nothing, in one
transaction and set-based (one statement per table and step, not one per row), with the audit
events and the disclosure items a record entered by hand gets. Rows already in the database
(a unit's code, a record's category and document number for the same unit) are skipped, so
importing the same file twice adds nothing. The rules are the ones of entry by hand
(``record_rules.clean_record``, ``uscc``); the words are the vocabulary's official names.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app import uscc as uscc_codes
from app.database import bulk_insert, reserve_ids, unit_of_work
from app.errors import ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import EnforcementRecord, Unit
from app.models._types import utcnow
from app.services.audit.unit_trail import append_events
from app.services.base.context import authorize, setting, setting_decimal, setting_int, today
from app.services.base.files import area
from app.services.casework.record_rules import clean_record, document_number
from app.services.casework.sheets import (
    HEADER_ROWS,
    IGNORED,
    SHEETS,
    UNIT_CODE,
    UNIT_COLUMNS,
    Column,
    Formula,
    SheetRows,
    find_header,
    header_name,
    is_example,
    match_header,
    named_sheet,
    read_book,
    value_of,
)
from app.services.casework.writer import shown_on_platform, write_records
from app.workflows.facts import Actor
from app.workflows.vocabulary import CATEGORIES

MAX_PROBLEMS = 1000  # reported one by one; beyond that only counted


@dataclass
class Problem:
    sheet: str
    row: int
    column: str
    message: str


@dataclass
class Example:
    """A row of the template's examples still in the file."""

    sheet: str
    row: int


@dataclass
class Report:
    """What a file holds and what is wrong with it; ``imported`` after a real run."""

    rows: dict[str, int] = field(default_factory=dict)
    new: dict[str, int] = field(default_factory=dict)
    already: dict[str, int] = field(default_factory=dict)
    # New records stored and counted but not published (a minor penalty; a decision whose
    # publicity has already ended), by sheet; the template's example rows left out.
    unpublished: dict[str, int] = field(default_factory=dict)
    examples: list[Example] = field(default_factory=list)
    # What the reader did that the clerk should know (nothing wrong): a sheet read as a
    # template sheet, its header under title rows, hidden rows or sheets left out.
    notes: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    imported: bool = False

    def add(self, sheet: str, row: int, column: str, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(sheet, row, column, message))

    def note(self, sheet: str, row: int, column: str, message: str) -> None:
        if len(self.notes) < MAX_PROBLEMS:
            self.notes.append(Problem(sheet, row, column, message))

    @property
    def ok(self) -> bool:
        return self.problem_count == 0


# -- checking -------------------------------------------------------------------------------

@dataclass
class Parsed:
    units: list[dict[str, Any]] = field(default_factory=list)
    records: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (uscc, fields)


def check(data: bytes, filename: str) -> tuple[Report, Parsed]:
    """Read and check the whole file; nothing is written."""
    report, parsed = Report(), Parsed()
    seen_units: dict[str, int] = {}
    seen_docs: dict[tuple[str, str], tuple[str, int]] = {}
    limit, count, read = setting_int("IMPORT_MAX_ROWS"), 0, 0
    streets = set(setting("STREETS"))
    threshold = setting_decimal("DELIBERATION_FINE_THRESHOLD")
    minor_fines = setting("MINOR_FINE_LIMITS")
    day = today()  # one "today" for the whole file
    for book_sheet in read_book(data, filename):
        found = _header(book_sheet, report)
        if found is None:
            continue
        sheet, columns, rows = found
        read += 1
        for number, values in rows:
            if all(v in (None, "") for v in values):
                continue
            if number in book_sheet.hidden_rows:
                report.note(sheet, number, "", N_("隐藏的行，未导入（如需导入请取消隐藏）。"))
                continue
            if is_example(columns, values):
                report.examples.append(Example(sheet, number))
                continue
            count += 1
            if count > limit:
                raise ValidationFailed.on("file", N_("文件超过 %(n)s 行，请分成几个文件导入。",
                                                     n=limit))
            kind, _ = SHEETS[sheet]
            report.rows[sheet] = report.rows.get(sheet, 0) + 1
            row = _row(sheet, number, columns, values, report)
            if row is None:
                continue
            if kind == "units":
                _check_unit(sheet, number, row, streets, seen_units, report, parsed)
            else:
                _check_record(sheet, number, kind, row, day, (threshold, minor_fines),
                              seen_docs, report, parsed)
    if not read and not report.problem_count:
        raise ValidationFailed.on("file", N_("文件中没有模板中的表（单位、监督检查、行政处罚、"
                                             "行政强制、行政许可），也没有一张表的表头是模板的列名。"))
    _against_database(parsed, report, set(seen_units), day)
    return report, parsed


def _header(
    book_sheet: SheetRows, report: Report
) -> tuple[str, list[Column | None], Iterator[tuple[int, list[Any]]]] | None:
    """A sheet of the file read as a template sheet: its header row found (title rows above
    it are passed over) by the sheet's name or by its columns; the rest of its rows. A hidden
    sheet, a sheet named as a template sheet without its header, or a sheet with data that
    matches none is told in the report (the first two as problems); None: not read."""
    name, named = book_sheet.name, named_sheet(book_sheet.name)
    rows, first, first_values = book_sheet.rows, None, []
    for number, values in rows:
        if all(v in (None, "") for v in values):
            continue
        if first is None:
            first, first_values = number, values
        found = find_header(name, values)
        if found is not None:
            sheet, mapped = found
            if book_sheet.hidden:
                report.add(sheet, 0, "", N_("表“%(name)s”是隐藏的工作表：请取消隐藏后再导入，"
                                            "或删除它。", name=name))
                return None
            _check_header(sheet, number, values, mapped, report)
            if sheet != name or number > 1:
                report.note(sheet, number, "", N_("表“%(name)s”按模板的“%(sheet)s”表读取，表头在"
                                                  "第 %(row)s 行。", name=name, sheet=sheet,
                                                  row=number))
            return sheet, mapped, rows
        if number >= (first or number) + HEADER_ROWS - 1:
            break
    if named is not None:
        report.add(named, 0, "", N_("表“%(name)s”中找不到表头：须有模板的必填列 %(columns)s。",
                                    name=name, columns="、".join(
                                        c.header for c in SHEETS[named][1] if c.required)))
        if first is not None:  # what its first row names that the template does not
            _check_header(named, first, first_values,
                          match_header(first_values, SHEETS[named][1]), report)
    elif first is not None:
        report.note(name, 0, "", N_("表“%(name)s”不是模板中的表，未导入。", name=name))
    return None


def _check_header(sheet: str, number: int, header: list[Any], mapped: list[Column | None],
                  report: Report) -> None:
    """A header's columns twice, or not the sheet's (a name the template does not have)."""
    seen: set[str] = set()
    for h, m in zip(header, mapped, strict=False):
        if m is not None and m.field in seen:
            report.add(sheet, number, header_name(h), N_("这一列与前面的列重复。"))
        elif m is not None:
            seen.add(m.field)
        elif header_name(h) and header_name(h) not in IGNORED:
            report.add(sheet, number, header_name(h), N_("模板中没有这一列，请检查列名。"))


def _row(sheet: str, number: int, columns: list[Column | None], values: list[Any],
         report: Report) -> dict[str, Any] | None:
    out: dict[str, Any] = {}
    bad = False
    for column, value in zip(columns, values, strict=False):
        if column is None:
            continue
        if isinstance(value, Formula):
            report.add(sheet, number, column.header, N_("单元格是公式，请粘贴为数值后再导入。"))
            bad = True
            continue
        try:
            out[column.field] = value_of(column, value)
        except ValueError as exc:  # the message as marked (its values kept for translation)
            report.add(sheet, number, column.header, exc.args[0])
            bad = True
    for column in (c for c in columns if c is not None):
        if column.required and out.get(column.field) in (None, "", []) and not bad:
            report.add(sheet, number, column.header, N_("必填。"))
            bad = True
    return None if bad else out


def _check_unit(sheet: str, number: int, row: dict[str, Any], streets: set[str],
                seen: dict[str, int], report: Report, parsed: Parsed) -> None:
    code = row["uscc"]
    try:
        uscc_codes.validate(code)
    except ValueError:
        report.add(sheet, number, UNIT_CODE.header, N_("统一社会信用代码无效（校验位不符）。"))
        return
    if code in seen:
        report.add(sheet, number, UNIT_CODE.header,
                   N_("与第 %(row)s 行的单位重复。", row=seen[code]))
        return
    if row.get("street") and streets and row["street"] not in streets:
        report.add(sheet, number, "所属街道", N_("不是本辖区的街道：%(street)s。",
                                                street=row["street"]))
        return
    seen[code] = number
    parsed.units.append(row)


def _check_record(sheet: str, number: int, category: str, row: dict[str, Any],
                  on: dt.date, limits: tuple[Decimal, dict[str, Decimal]],
                  seen: dict[tuple[str, str], tuple[str, int]],
                  report: Report, parsed: Parsed) -> None:
    code = row.pop("uscc")
    number_header = SHEETS[sheet][1][1].header
    key = (category, document_number(str(row.get("document_no") or "")))
    if key in seen:  # the same decision twice in the file, whatever else is wrong with it
        report.add(sheet, number, number_header,
                   N_("文书编号与第 %(row)s 行重复。", row=seen[key][1]))
        return
    seen[key] = (code, number)
    try:
        cleaned = clean_record({"category": category, **row}, on, *limits)
    except ValidationFailed as exc:
        headers = {c.field: c.header for c in SHEETS[sheet][1]}
        for name, messages in (exc.errors or {"": [exc.message]}).items():
            for message in messages:
                report.add(sheet, number, headers.get(name, name), message)
        return
    kept = {k: v for k, v in cleaned.items() if v is not None and v != []}  # compact: 100k rows
    kept["_row"] = (sheet, number)
    parsed.records.append((code, kept))


def _against_database(parsed: Parsed, report: Report, in_file: set[str],
                      day: dt.date) -> None:
    """Units already registered and records already entered are skipped (a second import
    adds nothing); a record's unit must be in the file or the database; a document number
    entered for another unit is a problem."""
    codes = sorted(in_file | {code for code, _ in parsed.records})
    known: dict[str, int] = {}
    for start in range(0, len(codes), 1000):
        known.update(dict(db.session.execute(
            select(Unit.uscc, Unit.id).where(Unit.uscc.in_(codes[start:start + 1000])))
            .all()))
    taken: dict[tuple[str, str], str] = {}
    for category in CATEGORIES:  # by category: the unique index (category, document_no)
        numbers = [f["document_no"] for _, f in parsed.records if f["category"] == category]
        for start in range(0, len(numbers), 1000):
            taken.update({(category, d): u for d, u in db.session.execute(
                select(EnforcementRecord.document_no, Unit.uscc)
                .join(Unit, Unit.id == EnforcementRecord.unit_id)
                .where(EnforcementRecord.category == category,
                       EnforcementRecord.document_no.in_(numbers[start:start + 1000])))})
    db.session.rollback()
    units = [u for u in parsed.units if u["uscc"] not in known]
    report.already["单位"] = len(parsed.units) - len(units)
    report.new["单位"] = len(units)
    parsed.units = units
    records: list[tuple[str, dict[str, Any]]] = []
    shown: dict[tuple[Any, ...], bool] = {}
    for code, fields in parsed.records:
        sheet, number = fields["_row"]
        owner = taken.get((fields["category"], fields["document_no"]))
        if owner is not None and owner != code:
            report.add(sheet, number, SHEETS[sheet][1][1].header,
                       N_("文书编号已登记在另一单位（%(code)s）名下。", code=owner))
        elif owner is not None:
            report.already[sheet] = report.already.get(sheet, 0) + 1
        elif code not in known and code not in in_file:
            report.add(sheet, number, UNIT_CODE.header,
                       N_("单位 %(code)s 既不在本文件的“单位”表中，也未登记。", code=code))
        else:
            report.new[sheet] = report.new.get(sheet, 0) + 1
            if not shown_on_platform(fields, day, shown):
                report.unpublished[sheet] = report.unpublished.get(sheet, 0) + 1
            records.append((code, fields))
    parsed.records = records


# -- importing ------------------------------------------------------------------------------

def import_file(actor: Actor, data: bytes, filename: str, dry_run: bool = False) -> Report:
    """Check the file; unless ``dry_run`` or a problem was found, import it all in one
    transaction (or nothing)."""
    authorize(actor, "import_records")
    report, parsed = check(data, filename)
    if dry_run or not report.ok or not (parsed.units or parsed.records):
        return report
    _write(actor, parsed)
    report.imported = True
    return report


# -- a checked file waiting for confirmation ------------------------------------------------

STAGED = "imports"  # the uploads area's folder of checked files


def stage(data: bytes, previous: str | None = None) -> str:
    """Keep a checked file until the clerk confirms it; returns its token. ``previous``: the
    same clerk's earlier file, which this one replaces."""
    if previous:
        unstage(previous)
    token = secrets.token_hex(16)
    area("uploads").write(f"{STAGED}/{token}", [data])
    return token


def staged(token: str) -> bytes | None:
    """The file kept under ``token``, or None (confirmed, replaced or expired)."""
    if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
        return None
    try:
        return area("uploads").read(f"{STAGED}/{token}")
    except FileNotFoundError:
        return None


def unstage(token: str) -> None:
    if re.fullmatch(r"[0-9a-f]{32}", token or ""):
        area("uploads").delete(f"{STAGED}/{token}")


def prune_staged() -> int:
    """Remove checked files never confirmed within ``IMPORT_STAGED_HOURS``; returns how many."""
    uploads = area("uploads")
    old = uploads.older_than(STAGED, setting_int("IMPORT_STAGED_HOURS") * 3600)
    for key in old:
        uploads.delete(key)
    return len(old)


UNIT_FIELDS = tuple(c.field for c in UNIT_COLUMNS)


def _write(actor: Actor, parsed: Parsed) -> None:
    now = utcnow()
    with unit_of_work() as session:
        ids: dict[str, int] = {}
        if parsed.units:
            # Ids drawn up front: a plain executemany (or COPY), no read-back.
            made = reserve_ids(session, Unit.__table__, len(parsed.units))
            bulk_insert(session, Unit.__table__, [
                {**{f: u.get(f) for f in UNIT_FIELDS}, "id": unit_id, "credit_status": "normal",
                 "version": 1, "access_failures": 0, "created_at": now}
                for unit_id, u in zip(made, parsed.units, strict=True)])
            ids.update((u["uscc"], unit_id) for unit_id, u in zip(made, parsed.units,
                                                                  strict=True))
            append_events(session, [{"unit_id": unit_id, "trigger": "unit_registered",
                                     "from_status": "normal", "to_status": "normal",
                                     "refs": {"import": True}} for unit_id in made], actor)
        missing = sorted({code for code, _ in parsed.records} - set(ids))
        for start in range(0, len(missing), 1000):
            ids.update(dict(session.execute(select(Unit.uscc, Unit.id).where(
                Unit.uscc.in_(missing[start:start + 1000]))).all()))
        memo: dict[Any, Any] = {}  # deadlines, across chunks
        for start in range(0, len(parsed.records), CHUNK):  # memory stays bounded
            write_records(session, actor, [
                (ids[code], fields) for code, fields in parsed.records[start:start + CHUNK]],
                refs={"import": True}, memo=memo)
        parsed.records.clear()


CHUNK = 5000  # rows built and written at a time, inside the one transaction

"""The import template and the cells of a spreadsheet: the template's sheets and columns
(the units', and one per kind of record from its declaration, ``record_kinds``), the template
file to fill in, reading an ``.xlsx`` or ``.csv`` file row by row, and a cell's value both
ways (read from a file; written by an export, so that an export reads back)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from app import uscc as uscc_codes
from app.errors import ValidationFailed
from app.i18n import N_
from app.services.base.context import setting, setting_int
from app.workflows import record_kinds
from app.workflows.vocabulary import Vocabulary


@dataclass(frozen=True)
class Column:
    header: str  # the template's Chinese column name
    field: str
    kind: str = "text"  # text, date, int, money, bool, choice, choices, uscc
    required: bool = False
    example: Any = None
    words: Vocabulary | None = None  # choice(s): written as the official Chinese names


UNIT_CODE = Column("统一社会信用代码", "uscc", "uscc", True, "91120110MA05ABCD0M")
# The template's example rows: the unit's name and each decision's number start with this, and
# the example unit's code is fictitious; a row with either is an example, never imported.
EXAMPLE_MARK = "示例："
MARKED = ("name", "document_no")
UNIT_SHEET = "单位"
UNIT_COLUMNS = (
    UNIT_CODE, Column("单位名称", "name", required=True, example="天津东丽物流有限公司"),
    Column("所属街道", "street", example="金钟街道"),
    Column("地址", "address", example="天津市东丽区金钟街道100号"),
    Column("法定代表人", "legal_representative", example="王明"),
    Column("联系电话", "contact_phone", example="022-24390000"))
# How a declared field's type is read from a cell.
_READ_AS = {record_kinds.TEXT: "text", record_kinds.LONG_TEXT: "text", record_kinds.DATE: "date",
            record_kinds.COUNT: "int", record_kinds.MONEY: "money", record_kinds.FLAG: "bool",
            record_kinds.CHOICE: "choice", record_kinds.CHOICES: "choices"}


def column_of(declared: record_kinds.Field) -> Column:
    """The template's column of a declared field."""
    return Column(declared.header, declared.name, _READ_AS[declared.type],
                  declared.required_always, declared.example, declared.words)


@record_kinds.derived
def _sheets() -> dict[str, tuple[str, tuple[Column, ...]]]:
    """The template's sheets: the units', and one per kind of record with the unit's code
    and the columns of the fields its kind offers for import (``record_kinds``), named by the
    category's official name (built again when the kinds change)."""
    sheets: dict[str, tuple[str, tuple[Column, ...]]] = {UNIT_SHEET: ("units", UNIT_COLUMNS)}
    for category, kind in record_kinds.KINDS.items():
        sheets[kind.label] = (category, (UNIT_CODE, *(
            column_of(f) for f in kind.offered(record_kinds.IMPORT))))
    return sheets


class _Sheets(Mapping[str, tuple[str, tuple[Column, ...]]]):
    """``SHEETS``: the sheets of the kinds declared now."""

    def __getitem__(self, sheet: str) -> tuple[str, tuple[Column, ...]]:
        return _sheets()[sheet]

    def __iter__(self) -> Iterator[str]:
        return iter(_sheets())

    def __len__(self) -> int:
        return len(_sheets())


SHEETS: Mapping[str, tuple[str, tuple[Column, ...]]] = _Sheets()
YES, NO = ("是", "Y", "y", "yes", "true", "1"), ("否", "N", "n", "no", "false", "0", "")


# -- the template ---------------------------------------------------------------------------

def template() -> bytes:
    """The workbook to fill in: a sheet per kind, the columns, an example row, and lists to
    choose from where a column takes official words."""
    book = Workbook()
    book.remove(book.active)
    for name, (_, columns) in SHEETS.items():
        sheet = book.create_sheet(name)
        sheet.append([c.header + ("*" if c.required else "") for c in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.append([EXAMPLE_MARK + c.example if c.field in MARKED and c.example else c.example
                      for c in columns])
        for cell in sheet[2]:
            cell.font = Font(italic=True, color="808080")
        for index, column in enumerate(columns, start=1):
            letter = sheet.cell(row=1, column=index).column_letter
            sheet.column_dimensions[letter].width = max(12, len(column.header) * 2 + 4)
            choices = _choices(column)
            if choices:
                rule = DataValidation(type="list", formula1='"' + ",".join(choices) + '"',
                                      allow_blank=not column.required)
                rule.add(f"{letter}2:{letter}100000")
                sheet.add_data_validation(rule)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _choices(column: Column) -> list[str]:
    if column.kind == "bool":
        return ["是", "否"]
    if column.kind == "choice" and column.words is not None:
        return [column.words.zh(v) for v in column.words.offered]
    if column.header == "所属街道":
        return list(setting("STREETS"))
    return []


# -- reading --------------------------------------------------------------------------------

NOT_A_SPREADSHEET = N_("文件不是 Excel（.xlsx）或 CSV 表格。")
TOO_LARGE = N_("文件超过 %(mb)s MB，请分成几个文件导入。")


def read_file(data: bytes, filename: str) -> Iterator[tuple[str, int, list[Any]]]:
    """Every row (sheet name, row number, values) of an xlsx or csv file, header first."""
    if len(data) > setting_int("IMPORT_MAX_BYTES"):
        raise ValidationFailed.on("file", N_(TOO_LARGE, mb=setting_int("IMPORT_MAX_BYTES")
                                             // (1024 * 1024)))
    if data[:4] == b"PK\x03\x04":
        return _xlsx(data)
    if filename.lower().endswith((".csv", ".txt")):
        return _csv(data)
    raise ValidationFailed.on("file", NOT_A_SPREADSHEET)


def _xlsx(data: bytes) -> Iterator[tuple[str, int, list[Any]]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        merged = any(b"<mergeCell " in archive.read(name) for name in archive.namelist()
                     if name.startswith("xl/worksheets/") and name.endswith(".xml"))
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ValidationFailed.on("file", NOT_A_SPREADSHEET) from exc
    if merged:
        raise ValidationFailed.on("file", N_("表格中有合并的单元格，请取消合并后再导入。"))

    def rows() -> Iterator[tuple[str, int, list[Any]]]:
        for sheet in book.worksheets:
            # Values only (no cell objects): a formula comes back as its text, "=…".
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield sheet.title, number, [
                    Formula() if isinstance(v, str) and v.startswith("=") else v
                    for v in row]
        book.close()

    return rows()


def _csv(data: bytes) -> Iterator[tuple[str, int, list[Any]]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationFailed.on("file", NOT_A_SPREADSHEET)
    if "\x00" in text:
        raise ValidationFailed.on("file", NOT_A_SPREADSHEET)
    reader = csv.reader(io.StringIO(text))
    first = next(reader, None)
    sheet = _sheet_of(first or [])
    if sheet is None:
        raise ValidationFailed.on("file", N_("CSV 的表头不是模板中任何一张表的列名。"))

    def rows() -> Iterator[tuple[str, int, list[Any]]]:
        yield sheet, 1, list(first or [])
        for number, row in enumerate(reader, start=2):
            yield sheet, number, list(row)

    return rows()


class Formula:
    """A cell that holds a formula (or text that reads as one): refused, its value is not
    what the register says."""


def is_example(columns: list[Column | None], values: list[Any]) -> bool:
    """Whether a row is one of the template's example rows (or copied from one): its name or
    number marked, or the example unit's code (only those cells are looked at)."""
    for column, value in zip(columns, values, strict=False):
        if column is None or not isinstance(value, str):
            continue
        if column.field in MARKED and value.lstrip().startswith(EXAMPLE_MARK):
            return True
        if column.field == UNIT_CODE.field and value.strip().upper() == UNIT_CODE.example:
            return True
    return False


def header_name(text: Any) -> str:
    return re.sub(r"\s+", "", str(text or "")).rstrip("*")


def _sheet_of(header: list[Any]) -> str | None:
    """The template sheet whose required columns a CSV header has."""
    names = {header_name(h) for h in header}
    for sheet, (_, columns) in SHEETS.items():
        if {c.header for c in columns if c.required} <= names:
            if sheet == "单位" and "检查日期" in names:
                continue
            return sheet
    return None


def value_of(column: Column, value: Any) -> Any:
    """A cell's value as its column takes it (raises ValueError with a message to show)."""
    if isinstance(value, str):
        value = value.strip()
    if value in (None, ""):
        return False if column.kind == "bool" else None
    if column.kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).replace("/", "-"))
        except ValueError:
            raise ValueError(N_("日期格式应为 2023-03-01。")) from None
    if column.kind == "int":
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            return int(value)
        raise ValueError(N_("应为非负整数。"))
    if column.kind == "money":
        return str(value)  # checked with the entry rules (two decimals at most)
    if column.kind == "bool":
        if str(value) in YES:
            return True
        if str(value) in NO:
            return False
        raise ValueError(N_("应为“是”或“否”。"))
    if column.kind in ("choice", "choices"):
        assert column.words is not None
        by_name = {column.words.zh(v): v for v in column.words.offered}
        if column.kind == "choice":
            if str(value) not in by_name:
                raise ValueError(N_("应为 %(choices)s 之一。", choices="；".join(by_name)))
            return by_name[str(value)]
        found = _words(str(value), by_name)
        if not found:
            raise ValueError(N_("应为 %(choices)s 之一。", choices="；".join(by_name)))
        return found
    if column.kind == "uscc":
        return uscc_codes.normalise(str(value))
    text = str(value)
    if len(text) > 2000:
        raise ValueError(N_("内容过长。"))
    return text


def cell_value(column: Column, value: Any) -> Any:
    """A stored value as this column writes it in a spreadsheet (an export), so that the
    file reads back as the same value: official names for words (several separated by ；),
    是 or 否 for a flag."""
    if value is None:
        return None
    if column.kind == "bool":
        return "是" if value else "否"
    if column.kind == "choice" and column.words is not None:
        return column.words.zh(value)
    if column.kind == "choices" and column.words is not None:
        return "；".join(column.words.zh(v) for v in value)
    return value


def _words(text: str, by_name: dict[str, str]) -> list[str] | None:
    """Several official names in one cell, separated by ；;，, or 、 (None if one is not a
    name): an official name that itself contains 、 (没收违法所得、没收非法财物) is one name, so
    the pieces between 、 are joined back, longest first, where they make one."""
    found: list[str] = []
    for piece in (p.strip() for p in re.split(r"[,，;；]", text)):
        parts = [p.strip() for p in piece.split("、") if p.strip()]
        start = 0
        while start < len(parts):
            for end in range(len(parts), start, -1):
                name = "、".join(parts[start:end])
                if name in by_name:
                    found.append(by_name[name])
                    start = end
                    break
            else:
                return None
    return found or None

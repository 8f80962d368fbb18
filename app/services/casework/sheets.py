"""The import template and the cells of a spreadsheet: the template's sheets and columns
(the units', and one per kind of record from its declaration, ``record_kinds``), the template
file to fill in, reading an ``.xlsx`` or ``.csv`` file row by row, and a cell's value both
ways (read from a file; written by an export, so that an export reads back)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation
from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

from app import uscc as uscc_codes
from app.errors import ValidationFailed
from app.i18n import N_
from app.publishers.formats import FORMULA_STARTS
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

NOT_A_SPREADSHEET = N_("文件不是 Excel（.xlsx）、OpenDocument（.ods）或 CSV 表格。")
TOO_LARGE = N_("文件超过 %(mb)s MB，请分成几个文件导入。")
OLD_EXCEL = N_("这是 Excel 97-2003 工作簿（.xls）：其中的公式无法与数值区分。请在 Excel 中“另存为”"
               "Excel 工作簿（.xlsx）后再导入。")
MACROS = N_("工作簿含有宏（.xlsm）：请另存为不含宏的 Excel 工作簿（.xlsx）后再导入。")
HEADER_ROWS = 10  # the header row is looked for among a sheet's first rows (title rows above)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS = b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"


@dataclass
class SheetRows:
    """One sheet of a file: its name, whether it is hidden, its hidden rows (numbers) and
    its rows (number, values), header first."""

    name: str
    rows: Iterator[tuple[int, list[Any]]]
    hidden: bool = False
    hidden_rows: frozenset[int] = frozenset()


def read_book(data: bytes, filename: str) -> Iterator[SheetRows]:
    """The sheets of an xlsx, ods or csv file. An .xls is refused by its name (its formulas
    cannot be told from values); anything else is not a spreadsheet."""
    if len(data) > setting_int("IMPORT_MAX_BYTES"):
        raise ValidationFailed.on("file", N_(TOO_LARGE, mb=setting_int("IMPORT_MAX_BYTES")
                                             // (1024 * 1024)))
    if data.startswith(_OLE2):
        raise ValidationFailed.on("file", OLD_EXCEL)
    if data[:4] == b"PK\x03\x04" and data[30:30 + len(_ODS)] == _ODS:
        return _ods(data)
    if data[:4] == b"PK\x03\x04":
        return _xlsx(data)
    if filename.lower().endswith((".csv", ".txt")):
        return _csv(data)
    raise ValidationFailed.on("file", NOT_A_SPREADSHEET)


_HIDDEN_ROW = re.compile(rb"<row\b[^>]*?\bhidden=\"(?:1|true)\"[^>]*>")
_ROW_NUMBER = re.compile(rb"\br=\"(\d+)\"")


def _hidden_rows(xml: bytes) -> frozenset[int]:
    """The numbers of the rows a worksheet's XML marks hidden."""
    out = set()
    for tag in _HIDDEN_ROW.finditer(xml):
        number = _ROW_NUMBER.search(tag.group())
        if number:
            out.add(int(number.group(1)))
    return frozenset(out)


_FORMULA_CELL = re.compile(rb"<c\b([^>]*)><f\b")
_CELL_REF = re.compile(rb"\br=\"([A-Z]+)(\d+)\"")


def _formula_cells(xml: bytes) -> dict[int, list[int]]:
    """The columns (index from 0) of the cells a worksheet's XML gives a formula (``<f>``, the
    first child of its ``<c>``), by row number."""
    out: dict[int, list[int]] = {}
    for cell in _FORMULA_CELL.finditer(xml):
        ref = _CELL_REF.search(cell.group(1))
        if ref:
            column = 0
            for letter in ref.group(1):
                column = column * 26 + letter - 64
            out.setdefault(int(ref.group(2)), []).append(column - 1)
    return out


def _xlsx(data: bytes) -> Iterator[SheetRows]:
    """An xlsx: its sheets' names, states and parts from openpyxl (read-only, nothing of the
    cells parsed), the cells through python-calamine (several times faster), formulas and
    hidden rows from each sheet's XML; merged cells refused."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        if "xl/vbaProject.bin" in archive.namelist():
            raise ValidationFailed.on("file", MACROS)
        parts = {name: archive.read(name) for name in archive.namelist()
                 if name.startswith("xl/worksheets/") and name.endswith(".xml")}
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        cells = CalamineWorkbook.from_filelike(io.BytesIO(data))
        titles = [(s.title, s.sheet_state, getattr(s, "_worksheet_path", ""))
                  for s in book.worksheets]
        book.close()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, CalamineError) as exc:
        raise ValidationFailed.on("file", NOT_A_SPREADSHEET) from exc
    if any(b"<mergeCell " in xml for xml in parts.values()):
        raise ValidationFailed.on("file", N_("表格中有合并的单元格，请取消合并后再导入。"))
    # What the cells' values do not tell, read now: the XML is not kept while rows are read.
    marks = {path: (_formula_cells(xml), _hidden_rows(xml)) for path, xml in parts.items()}
    del parts

    def sheets() -> Iterator[SheetRows]:
        for title, state, path in titles:
            formulas, hidden = marks.get(path, ({}, frozenset()))
            try:
                sheet = cells.get_sheet_by_name(title)
            except CalamineError as exc:
                raise ValidationFailed.on("file", NOT_A_SPREADSHEET) from exc
            yield SheetRows(title, _calamine_rows(sheet, formulas), state != "visible",
                            hidden)
            del sheet

    return sheets()


def _calamine_rows(sheet: Any, formulas: dict[int, list[int]] | None = None
                   ) -> Iterator[tuple[int, list[Any]]]:
    """A calamine sheet's rows (number, values), numbered as the sheet numbers them (its used
    range may start below row 1 and right of column A): empty cells None, whole numbers int
    (calamine gives floats), a formula cell (``formulas``) or text that reads as one
    ``Formula``."""
    first_row, first_column = sheet.start or (0, 0)
    for number, row in enumerate(sheet.iter_rows(), start=first_row + 1):
        values = [None if v == "" else int(v) if isinstance(v, float) and v.is_integer()
                  else Formula() if isinstance(v, str) and v.startswith("=") else v
                  for v in row]
        for column in (formulas or {}).get(number, ()):
            if 0 <= column - first_column < len(values):
                values[column - first_column] = Formula()
        yield number, values


_ODS_FORMULA = re.compile(rb"\btable:formula=")


def _ods(data: bytes) -> Iterator[SheetRows]:
    """An OpenDocument spreadsheet through python-calamine; formulas (``table:formula`` in
    its content) and merged cells are refused as in an xlsx."""
    try:
        content = zipfile.ZipFile(io.BytesIO(data)).read("content.xml")
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        metadata = {m.name: m for m in book.sheets_metadata}
        loaded = [(name, book.get_sheet_by_name(name)) for name in book.sheet_names]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, CalamineError) as exc:
        raise ValidationFailed.on("file", NOT_A_SPREADSHEET) from exc
    if _ODS_FORMULA.search(content):
        raise ValidationFailed.on("file", N_("表格中有公式，请粘贴为数值后再导入。"))
    if any(sheet.merged_cell_ranges for _, sheet in loaded):
        raise ValidationFailed.on("file", N_("表格中有合并的单元格，请取消合并后再导入。"))

    def sheets() -> Iterator[SheetRows]:
        for name, sheet in loaded:
            shown = metadata[name].visible == SheetVisibleEnum.Visible if name in metadata else True
            yield SheetRows(name, _calamine_rows(sheet), not shown)

    return sheets()


def _csv_cell(value: str) -> Any:
    """A CSV cell as a spreadsheet would take it: one that starts like a formula
    (``FORMULA_STARTS``: = + - @, a tab, a CR) is a ``Formula``, refused as in an xlsx; the
    apostrophe an export puts before such text (``formats.csv_lines``) is taken off."""
    if value[:1] in FORMULA_STARTS:
        return Formula()
    if value[:1] == "'" and value[1:2] in FORMULA_STARTS:
        return value[1:]
    return value


def _csv(data: bytes) -> Iterator[SheetRows]:
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

    def rows() -> Iterator[tuple[int, list[Any]]]:
        for number, row in enumerate(reader, start=1):
            yield number, [_csv_cell(v) for v in row]

    return iter([SheetRows("CSV", rows())])


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


_SPACES = re.compile(r"\s+")
_PARENTHESIS = re.compile(r"\([^)]*\)$")


def plain_text(text: Any) -> str:
    """Text as a comparison takes it: full-width forms folded (NFKC), zero-width characters
    and spaces removed."""
    return _SPACES.sub("", uscc_codes.without_invisible(unicodedata.normalize("NFKC",
                                                                          str(text or ""))))


def header_name(text: Any) -> str:
    """A column name as matched: plain text without the required mark (*, ＊) and 必填."""
    return plain_text(text).replace("(必填)", "").strip("*")


# Column names clerks' registers use for the template's columns, by field (matched as
# header_name): the code as the 双公示 files and older registers name it, the unit's name,
# a decision's number and date whatever the kind.
ALIASES: dict[str, tuple[str, ...]] = {
    "uscc": ("社会信用代码", "信用代码", "统一代码", "统一社会信用代码证号", "行政相对人代码",
             "行政相对人代码_1(统一社会信用代码)"),
    "name": ("单位", "企业名称", "名称", "行政相对人名称"),
    "document_no": ("文书号", "文号", "文书编号", "决定书文号"),
    "decided_on": ("决定日期", "日期", "作出决定日期"),
}
# Columns a register has beside the data, read past without a word where they are not one of
# the sheet's: a row number, and the unit's name on a records sheet.
IGNORED = frozenset({"序号", "编号", "单位名称", *ALIASES["name"]})


def column_index(columns: tuple[Column, ...]) -> dict[str, Column]:
    """A sheet's columns by every name a header may give them: the template's header, the
    same without its trailing unit in parentheses (罚款金额 for 罚款金额（元）) where that is
    unambiguous, and the aliases."""
    index = {header_name(c.header): c for c in columns}
    short: dict[str, list[Column]] = {}
    for c in columns:
        bare = _PARENTHESIS.sub("", header_name(c.header))
        short.setdefault(bare, []).append(c)
    for bare, found in short.items():
        if len(found) == 1:
            index.setdefault(bare, found[0])
    for c in columns:
        for alias in ALIASES.get(c.field, ()):
            index.setdefault(header_name(alias), c)
    return index


def match_header(values: list[Any], columns: tuple[Column, ...]) -> list[Column | None]:
    """Each header cell's column (None: not one of the sheet's)."""
    index = column_index(columns)
    out: list[Column | None] = []
    for value in values:
        name = header_name(value)
        out.append(index.get(name) or index.get(_PARENTHESIS.sub("", name)) if name else None)
    return out


def find_header(name: str, values: list[Any]) -> tuple[str, list[Column | None]] | None:
    """Whether a row is a header, and of which template sheet: the sheet the name points to
    (its official name, or a name that contains it: 行政处罚2023) when the row has that sheet's
    required columns, else the sheet whose required columns it has and all of whose other
    cells are its columns (or ``IGNORED``), naming the most of them (an export's overview of
    every kind is no one sheet, and is passed over)."""
    named = [sheet] if (sheet := named_sheet(name)) else []
    best: tuple[int, str, list[Column | None]] | None = None
    for sheet in named or list(SHEETS):
        columns = SHEETS[sheet][1]
        mapped = match_header(values, columns)
        if not all(c in mapped for c in columns if c.required):
            continue
        score = sum(c is not None for c in mapped)
        if named:
            return sheet, mapped
        if any(c is None and header_name(v) and header_name(v) not in IGNORED
               for c, v in zip(mapped, values, strict=False)):
            continue
        if best is None or score > best[0]:
            best = (score, sheet, mapped)
    return (best[1], best[2]) if best else None


def named_sheet(name: str) -> str | None:
    """The template sheet a sheet's name points to: its official name, else the one whose
    name it contains (行政处罚2023; 单位 last, as 单位 is in many names); None: it names none."""
    plain = plain_text(name)
    for candidates in ([s for s in SHEETS if s == plain],
                       [s for s in SHEETS if s != UNIT_SHEET and s in plain],
                       [s for s in SHEETS if s in plain]):
        if candidates:
            return candidates[0]
    return None


def value_of(column: Column, value: Any) -> Any:
    """A cell's value as its column takes it (raises ValueError with a message to show)."""
    if isinstance(value, str):
        value = value.strip()
    if value in (None, ""):
        return False if column.kind == "bool" else None
    if column.kind == "date":
        return _date(value)
    if column.kind == "int":
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            value = plain_text(value).replace(",", "")
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            return int(value)
        raise ValueError(N_("应为非负整数。"))
    if column.kind == "money":  # checked with the entry rules (two decimals at most)
        if isinstance(value, str):
            return _MONEY_NOISE.sub("", plain_text(value))
        return str(value)
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


_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?|(\d{4})(\d{2})(\d{2})")
_MONEY_NOISE = re.compile(r"[,¥元]|^人民币")
# Date serials of Excel's 1900 system (day 1 = 1900-01-01, with its phantom 1900-02-29): the
# years a decision may have, 2000-2099.
_EPOCH, _FIRST_SERIAL, _LAST_SERIAL = dt.date(1899, 12, 30), 36526, 73050
BAD_DATE = N_("日期格式应为 2023-03-01（也可写作 2023/3/1、2023.3.1、2023年3月1日）。")


def _date(value: Any) -> dt.date:
    """A date cell: a date, a date serial, or text as 2023-05-06, 2023/5/6, 2023.5.6,
    2023年5月6日 or 20230506 (full-width digits too)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and _FIRST_SERIAL <= value <= _LAST_SERIAL:
            return _EPOCH + dt.timedelta(days=int(value))
        raise ValueError(BAD_DATE)
    text = plain_text(value)
    if text.isdigit() and len(text) == 5:
        return _date(int(text))
    found = _DATE.fullmatch(text)
    if found is None:
        raise ValueError(BAD_DATE)
    parts = [int(p) for p in found.groups() if p is not None]
    try:
        return dt.date(*parts)
    except ValueError:
        raise ValueError(BAD_DATE) from None


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

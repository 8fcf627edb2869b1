"""Declarative Excel (.xlsx) import shared by every module.

A module describes its sheet once as a ``TableSpec`` of ``Column``s; from it come the
downloadable template (``build_template``) and the validated reading of an uploaded file
(``read_rows``). Reading never raises on bad input: every problem becomes a ``RowError``
(row number as Excel shows it, column header, message in Chinese), so the caller can
reject the whole file and list everything wrong at once.

    spec = TableSpec(title="台账", columns=[
        Column("date", "日期", DateParser(), required=True),
        Column("title", "标题", TextParser(max_length=200), required=True),
        Column("level", "媒体级别", ChoiceParser(OutletLevel.choices)),
    ])
    rows, errors = read_rows(spec, request.FILES["file"])
"""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet._reader import WorkSheetParser

from luoshi.core.excel import FORMULA_TRIGGERS, Book, Cells, Sheet, sheet_title
from luoshi.core.uploads import check_zip_container, is_zip

DEFAULT_MAX_ROWS = 10_000  # the bulk import writes 10,000 rows in seconds (bench/run.py)
HELP_SHEET_TITLE = "填写说明"


class Duplicates(models.TextChoices):
    """What an import does with a row that repeats what is already kept (or an earlier row
    of the file): each module says what "the same" means (a ledger record: unit, type, date
    and title; a unit: its code; a user: the username)."""

    REFUSE = "refuse", gettext_lazy("提示重复，不导入")
    SKIP = "skip", gettext_lazy("跳过重复的行，导入其余")
    KEEP = "keep", gettext_lazy("已确认不是重复，全部导入")


class CellError(ValueError):
    """Raised by a parser with a message for the user (Chinese)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    """One problem of an uploaded file. ``row`` is the Excel row number (0: the whole file)."""

    row: int
    column: str
    message: str

    def __iter__(self):  # allows ``row, column, message = error``
        return iter((self.row, self.column, self.message))


def repeat_error(row, column: str, what: str, value) -> RowError:
    """A row whose key (``what``: 用户名, 单位编码) already exists or comes twice in the file,
    when the import was asked to stop at repeats, not to skip them."""
    message = _(
        "%(what)s %(value)s 已存在（或在本文件中重复）；如需跳过，请在「遇到重复」中选择跳过"
    ) % {"what": what, "value": value}
    return RowError(row.number, column, message)


MAX_ERRORS_SHOWN = 500  # the errors an import page lists; the rest are only counted


def shown_errors(errors) -> dict:
    """The errors an import page lists (the first ``MAX_ERRORS_SHOWN``) and their count, for
    ``ledger/_import_errors.html``."""
    errors = list(errors)
    return {
        "errors": errors[:MAX_ERRORS_SHOWN],
        "error_count": len(errors),
        "errors_truncated": len(errors) > MAX_ERRORS_SHOWN,
        "max_errors_shown": MAX_ERRORS_SHOWN,
    }


def job_errors(errors) -> dict:
    """``shown_errors`` as a background import job keeps them in its JSON result."""
    shown = shown_errors(errors)
    shown["errors"] = [
        {"row": e.row, "column": str(e.column), "message": str(e.message)} for e in shown["errors"]
    ]
    return shown


@dataclass
class ImportResult:
    """What an import did: the records ``created`` (all or none), the ``errors`` that refused
    the file, the rows ``skipped`` as repeats on request, and ``repeats``: rows refused only
    for repeating existing records (the user may skip or keep them)."""

    created: list = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    skipped: int = 0
    repeats: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def count(self) -> int:
        return len(self.created)


class Row(dict):
    """The parsed values of one data row, by column key; ``number`` is its Excel row."""

    def __init__(self, number: int, values: dict):
        super().__init__(values)
        self.number = number


# --- parsers -----------------------------------------------------------------------------
# A parser turns a non-empty cell value into a Python value or raises CellError; ``empty`` is
# the value of a blank optional cell; ``describe()`` is the requirement shown in the template.


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number_text(value) -> str:
    """A cell as text; 12.0 (Excel stores every number as a float) becomes "12"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if value.time() else f"{value:%Y-%m-%d}"
    if isinstance(value, datetime.date):
        return f"{value:%Y-%m-%d}"
    return str(value).strip()


class TextParser:
    empty = ""

    def __init__(self, max_length: int | None = None):
        self.max_length = max_length

    def __call__(self, value) -> str:
        text = _number_text(value)
        if text[:1] == "'" and text[1:2] and text[1:].startswith(FORMULA_TRIGGERS):
            text = text[1:]  # our own export's guard against formula injection
        if self.max_length and len(text) > self.max_length:
            raise CellError(
                _("长度不能超过 %(max)d 个字符（当前 %(len)d 个）")
                % {"max": self.max_length, "len": len(text)}
            )
        return text

    def describe(self) -> str:
        if self.max_length:
            return _("文本，最多 %(max)d 个字符") % {"max": self.max_length}
        return _("文本")


class IntegerParser:
    empty = None

    def __init__(self, min_value: int | None = 0, max_value: int | None = None):
        self.min_value = min_value
        self.max_value = max_value

    def __call__(self, value) -> int:
        number = None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, str) and re.fullmatch(r"[+-]?\d+(\.0*)?", value.strip()):
            number = int(float(value.strip()))
        if number is None:
            raise CellError(_("应为整数，而不是「%(value)s」") % {"value": _number_text(value)})
        if self.min_value is not None and number < self.min_value:
            raise CellError(_("不能小于 %(min)d") % {"min": self.min_value})
        if self.max_value is not None and number > self.max_value:
            raise CellError(_("不能大于 %(max)d") % {"max": self.max_value})
        return number

    def describe(self) -> str:
        if self.min_value == 0:
            return _("不小于 0 的整数")
        return _("整数")


_DATE_PATTERNS = [
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
]


class DateParser:
    """Real Excel dates, or text such as 2026-03-05, 2026/3/5, 2026年3月5日, 20260305."""

    empty = None

    def __call__(self, value) -> datetime.date:
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            if 10000 <= value < 100000:  # an Excel serial date in a cell formatted as a number
                return from_excel(value).date()
            value = _number_text(value)  # 20260305 typed as a number
        text = str(value).strip()
        text = re.sub(r"\s+00:00(:00)?$", "", text)  # "2026-03-05 00:00:00"
        for pattern in _DATE_PATTERNS:
            match = pattern.fullmatch(text)
            if match:
                try:
                    return datetime.date(*(int(part) for part in match.groups()))
                except ValueError:
                    break
        raise CellError(
            _("日期「%(value)s」格式不正确，应为 2026-03-05 这样的日期") % {"value": text}
        )

    def describe(self) -> str:
        return _("日期，如 2026-03-05、2026/3/5、2026年3月5日")


class ChoiceParser:
    """A label (Chinese, as shown in the template) or a stored value → the stored value."""

    empty = ""

    def __init__(self, choices: Iterable[tuple[Any, Any]]):
        self.choices = [(value, str(label)) for value, label in choices]

    @property
    def labels(self) -> list[str]:
        return [label for _value, label in self.choices]

    def __call__(self, value):
        text = _number_text(value)
        for stored, label in self.choices:
            if text == label or text.lower() == str(stored).lower():
                return stored
        raise CellError(
            _("「%(value)s」不是有效选项，可选：%(labels)s")
            % {"value": text, "labels": "、".join(self.labels)}
        )

    def describe(self) -> str:
        return _("从下列选项中选择：%(labels)s") % {"labels": "、".join(self.labels)}


# --- the spec ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    parser: Callable[[Any], Any]
    required: bool = False
    help: str = ""
    width: int | None = None

    def parse(self, value):
        if _is_blank(value):
            if self.required:
                raise CellError(_("必填项，不能为空"))
            return getattr(self.parser, "empty", None)
        if isinstance(value, str):
            value = value.strip()
        return self.parser(value)

    def requirement(self) -> str:
        parts = [self.help] if self.help else []
        describe = getattr(self.parser, "describe", None)
        if describe:
            parts.append(describe())
        return "；".join(parts)


@dataclass(frozen=True)
class TableSpec:
    columns: Sequence[Column]
    title: str
    max_rows: int = DEFAULT_MAX_ROWS
    header_row: int = field(default=1, init=False)

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]


# --- template ----------------------------------------------------------------------------


# A template names what it is for in its document properties: a file made from the template
# of one table (e.g. 中心组学习) is refused for another (培训), whose columns may be the same.
TEMPLATE_SUBJECT = "luoshi 导入模板"


def build_template(
    spec: TableSpec, example_rows: Iterable[dict] = (), notes: Iterable[str] = ()
) -> Book:
    """The template of ``spec``: the data sheet (headings, the example rows, a drop-down for
    each column of choices) and a "填写说明" sheet."""
    data = Sheet(
        spec.title,
        spec.headers,
        [
            [_template_value(column, example.get(column.key)) for column in spec.columns]
            for example in example_rows
        ],
        widths=[column.width or max(12, len(column.header) * 2 + 4) for column in spec.columns],
        cells=[_cells(column) for column in spec.columns],
        input_rows=spec.max_rows,
    )
    return Book([data, _help_sheet(spec, notes)], title=spec.title, subject=TEMPLATE_SUBJECT)


def _cells(column: Column) -> Cells:
    parser = column.parser
    # text keeps codes such as 001 as typed
    number_format = {DateParser: "yyyy-mm-dd", TextParser: "@"}.get(type(parser), "")
    if isinstance(parser, ChoiceParser):
        return Cells(
            column.required, number_format, choices=parser.labels, message=parser.describe()
        )
    return Cells(column.required, number_format)


def _help_sheet(spec: TableSpec, notes: Iterable[str]) -> Sheet:
    general = [
        _("请在第一个工作表「%(title)s」中填写，第一行为表头，不要修改、删除或调换表头。")
        % {"title": sheet_title(spec.title)},
        _("红色表头为必填列；示例行导入前请删除或改为实际内容，空行会被忽略（但计入行数上限）。"),
        _("任一行有错误时整个文件都不会导入，请按错误提示修改后重新上传。"),
        _("每个文件最多 %(max)d 行（含空行）。") % {"max": spec.max_rows},
        *notes,
    ]
    rows = [
        [column.header, _("必填") if column.required else _("选填"), column.requirement()]
        for column in spec.columns
    ]
    return Sheet(
        HELP_SHEET_TITLE,
        [_("列名"), _("是否必填"), _("填写要求")],
        [*rows, [], *([note] for note in general)],
        widths=[16, 10, 70],
    )


def _template_value(column: Column, value):
    if isinstance(column.parser, ChoiceParser) and value is not None:
        for stored, label in column.parser.choices:
            if value == stored:
                return label
    return value


# --- reading -----------------------------------------------------------------------------


def _normalize_header(value) -> str:
    if value is None:
        return ""
    return re.sub(r"\s+", "", str(value)).rstrip("*＊")


def check_file(uploaded_file) -> list[RowError]:
    """The cheap checks of an upload, from the zip's table of contents only (no sheet is
    parsed): a page runs them in the request before queueing the import."""
    try:
        if not isinstance(uploaded_file, str) and not is_zip(uploaded_file):
            return [RowError(0, "", _("文件不是有效的 Excel(.xlsx) 文件"))]
        check_zip_container(uploaded_file)
    except ValidationError as error:
        return [RowError(0, "", error.messages[0])]
    return []


def read_rows(
    spec: TableSpec, uploaded_file, progress: Callable[[int, int], None] | None = None
) -> tuple[list[Row], list[RowError]]:
    """Parse the first sheet of ``uploaded_file`` against ``spec``.

    Returns the parsed rows (only when there is no error at all is the list complete and
    trustworthy) and every error found. File-level errors use row 0 or 1 (the header).
    The sheet is streamed (openpyxl read-only) and left at ``spec.max_rows`` lines;
    ``progress(lines read, lines expected)`` is called every 500 lines.
    """
    errors = check_file(uploaded_file)
    if errors:
        return [], errors
    try:
        if hasattr(uploaded_file, "seek"):
            uploaded_file.seek(0)
        sheet = FirstSheet(uploaded_file)
    except Exception:  # zipfile.BadZipFile, InvalidFileException, KeyError, XML errors...
        return [], [RowError(0, "", _("文件不是有效的 Excel(.xlsx) 文件"))]
    if sheet.template_for not in (None, spec.title):
        sheet.close()
        return [], [wrong_template(sheet.template_for, spec.title)]
    try:
        return _read_sheet(spec, sheet, progress)
    except Exception:  # a damaged sheet part only discovered while iterating
        return [], [RowError(0, "", _("文件不是有效的 Excel(.xlsx) 文件"))]
    finally:
        sheet.close()


MAX_COLUMNS = 1000  # cells further right are ignored (a template has about 13 columns)


class FirstSheet:
    """The first worksheet of a workbook, streamed row by row.

    openpyxl's read-only worksheet first reads the whole sheet XML looking for its size when
    the sheet declares none (a crafted file leaves it out), and then fills every gap up to
    that size with empty rows; this reader uses openpyxl's own parts (shared strings, styles
    for dates, the row parser) but only ever reads as far as the caller iterates.
    """

    def __init__(self, uploaded_file):
        self.reader = ExcelReader(uploaded_file, read_only=True, data_only=True)
        self.reader.read_manifest()
        self.reader.read_strings()
        self.reader.read_workbook()
        apply_stylesheet(self.reader.archive, self.reader.wb)
        sheets = [
            rel.target
            for _sheet, rel in self.reader.parser.find_sheets()
            if rel.target in self.reader.valid_files and "chartsheet" not in rel.Type
        ]
        self.path = sheets[0]
        self.declared_rows = self._declared_rows()
        self.template_for = self._template_for()

    def _template_for(self) -> str | None:
        """The table a product template was made for (None: any other workbook)."""
        self.reader.read_properties()
        properties = self.reader.wb.properties
        return properties.title if properties.subject == TEMPLATE_SUBJECT else None

    def _declared_rows(self) -> int:
        """The row count the sheet declares before its data, if it does (for progress)."""
        with self.reader.archive.open(self.path) as source:
            head = source.read(4096).decode("utf-8", "replace")
        match = re.search(r'<(?:\w+:)?dimension\s+ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"', head)
        return int(match.group(1) or 1) if match else 0

    def rows(self):
        """(row number, values) of every row present in the sheet, in order."""
        wb = self.reader.wb
        with self.reader.archive.open(self.path) as source:
            parser = WorkSheetParser(
                source,
                self.reader.shared_strings,
                data_only=True,
                epoch=wb.epoch,
                date_formats=wb._date_formats,
                timedelta_formats=wb._timedelta_formats,
            )
            for number, cells in parser.parse():
                columns = [c["column"] for c in cells if c["column"] <= MAX_COLUMNS]
                values = [None] * max(columns, default=0)
                for cell in cells:
                    if cell["column"] <= MAX_COLUMNS:
                        values[cell["column"] - 1] = cell["value"]
                yield number, tuple(values)

    def close(self):
        self.reader.archive.close()


def wrong_template(made_for: str, expected: str) -> RowError:
    message = _(
        "该文件是「%(made_for)s」的导入模板，与所选的「%(expected)s」不一致：请改选"
        "「%(made_for)s」，或下载「%(expected)s」的模板重新填写"
    ) % {"made_for": made_for, "expected": expected}
    return RowError(0, "", message)


def sort_errors(spec: TableSpec, errors: list[RowError]) -> list[RowError]:
    """The errors by row, then in the order of the sheet's columns (file errors first)."""
    order = {column.header: index for index, column in enumerate(spec.columns)}
    return sorted(errors, key=lambda e: (e.row, order.get(e.column, -1)))


def too_many_rows(spec: TableSpec) -> RowError:
    return RowError(
        0,
        "",
        _("数据超过 %(max)d 行的上限（空行也计入），请拆分成多个文件分批导入")
        % {"max": spec.max_rows},
    )


def _header_positions(spec: TableSpec, header) -> tuple[dict[str, int], list[RowError]]:
    """Where each column of ``spec`` stands in the header row, or what is wrong with it."""
    names = [_normalize_header(value) for value in header]
    if not any(names):
        return {}, [RowError(1, "", _("第 1 行应为表头，请使用下载的导入模板"))]
    by_header = {_normalize_header(column.header): column for column in spec.columns}
    positions: dict[str, int] = {}
    unknown, duplicate = [], []
    for index, name in enumerate(names):
        if not name:
            continue
        if name not in by_header:
            unknown.append(str(header[index]).strip())
        elif by_header[name].key in positions:
            duplicate.append(name)
        else:
            positions[by_header[name].key] = index
    missing = [column.header for column in spec.columns if column.key not in positions]
    problems = (
        (missing, _("缺少列：%(cols)s，请使用下载的导入模板")),
        (unknown, _("无法识别的列：%(cols)s")),
        (duplicate, _("列重复：%(cols)s")),
    )
    errors = [
        RowError(1, "", message % {"cols": "、".join(cols)}) for cols, message in problems if cols
    ]
    return positions, errors


def _parse_line(spec: TableSpec, positions, number: int, line, errors: list[RowError]) -> Row:
    values = {}
    for column in spec.columns:
        index = positions[column.key]
        raw = line[index] if index < len(line) else None
        try:
            values[column.key] = column.parse(raw)
        except CellError as error:
            errors.append(RowError(number, column.header, error.message))
            values[column.key] = None
    return Row(number, values)


def _read_sheet(spec: TableSpec, sheet, progress=None) -> tuple[list[Row], list[RowError]]:
    lines = sheet.rows()
    first = next(lines, None)
    header = first[1] if first and first[0] == 1 else ()
    if first and first[0] != 1:  # row 1 left out of the file: the first row is data
        lines = itertools.chain([first], lines)
    positions, errors = _header_positions(spec, header)
    if errors:
        return [], errors

    rows: list[Row] = []
    expected, reported = min(sheet.declared_rows, spec.max_rows + 1), 0
    for number, line in lines:
        # Every line counts, blank ones too: a sheet of a million whitespace rows is refused
        # after max_rows lines instead of being read to its end (the sheet is streamed).
        if number - 1 > spec.max_rows:
            return [], [too_many_rows(spec)]
        if progress is not None and number - reported >= 500:
            progress(number, expected)
            reported = number
        if not all(_is_blank(value) for value in line):
            rows.append(_parse_line(spec, positions, number, line, errors))
    if not rows:
        errors.append(RowError(0, "", _("文件中没有数据行")))
    return rows, errors

"""Every .xlsx the platform writes is written here, with XlsxWriter: the exports of list pages
and records (``sheets_response``) and the templates a user fills in and uploads again
(``Book``: the import templates of ``luoshi.core.excel_import``, a 统计报表's fill-in form).
Reading an uploaded file is ``luoshi.core.excel_import``'s (openpyxl)."""

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import Any
from urllib.parse import quote

import xlsxwriter
from django.core.exceptions import FieldDoesNotExist
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FILL = "#DDEBF7"  # a heading row's shade
INPUT_FILL = "#FFF2CC"  # a protected template's cells to fill in
REQUIRED_COLOR = "#C00000"  # the heading of a column that must be filled in
MUTED_COLOR = "#808080"
# Excel's limits: a drop-down's inline list, a validation's error title and message
LIST_LIMIT, ERROR_TITLE_LIMIT, ERROR_LIMIT = 255, 32, 255


# A text cell starting with one of these is a formula to Excel (or to a CSV it is saved as):
# user text gets a leading apostrophe, as OWASP recommends against formula injection.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value):
    """User text for a spreadsheet cell: never interpreted as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def sheet_title(title: str) -> str:
    """Excel refuses []:*?/\\ in sheet names and more than 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", "_", str(title))[:31] or "Sheet1"


@dataclass(frozen=True)
class Cells:
    """How a template's column looks and what it takes; an export's columns need none.

    ``required``: its heading in red (必填). ``number_format``: of the whole column (``"@"``
    keeps codes such as 001 as typed; ``"yyyy-mm-dd"``). ``choices``: a drop-down of these
    labels over the sheet's ``input_rows``, refusing anything else with ``message``.
    ``input``: the cells its rows fill in, shaded and left unlocked on a protected sheet.
    ``muted``: grey text (a code the user reads but does not type)."""

    required: bool = False
    number_format: str = ""
    choices: Sequence[str] = ()
    message: str = ""
    input: bool = False
    muted: bool = False


@dataclass(frozen=True)
class Sheet:
    """One sheet: its name, its column headings and its rows (any iterable, e.g. a queryset
    iterator; an empty row leaves a blank line). ``widths`` in characters; by default from
    each heading. No headings: the rows only (a sheet of notes).

    A template's sheet says more: ``cells`` per column, ``input_rows`` (how far its
    drop-downs reach), ``freeze`` (the rows and columns kept in view) and ``protected``
    (nothing but the ``input`` cells may be changed; columns and rows may still be resized).
    """

    title: str
    headers: Sequence[Any]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] | None = None
    cells: Sequence[Cells] = ()
    input_rows: int = 0
    freeze: tuple[int, int] = (1, 0)
    protected: bool = False


@dataclass(frozen=True)
class Book:
    """A template as a whole file: its sheets, and the document title and subject that say
    what it is for (``luoshi.core.excel_import`` refuses a file made for another table)."""

    sheets: Sequence[Sheet]
    title: str = ""
    subject: str = ""

    def content(self) -> bytes:
        buffer = BytesIO()
        _write(buffer, self.sheets, {"title": self.title, "subject": self.subject}, False)
        return buffer.getvalue()


def write_sheets(stream, sheets: Iterable[Sheet]) -> None:
    """Stream every sheet into one .xlsx file: every export of the platform is written here.

    XlsxWriter in constant-memory mode: a large export neither builds a workbook in
    memory nor slows down with its size. Each sheet has a bold shaded heading row that
    stays in view, dates and times as Excel dates, and user text never read as a formula.
    """
    _write(stream, sheets, {}, True)


def _write(stream, sheets: Iterable[Sheet], properties: dict, constant_memory: bool) -> None:
    workbook = xlsxwriter.Workbook(
        stream, {"constant_memory": constant_memory, "default_date_format": "yyyy-mm-dd"}
    )
    workbook.set_properties(properties)
    formats = _Formats(workbook)
    for sheet in sheets:
        worksheet = workbook.add_worksheet(sheet_title(sheet.title))
        _lay_out(worksheet, sheet, formats)
        first = 1 if sheet.headers else 0
        for row_index, row in enumerate(sheet.rows, start=first):
            _write_row(worksheet, row_index, row, formats, sheet.cells)
        if sheet.protected:
            worksheet.protect("", {"format_columns": True, "format_rows": True})
    workbook.close()


class _Formats:
    """The cell formats of one workbook (XlsxWriter makes them per workbook), made once."""

    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self.workbook = workbook
        self.datetime = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        self._made: dict[tuple, Any] = {}

    def get(self, **properties):
        key = tuple(sorted(properties.items()))
        if key not in self._made:
            self._made[key] = self.workbook.add_format(properties)
        return self._made[key]

    def heading(self, cells: Cells | None):
        red = {"font_color": REQUIRED_COLOR} if cells and cells.required else {}
        return self.get(bold=True, bg_color=HEADER_FILL, align="center", valign="vcenter", **red)

    def column(self, cells: Cells | None):
        properties = {}
        if cells and cells.number_format:
            properties["num_format"] = cells.number_format
        if cells and cells.muted:
            properties["font_color"] = MUTED_COLOR
        return self.get(**properties) if properties else None

    def input(self, cells: Cells):
        return self.get(bg_color=INPUT_FILL, num_format=cells.number_format or "@", locked=False)


def _lay_out(worksheet, sheet: Sheet, formats: _Formats) -> None:
    """Widths, column formats, the heading row, drop-downs and the panes kept in view."""
    count = max(len(sheet.headers), len(sheet.widths or ()), len(sheet.cells))
    for index in range(count):
        cells = _cells_of(sheet.cells, index)
        worksheet.set_column(index, index, _width(sheet, index), formats.column(cells))
        if cells and cells.choices:
            _drop_down(worksheet, index, cells, sheet.input_rows)
    if sheet.headers:
        for index, header in enumerate(sheet.headers):
            cells = _cells_of(sheet.cells, index)
            worksheet.write_string(0, index, str(header), formats.heading(cells))
        worksheet.freeze_panes(*sheet.freeze)


def _cells_of(cells: Sequence[Cells], index: int) -> Cells | None:
    """What a template says of column ``index`` (None: a plain column, as every export's)."""
    return cells[index] if index < len(cells) else None


def _width(sheet: Sheet, index: int) -> int:
    if sheet.widths and index < len(sheet.widths):
        return sheet.widths[index]
    header = sheet.headers[index] if index < len(sheet.headers) else ""
    return max(10, len(str(header)) * 2 + 2)


def _drop_down(worksheet, index: int, cells: Cells, rows: int) -> None:
    source = list(map(str, cells.choices))
    if len(",".join(source)) + 2 > LIST_LIMIT:  # too long for a list: checked on import only
        return
    worksheet.data_validation(
        1,
        index,
        max(rows, 1),
        index,
        {
            "validate": "list",
            "source": source,
            "ignore_blank": not cells.required,
            "error_title": _("无效选项")[:ERROR_TITLE_LIMIT],
            "error_message": cells.message[:ERROR_LIMIT],
        },
    )


def _write_row(worksheet, row_index: int, row, formats: _Formats, cells=()) -> None:
    for col_index, value in enumerate(row):
        column = _cells_of(cells, col_index)
        if column and column.input:
            text = "" if value is None else safe_text(str(value))
            worksheet.write_string(row_index, col_index, text, formats.input(column))
        elif isinstance(value, datetime.datetime):
            worksheet.write_datetime(row_index, col_index, _naive_local(value), formats.datetime)
        elif isinstance(value, bool | int | float | Decimal | datetime.date):
            worksheet.write(row_index, col_index, value)
        elif value is not None and value != "":
            worksheet.write_string(row_index, col_index, safe_text(str(value)))


def _naive_local(value: datetime.datetime) -> datetime.datetime:
    if timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def book_response(book: Book, filename: str) -> HttpResponse:
    """A template as a download."""
    return _attachment(book.content(), filename)


def _attachment(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def xlsx_response(filename: str, title: str, headers, rows, widths=None) -> HttpResponse:
    """One sheet as a download (``sheets_response`` with one ``Sheet``)."""
    return sheets_response(filename, [Sheet(title, headers, rows, widths)])


def sheets_response(filename: str, sheets: Iterable[Sheet]) -> HttpResponse:
    """An export of one or more sheets as a download."""
    buffer = BytesIO()
    write_sheets(buffer, sheets)
    return _attachment(buffer.getvalue(), filename)


def model_columns(model, names: str, **overrides) -> list[tuple]:
    """A list page's export columns ``[(heading, getter)]`` from its model's fields.

    ``names`` lists the fields in column order, separated by spaces. A field's column is
    headed by its ``verbose_name`` and shows a choice's label, a related record's text, 是 or 否
    for a yes-or-no field, or the value itself (an empty one writes nothing). ``overrides`` gives, by name, a column
    that no field states as is: a heading (the field's value under another heading) or a
    ``(heading, getter)`` pair (a property, a figure, a related record's other field).
    """
    return [_column(model, name, overrides.get(name)) for name in names.split()]


def _column(model, name: str, override) -> tuple:
    if isinstance(override, tuple):
        return override
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a property, under the heading given
        if override is None:
            raise
        return override, lambda obj: getattr(obj, name)
    heading = override or field.verbose_name
    if field.get_internal_type() == "BooleanField":
        return heading, lambda obj: _("是") if getattr(obj, name) else _("否")
    if field.choices:
        display = f"get_{name}_display"
        return heading, lambda obj: getattr(obj, display)()
    if field.is_relation:
        return heading, lambda obj: str(getattr(obj, name) or "")
    return heading, lambda obj: getattr(obj, name)

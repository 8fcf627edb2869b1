"""Excel export: every list page's and every multi-sheet export (``write_sheets``); import and its
templates live in ``luoshi.core.excel_import``."""

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
from openpyxl.styles import Font, PatternFill

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


# A text cell starting with one of these is a formula to Excel (or to a CSV it is saved as):
# user text gets a leading apostrophe, as OWASP recommends against formula injection.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value):
    """User text for a spreadsheet cell: never interpreted as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_row(row):
    """``safe_text`` on every cell of a row, for openpyxl's ``sheet.append``."""
    return [safe_text(value) for value in row]


def sheet_title(title: str) -> str:
    """Excel refuses []:*?/\\ in sheet names and more than 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", "_", str(title))[:31] or "Sheet1"


@dataclass(frozen=True)
class Sheet:
    """One sheet of an export: its name, its column headings and its rows (any iterable, e.g.
    a queryset iterator). ``widths`` in characters; by default from each heading."""

    title: str
    headers: Sequence[Any]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] | None = None


def write_sheets(stream, sheets: Iterable[Sheet]) -> None:
    """Stream every sheet into one .xlsx file: every export of the platform is written here.

    XlsxWriter in constant-memory mode: a large export neither builds a workbook in
    memory nor slows down with its size. Each sheet has a bold shaded heading row that
    stays in view, dates and times as Excel dates, and user text never read as a formula.
    """
    workbook = xlsxwriter.Workbook(
        stream, {"constant_memory": True, "default_date_format": "yyyy-mm-dd"}
    )
    header_format = workbook.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "align": "center", "valign": "vcenter"}
    )
    datetime_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    for sheet in sheets:
        worksheet = workbook.add_worksheet(sheet_title(sheet.title))
        for index, header in enumerate(sheet.headers):
            width = sheet.widths[index] if sheet.widths else max(10, len(str(header)) * 2 + 2)
            worksheet.set_column(index, index, width)
        worksheet.freeze_panes(1, 0)
        worksheet.write_row(0, 0, [str(h) for h in sheet.headers], header_format)
        for row_index, row in enumerate(sheet.rows, start=1):
            _write_row(worksheet, row_index, row, datetime_format)
    workbook.close()


def _write_row(worksheet, row_index: int, row, datetime_format) -> None:
    for col_index, value in enumerate(row):
        if isinstance(value, datetime.datetime):
            worksheet.write_datetime(row_index, col_index, _naive_local(value), datetime_format)
        elif isinstance(value, bool | int | float | Decimal | datetime.date):
            worksheet.write(row_index, col_index, value)
        elif value is not None and value != "":
            worksheet.write_string(row_index, col_index, safe_text(str(value)))


def _naive_local(value: datetime.datetime) -> datetime.datetime:
    if timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def workbook_response(workbook, filename: str) -> HttpResponse:
    """An openpyxl workbook as a download: an import template, which is read back with openpyxl
    (exports are written by ``write_sheets``)."""
    buffer = BytesIO()
    workbook.save(buffer)
    return _attachment(buffer.getvalue(), filename)


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

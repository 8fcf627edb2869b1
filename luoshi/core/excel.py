"""Excel export shared by every list page (import lives in ``luoshi.core.excel_import``)."""

import datetime
import re
from decimal import Decimal
from io import BytesIO
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


def write_xlsx(stream, title: str, headers: list[str], rows, widths: list[int] | None = None):
    """Stream ``rows`` (any iterable, e.g. a queryset iterator) into an .xlsx file.

    XlsxWriter in constant-memory mode: a large export neither builds a workbook in
    memory nor slows down with its size.
    """
    workbook = xlsxwriter.Workbook(
        stream, {"constant_memory": True, "default_date_format": "yyyy-mm-dd"}
    )
    sheet = workbook.add_worksheet(sheet_title(title))
    header_format = workbook.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "align": "center", "valign": "vcenter"}
    )
    datetime_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    for index, header in enumerate(headers):
        width = widths[index] if widths else max(10, len(str(header)) * 2 + 2)
        sheet.set_column(index, index, width)
    sheet.freeze_panes(1, 0)
    sheet.write_row(0, 0, [str(h) for h in headers], header_format)
    for row_index, row in enumerate(rows, start=1):
        for col_index, value in enumerate(row):
            if isinstance(value, datetime.datetime):
                sheet.write_datetime(row_index, col_index, _naive_local(value), datetime_format)
            elif isinstance(value, bool | int | float | Decimal | datetime.date):
                sheet.write(row_index, col_index, value)
            elif value is not None and value != "":
                sheet.write_string(row_index, col_index, safe_text(str(value)))
    workbook.close()


def _naive_local(value: datetime.datetime) -> datetime.datetime:
    if timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def workbook_response(workbook, filename: str) -> HttpResponse:
    """An openpyxl workbook (e.g. an import template) as a download."""
    buffer = BytesIO()
    workbook.save(buffer)
    return _attachment(buffer.getvalue(), filename)


def _attachment(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def xlsx_response(filename: str, title: str, headers, rows, widths=None) -> HttpResponse:
    buffer = BytesIO()
    write_xlsx(buffer, title, headers, rows, widths)
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

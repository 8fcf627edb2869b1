"""A form's own Excel template: one row per item (a table's cells one row each), the unit's
current values in 「填报值」. It carries the form version in its document properties, as the
ledger templates do (``TEMPLATE_SUBJECT``), so a file of another form — or of another version
of this one — is refused by the bounded reader (``luoshi.core.excel_import.read_rows``)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.protection import SheetProtection

from luoshi.core.excel import HEADER_FILL, HEADER_FONT, safe_row, sheet_title
from luoshi.core.excel_import import (
    TEMPLATE_SUBJECT,
    Column,
    RowError,
    TableSpec,
    TextParser,
    read_rows,
)
from luoshi.statforms.models import FieldKind, FormField, FormVersion

HEADERS = ("编码", "项目", "计量单位", "填报值", "填报说明")
VALUE_COLUMN = 4
EXTRA_TABLE_ROWS = 5
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")


def spec_of(version: FormVersion) -> TableSpec:
    text = TextParser(max_length=300)
    keys = ("code", "label", "measure", "value", "help")
    columns = [Column(key, header, text) for key, header in zip(keys, HEADERS, strict=True)]
    return TableSpec(columns=columns, title=version.template_name, max_rows=2000)


def _lines(fields: list[FormField], values: dict):
    for item in fields:
        if item.kind != FieldKind.TABLE:
            yield item.code, item.label, item.measure, values.get(item.code, ""), _help(item)
            continue
        rows = values.get(item.code) or []
        for index in range(1, len(rows) + EXTRA_TABLE_ROWS + 1):
            row = rows[index - 1] if index <= len(rows) else {}
            for code, label, _kind in item.column_list():
                name = _("%(table)s 第%(n)d行 · %(col)s") % {
                    "table": item.label,
                    "n": index,
                    "col": label,
                }
                yield f"{item.code}.{index}.{code}", name, "", row.get(code, ""), ""


def _help(item: FormField) -> str:
    parts = [item.get_kind_display(), _("必填") if item.required else _("选填")]
    if item.kind == FieldKind.CHOICE:
        parts.append(_("可选：") + "、".join(item.choice_list()))
    if item.help_text:
        parts.append(item.help_text)
    return "；".join(str(p) for p in parts)


def build(version: FormVersion, values: dict, unit_name: str) -> Workbook:
    workbook = Workbook()
    workbook.properties.subject = TEMPLATE_SUBJECT
    workbook.properties.title = version.template_name
    sheet = workbook.active
    sheet.title = sheet_title(version.form.title)
    sheet.append(list(HEADERS))
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
    for line in _lines(list(version.fields.all()), values):
        sheet.append(safe_row([str(v) if v is not None else "" for v in line]))
        value_cell = sheet.cell(row=sheet.max_row, column=VALUE_COLUMN)
        value_cell.fill, value_cell.number_format = INPUT_FILL, "@"
        value_cell.protection = Protection(locked=False)
    for letter, width in zip("ABCDE", (18, 34, 10, 16, 50), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.column_dimensions["A"].font = Font(color="808080")
    sheet.freeze_panes = "B2"
    sheet.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False)
    notes = workbook.create_sheet(_("填写说明"))
    for text in (
        _("本表为「%(form)s」的填报模板（%(unit)s），只在黄色的「填报值」列填写。")
        % {"form": version.form.title, "unit": unit_name},
        _("不要修改编码列和行的顺序；表格项每行一个单元格，多余的空行会被忽略。"),
        _("上传后系统按与网页相同的规则校验，有错误时整份不保存并逐项提示。"),
    ):
        notes.append([text])
    notes.column_dimensions["A"].width = 90
    return workbook


def read(version: FormVersion, uploaded) -> tuple[dict, list[RowError]]:
    """The values of an uploaded template ({code: text}, tables as lists of rows)."""
    rows, errors = read_rows(spec_of(version), uploaded)
    if errors:
        return {}, errors
    fields = {f.code: f for f in version.fields.all()}
    values: dict = {}
    unknown = []
    for row in rows:
        code, text = row["code"], row["value"] or ""
        head, _sep, rest = code.partition(".")
        item = fields.get(head)
        if item is None or (item.kind == FieldKind.TABLE) != bool(rest):
            unknown.append(
                RowError(row.number, HEADERS[0], _("「%(code)s」不是本表的统计项") % {"code": code})
            )
        elif rest and not _table_cell(item, values.setdefault(head, []), rest, text):
            unknown.append(
                RowError(
                    row.number, HEADERS[0], _("「%(code)s」不是本表的表格单元") % {"code": code}
                )
            )
        elif not rest:
            values[code] = text
    for item in fields.values():  # blank rows of the template never count, as on the page
        if item.kind == FieldKind.TABLE and item.code in values:
            values[item.code] = [r for r in values[item.code] if any(r.values())]
    return values, unknown


def _table_cell(item: FormField, rows: list, rest: str, text: str) -> bool:
    """Put a table cell (``row.column``) in place; False if there is no such cell."""
    index, _sep, column = rest.partition(".")
    columns = [code for code, _l, _k in item.column_list()]
    if not index.isdigit() or not 0 < int(index) <= 200 or column not in columns:
        return False
    while len(rows) < int(index):
        rows.append({code: "" for code in columns})
    rows[int(index) - 1][column] = text
    return True

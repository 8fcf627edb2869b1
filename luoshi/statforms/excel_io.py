"""A form's own Excel template: one row per item (a table's cells one row each), the unit's
current values in 「填报值」. It carries the form version in its document properties, as the
ledger templates do (``TEMPLATE_SUBJECT``), so a file of another form — or of another version
of this one — is refused by the bounded reader (``luoshi.core.excel_import.read_rows``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from luoshi.core.excel import Book, Cells, Sheet
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
EXTRA_TABLE_ROWS = 5


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


def build(version: FormVersion, values: dict, unit_name: str) -> Book:
    """The form's template for one unit: the codes and items locked, only 「填报值」 (shaded)
    to fill in, and a sheet of notes."""
    lines = [
        [str(v) if v is not None else "" for v in line]
        for line in _lines(list(version.fields.all()), values)
    ]
    form = Sheet(
        version.form.title,
        HEADERS,
        lines,
        widths=(18, 34, 10, 16, 50),
        cells=(Cells(muted=True), Cells(), Cells(), Cells(input=True, number_format="@")),
        freeze=(1, 1),
        protected=True,
    )
    notes = Sheet(
        _("填写说明"),
        (),
        [
            [
                _("本表为「%(form)s」的填报模板（%(unit)s），只在黄色的「填报值」列填写。")
                % {"form": version.form.title, "unit": unit_name}
            ],
            [_("不要修改编码列和行的顺序；表格项每行一个单元格，多余的空行会被忽略。")],
            [_("上传后系统按与网页相同的规则校验，有错误时整份不保存并逐项提示。")],
        ],
        widths=(90,),
    )
    return Book([form, notes], title=version.template_name, subject=TEMPLATE_SUBJECT)


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

"""Excel import of units (系统管理 → Excel 导入): the sheet, its template and the
all-or-nothing import, on the shared reader (``luoshi.core.excel_import``) and run as a
background job (``luoshi.core.background``) like the ledger's import.

A row's parent is a unit already kept in the importer's data scope, or a unit of an
earlier row of the same file (so a whole subtree is imported top-down in one file).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.core.excel_import import (
    ChoiceParser,
    Column,
    Duplicates,
    ImportResult,
    IntegerParser,
    Row,
    RowError,
    TableSpec,
    TextParser,
    build_template,
    job_errors,
    read_rows,
    repeat_error,
    sort_errors,
)
from luoshi.units.models import Unit, UnitType
from luoshi.units.services import create_unit


def _max_length(name: str) -> int:
    return Unit._meta.get_field(name).max_length


def unit_spec() -> TableSpec:
    types = UnitType.objects.filter(is_active=True).values_list("code", "name")
    return TableSpec(
        title=_("单位"),
        columns=[
            Column("code", _("单位编码"), TextParser(_max_length("code")), required=True),
            Column("name", _("单位名称"), TextParser(_max_length("name")), required=True, width=30),
            Column("short_name", _("简称"), TextParser(_max_length("short_name"))),
            Column(
                "parent_code",
                _("上级单位编码"),
                TextParser(_max_length("code")),
                help=_("已有单位（在本人数据范围内）或本文件中排在前面的单位的编码"),
            ),
            Column("unit_type", _("单位类型"), ChoiceParser(types), required=True),
            Column("order", _("排序"), IntegerParser(), help=_("同级单位按排序、编码排列")),
        ],
    )


def template_workbook(*, user):
    """The template, with one example row under the importer's own unit."""
    parent = user.unit.code if user.unit else ""
    example = {
        "code": f"{parent}-01" if parent else "001",
        "name": _("示例：某某科（导入前请删除本行）"),
        "short_name": _("某某科"),
        "parent_code": parent,
        "unit_type": "other",
        "order": 1,
    }
    notes = [
        _("上级单位须已存在且在您的数据范围内，或是本文件中排在前面的行；按从上到下的顺序导入。"),
        _("单位编码全系统唯一；已存在的编码按「遇到重复」的选择提示或跳过。"),
    ]
    return build_template(unit_spec(), [example], notes)


def import_units(*, user, uploaded, progress=None, duplicates=Duplicates.REFUSE) -> ImportResult:
    """Check every row; create every unit in file order, or none if any row is wrong."""
    spec = unit_spec()
    headers = {column.key: column.header for column in spec.columns}
    rows, errors = read_rows(spec, uploaded, progress)
    if not rows:
        return ImportResult(errors=errors)
    codes = {row["code"] for row in rows} | {row["parent_code"] for row in rows}
    kept = set(Unit.objects.filter(code__in=codes).values_list("code", flat=True))
    parents = {
        unit.code: unit
        for unit in Unit.objects.for_user(user).filter(code__in=codes, is_active=True)
    }
    failed_rows = {error.row for error in errors}
    planned: list[Row] = []
    in_file: set[str] = set()
    skipped = 0
    for row in rows:
        repeat = row["code"] in kept or row["code"] in in_file
        if repeat and duplicates == Duplicates.SKIP:
            skipped += 1
            continue
        row_errors = _row_errors(row, user, repeat, parents, in_file, headers)
        errors += row_errors
        in_file.add(row["code"])
        if not row_errors and row.number not in failed_rows:
            planned.append(row)
    if errors:
        return ImportResult(errors=sort_errors(spec, errors))
    return ImportResult(created=_create(planned, parents, user), skipped=skipped)


def _row_errors(row, user, repeat, parents, in_file, headers) -> list[RowError]:
    errors = []
    if repeat:
        errors.append(repeat_error(row, headers["code"], _("单位编码"), row["code"]))
    parent = row["parent_code"]
    if not parent and not user.is_superuser:
        errors.append(RowError(row.number, headers["parent_code"], _("请填写上级单位编码")))
    elif parent and parent not in parents and parent not in in_file:
        message = _(
            "上级单位 %(code)s 不存在、已停用或不在您的数据范围内；本文件中的上级单位须排在前面"
        ) % {"code": parent}
        errors.append(RowError(row.number, headers["parent_code"], message))
    return errors


@transaction.atomic
def _create(rows, parents: dict, user) -> list[Unit]:
    """Create the units top-down (a parent of the file exists before its children)."""
    types = {t.code: t for t in UnitType.objects.all()}
    created = []
    for row in rows:
        parent = parents.get(row["parent_code"])
        if parent is not None:
            parent.refresh_from_db()  # treebeard: its child count changed meanwhile
        unit = create_unit(
            parent=parent,
            history_user=user,
            code=row["code"],
            name=row["name"],
            short_name=row["short_name"],
            unit_type=types[row["unit_type"]],
            order=row["order"] or 0,
        )
        parents[unit.code] = unit
        created.append(unit)
    return created


def run_import_job(job, progress) -> dict:
    """The background job of the import page (the result shows on the job page)."""
    with open(job.file, "rb") as uploaded:
        result = import_units(
            user=job.user,
            uploaded=uploaded,
            progress=progress,
            duplicates=job.params.get("duplicates", Duplicates.REFUSE),
        )
    return job_result("units", _("单位"), result)


def job_result(table_code: str, label: str, result) -> dict:
    """The JSON result of an import job (``units/import_result.html`` shows it)."""
    return {
        "table_code": table_code,
        "table": label,
        "count": result.count,
        "skipped": result.skipped,
        **job_errors(result.errors),
    }

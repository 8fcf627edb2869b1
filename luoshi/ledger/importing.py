"""Excel import of ledger records: the sheet spec, the template and the all-or-nothing import."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history

from luoshi.audit.models import OperationLog
from luoshi.core import background, rollups
from luoshi.core.client_address import client_address
from luoshi.core.excel_import import (
    ChoiceParser,
    Column,
    DateParser,
    Duplicates,
    ImportResult,
    IntegerParser,
    RowError,
    TableSpec,
    TextParser,
    build_template,
    job_errors,
    read_rows,
)
from luoshi.ledger.models import ENTRY_FIELDS, ActivityType, LedgerRecord, OutletLevel
from luoshi.ledger.selectors import repeat_key
from luoshi.units.models import Unit


def _max_length(name: str) -> int | None:
    return LedgerRecord._meta.get_field(name).max_length


def ledger_spec(activity_type: ActivityType) -> TableSpec:
    columns = [
        Column(
            "unit_code",
            _("单位编码"),
            TextParser(max_length=Unit._meta.get_field("code").max_length),
            required=True,
            help=_("本人数据范围内的启用单位的编码"),
        ),
        Column("date", _("日期"), DateParser(), required=True),
        Column("title", _("标题"), TextParser(_max_length("title")), required=True, width=36),
        Column("expected_participants", _("应到人数"), IntegerParser()),
        Column(
            "actual_participants",
            _("实到人数"),
            IntegerParser(),
            help=_("不能多于应到人数"),
        ),
        Column("audience_count", _("受众人数"), IntegerParser()),
        Column("location", _("地点"), TextParser(_max_length("location")), width=20),
    ]
    if activity_type.needs_outlet:
        columns += [
            Column(
                "outlet_name",
                _("媒体名称"),
                TextParser(_max_length("outlet_name")),
                required=True,
                width=20,
            ),
            Column(
                "outlet_level",
                _("媒体级别"),
                ChoiceParser(OutletLevel.choices),
                required=True,
            ),
        ]
    columns += [
        Column("summary", _("内容摘要"), TextParser(max_length=5000), width=40),
        Column("outcome", _("成效"), TextParser(max_length=5000), width=30),
        Column(
            "tags",
            _("标签"),
            TextParser(_max_length("tags")),
            help=_("多个标签用逗号分隔"),
            width=20,
        ),
    ]
    return TableSpec(columns=columns, title=activity_type.name)


def template_workbook(*, user, activity_type: ActivityType):
    """The import template of ``activity_type`` with one example row for the user's unit."""
    unit = user.unit
    example = {
        "unit_code": unit.code if unit else "",
        "date": timezone.localdate().replace(day=1),
        "title": _("示例：%(type)s（导入前请删除本行）") % {"type": activity_type.name},
        "expected_participants": 20,
        "actual_participants": 18,
        "audience_count": 0,
        "location": _("三楼会议室"),
        "summary": _("简要写明活动内容"),
        "outcome": _("写明取得的实际效果"),
        "tags": "",
    }
    if activity_type.needs_outlet:
        example.update(
            outlet_name=_("某某日报"), outlet_level=OutletLevel.CITY, expected_participants=None
        )
        example.update(actual_participants=None)
    notes = [
        _("活动类型：%(type)s。本模板只能导入该类型的记录。") % {"type": activity_type.name},
    ]
    if activity_type.needs_outlet:
        notes.append(_("上稿/外宣类记录须填写媒体名称与媒体级别。"))
    return build_template(ledger_spec(activity_type), [example], notes)


def template_filename(activity_type: ActivityType) -> str:
    return _("台账导入模板_%(type)s.xlsx") % {"type": activity_type.name.replace("/", "_")}


def import_records(
    *,
    user,
    activity_type: ActivityType,
    uploaded,
    progress=None,
    ip=None,
    duplicates: str = Duplicates.REFUSE,
) -> ImportResult:
    """Validate every row of ``uploaded``; write all records, or nothing if any row is wrong.
    ``progress(done, total)``: see ``read_rows``; ``ip``: the uploader's address (log);
    ``duplicates``: rows repeating a record already kept (or an earlier row) are refused,
    skipped or kept (``Duplicates``)."""
    spec = ledger_spec(activity_type)
    headers = {column.key: column.header for column in spec.columns}
    rows, errors = read_rows(spec, uploaded, progress)
    if not rows:
        return ImportResult(errors=errors)
    if not activity_type.is_active:
        return ImportResult(errors=[RowError(0, "", _("该活动类型已停用，不能导入"))])

    codes = {row["unit_code"] for row in rows if row["unit_code"]}
    units = {u.code: u for u in Unit.objects.for_user(user).filter(code__in=codes)}

    records = []
    failed_rows = {error.row for error in errors}
    for row in rows:
        row_errors = _row_errors(row, units, headers)
        errors += row_errors
        if row_errors or row.number in failed_rows:
            continue
        record = LedgerRecord(
            unit=units[row["unit_code"]],
            activity_type=activity_type,
            created_by=user,
            **{key: row.get(key, _empty(key)) for key in ENTRY_FIELDS},  # each to its model field,
        )
        record._import_row = row.number
        errors += _model_errors(record, row.number, headers)
        records.append(record)

    records, skipped, repeat_errors = _sort_out_repeats(records, activity_type, duplicates, headers)
    only_repeats = bool(repeat_errors) and len(errors) == 0
    errors += repeat_errors
    if errors:
        errors.sort(key=lambda e: (e.row, _column_order(spec, e.column)))
        return ImportResult(errors=errors, repeats=len(repeat_errors) if only_repeats else 0)
    with transaction.atomic():
        # In bulk: one INSERT per batch for the records and one for their history rows
        # (simple-history's bulk helper), then one operation-log entry for the import.
        created = bulk_create_with_history(
            records, LedgerRecord, batch_size=1000, default_user=user
        )
        rollups.added(LedgerRecord, [record.pk for record in created])  # no signal in bulk
        log_import(user=user, activity_type=activity_type, records=created, ip=ip)
    return ImportResult(created=created, skipped=skipped)


def _sort_out_repeats(records, activity_type, duplicates, headers):
    """(records to write, rows skipped, errors): a record repeats one already kept (same unit,
    type, date and title) or an earlier row of the file. Re-importing a file doubles nothing."""
    if duplicates == Duplicates.KEEP or not records:
        return records, 0, []
    kept = LedgerRecord.objects.filter(
        activity_type=activity_type,
        unit_id__in={r.unit_id for r in records},
        date__in={r.date for r in records},
    ).values_list("unit_id", "date", "title")
    seen = {repeat_key(unit, day, title) for unit, day, title in kept}
    fresh, errors = [], []
    for record in records:
        key = repeat_key(record.unit_id, record.date, record.title)
        if key in seen:
            message = _(
                "与已有记录重复（同一单位、活动类型、日期和标题）；如确需导入，请在「遇到重复记录」"
                "中选择跳过或全部导入"
            )
            errors.append(RowError(record._import_row, headers["title"], message))
        else:
            fresh.append(record)
        seen.add(key)
    if duplicates == Duplicates.SKIP:
        return fresh, len(records) - len(fresh), []
    return records, 0, errors


def log_import(*, user, activity_type: ActivityType, records: list[LedgerRecord], ip=None) -> None:
    """One operation-log entry for a whole import (the records' history rows are written
    by ``bulk_create_with_history``; bulk inserts send no per-record signal)."""
    request = getattr(HistoricalRecords.context, "request", None)
    ids = [r.pk for r in records if r.pk is not None]
    OperationLog.objects.create(
        time=timezone.now(),
        user=user if getattr(user, "pk", None) else None,
        action=OperationLog.Action.CREATE,
        model_label=LedgerRecord._meta.label_lower,
        model_name=str(LedgerRecord._meta.verbose_name),
        object_id=f"{min(ids)}-{max(ids)}" if ids else "",
        object_repr=(
            _("Excel 导入 %(count)d 条（%(type)s）")
            % {"count": len(records), "type": activity_type.name}
        )[:200],
        changes=[{"field": str(_("导入条数")), "old": "", "new": str(len(records))}],
        ip=ip or client_address(request),
        unit_id=getattr(user, "unit_id", None),  # read within the unit's data scope
        verb=str(_("导入")),
    )


def _row_errors(row, units: dict, headers: dict) -> list[RowError]:
    """Checks across cells and against the database: the unit, 实到 ≤ 应到."""
    errors = []
    code = row["unit_code"]
    if code:
        unit = units.get(code)
        if unit is None:
            message = _("单位编码 %(code)s 不存在或不在您的数据范围内") % {"code": code}
            errors.append(RowError(row.number, headers["unit_code"], message))
        elif not unit.is_active:
            message = _("单位 %(code)s（%(name)s）已停用，不能导入") % {
                "code": code,
                "name": unit.name,
            }
            errors.append(RowError(row.number, headers["unit_code"], message))
    expected, actual = row.get("expected_participants"), row.get("actual_participants")
    if expected is not None and actual is not None and actual > expected:
        message = _("实到人数（%(actual)d）不能多于应到人数（%(expected)d）") % {
            "actual": actual,
            "expected": expected,
        }
        errors.append(RowError(row.number, headers["actual_participants"], message))
    return errors


def _empty(key: str):
    return None if key in {"date"} else ""


def _column_order(spec: TableSpec, header: str) -> int:
    for index, column in enumerate(spec.columns):
        if column.header == header:
            return index
    return -1


def _model_errors(record: LedgerRecord, number: int, headers: dict) -> list[RowError]:
    """What ``full_clean`` would refuse, as row errors.

    FKs are checked above, and so is the one check constraint (实到 ≤ 应到, in
    ``_row_errors``): validating it here would cost a query per row.
    """
    try:
        record.full_clean(
            exclude=["unit", "activity_type", "created_by"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        return [
            RowError(number, headers.get(name, ""), str(message))
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return []


def run_import_job(job, progress) -> dict:
    """The background job of the import page (``luoshi.core.background``): the result shows
    the count, or the errors (``job_errors``) on the job page."""
    activity_type = ActivityType.objects.get(pk=job.params["activity_type"])
    with open(job.file, "rb") as uploaded:
        result = import_records(
            user=job.user,
            activity_type=activity_type,
            uploaded=uploaded,
            progress=progress,
            ip=job.params.get("ip"),
            duplicates=job.params.get("duplicates", Duplicates.REFUSE),
        )
    retry_file = ""
    if result.repeats:  # the same file answers 跳过/全部导入 without being uploaded again
        with open(job.file, "rb") as uploaded:
            retry_file = str(background.save_upload(File(uploaded), ".xlsx"))
    return {
        "activity_type": activity_type.name,
        "activity_type_code": activity_type.code,  # 重新上传 opens the form with this type
        "count": result.count,
        "skipped": result.skipped,
        "repeats": result.repeats,
        "retry_file": retry_file,
        **job_errors(result.errors),
    }

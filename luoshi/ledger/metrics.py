"""Metrics of the work ledger (registered in LedgerConfig.ready)."""

from django.db.models import Q

from luoshi.core.metrics import Metric, Narrow, adding, dates_between, fixed, period_filters
from luoshi.core.rollups import Source
from luoshi.ledger.models import ATTENDANCE_RECORDED, ActivityType, LedgerRecord


def _records(params):
    return LedgerRecord.objects.all()


def _prepare(params) -> dict:
    """The activity type's id for the list links (raises DoesNotExist for an unknown code),
    unless ``metrics.prepare_all`` added it already."""
    if params.get("activity_type") and not params.get("activity_type_id"):
        params["activity_type_id"] = ActivityType.objects.get(code=params["activity_type"]).pk
    return params


def _prepare_many(params_list: list[dict]) -> list[dict | None]:
    """``_prepare`` of every params from one query (None: an unknown activity type)."""
    codes = {params["activity_type"] for params in params_list if params.get("activity_type")}
    ids = dict(ActivityType.objects.filter(code__in=codes).values_list("code", "pk"))
    prepared: list[dict | None] = []
    for params in params_list:
        code = params.get("activity_type")
        if code and code not in ids:
            prepared.append(None)
        else:
            prepared.append({**params, "activity_type_id": ids[code]} if code else params)
    return prepared


# ``activity_type`` (a code, made an id by ``_prepare``): the records of that type;
# ``outlet_level``: 上稿 in these outlets' levels (e.g. 省级以上)
RECORD_NARROWS = (
    Narrow("activity_type_id", "activity_type_id", "activity_type"),
    Narrow("outlet_level", "outlet_level__in"),
)
_period = period_filters("date_from", "date_to")


def _with_evidence(start=None, end=None) -> Q:
    """At least one current evidence item (the flag the ledger keeps on every evidence
    write, ``LedgerRecord.has_evidence``)."""
    return Q(has_evidence=True)


# Records by ancestor unit, month and activity type, with how many have evidence.
LEDGER_ROLLUP = Source(
    key="ledger",
    records=lambda: _records({}),
    date="date",
    dim="activity_type_id",
    counted=_with_evidence,
    watch=(("ledger.LedgerRecord", None),),
)
ROLLUP_PARAMS = ("activity_type", "activity_type_id")


METRICS = [
    Metric(
        key="ledger_count",
        label="台账记录",
        measure_word="条",
        records=_records,
        in_period=dates_between("date"),
        list_url="ledger:list",
        narrows=RECORD_NARROWS,
        filters=_period,
        prepare=_prepare,
        prepare_many=_prepare_many,
        rollup=LEDGER_ROLLUP,
        rollup_params=ROLLUP_PARAMS,
        rollup_dim="activity_type_id",
        description="活动日期在期内的台账记录（参数 activity_type：只计该类活动）",
    ),
    Metric(
        key="evidence_completeness",
        label="台账佐证完整率",
        measure_word="条",
        records=_records,
        in_period=dates_between("date"),
        counted=_with_evidence,
        list_url="ledger:list",
        narrows=RECORD_NARROWS,
        filters=_period,
        prepare=_prepare,
        prepare_many=_prepare_many,
        rollup=LEDGER_ROLLUP,
        rollup_params=ROLLUP_PARAMS,
        rollup_dim="activity_type_id",
        count_filters=fixed(evidence="present"),
        count_label="有佐证记录",
        total_label="台账记录",
        description="期内台账记录中至少有一份现行佐证（文件或链接）的比例",
    ),
    Metric(
        key="ledger_without_evidence",
        label="无佐证记录",
        measure_word="条",
        records=lambda params: _records(params).exclude(_with_evidence()),
        in_period=dates_between("date"),
        list_url="ledger:list",
        narrows=RECORD_NARROWS,
        filters=adding(_period, evidence="missing"),
        prepare=_prepare,
        prepare_many=_prepare_many,
        rollup=LEDGER_ROLLUP,
        rollup_params=ROLLUP_PARAMS,
        rollup_dim="activity_type_id",
        rollup_rest=True,
        description="活动日期在期内、尚无现行佐证的台账记录（参数 activity_type：只计该类活动）",
    ),
    Metric(
        key="ledger_attendance",
        label="平均出勤率",
        measure_word="人次",
        records=lambda params: _records(params).filter(ATTENDANCE_RECORDED),
        in_period=dates_between("date"),
        counted=lambda start=None, end=None: Q(),
        summed="actual_participants",
        total_summed="expected_participants",
        list_url="ledger:list",
        narrows=RECORD_NARROWS,
        filters=adding(_period, attendance="true"),
        prepare=_prepare,
        prepare_many=_prepare_many,
        count_label="实到人次",
        total_label="应到人次",
        description="活动日期在期内、应到与实到人数都已填写的台账记录中，实到人数之和占应到"
        "人数之和的比例（参数 activity_type：只计该类活动，如中心组学习 study_group）",
    ),
    Metric(
        key="ledger_participants",
        label="参加人次",
        measure_word="人次",
        records=_records,
        in_period=dates_between("date"),
        list_url="ledger:list",
        narrows=RECORD_NARROWS,
        filters=_period,
        prepare=_prepare,
        summed="actual_participants",
        description="活动日期在期内的台账记录的实到人数之和（参数 activity_type：只计该类活动）",
    ),
    Metric(
        key="ledger_audience",
        label="受众人次",
        measure_word="人次",
        records=_records,
        in_period=dates_between("date"),
        list_url="ledger:list",
        narrows=RECORD_NARROWS,
        filters=_period,
        prepare=_prepare,
        summed="audience_count",
        description="活动日期在期内的台账记录的受众人数之和（参数 activity_type：只计该类活动）",
    ),
]

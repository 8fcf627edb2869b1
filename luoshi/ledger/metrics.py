"""Metrics of the work ledger (registered in LedgerConfig.ready)."""

from django.db.models import Exists, Q

from luoshi.core.metrics import Metric, dates_between


def _records(params):
    from luoshi.ledger.models import LedgerRecord

    records = LedgerRecord.objects.all()
    if params.get("activity_type"):
        records = records.filter(activity_type__code=params["activity_type"])
    return records


def _prepare(params) -> dict:
    """The activity type's id for the list links (raises DoesNotExist for an unknown code)."""
    if params.get("activity_type"):
        from luoshi.ledger.models import ActivityType

        params["activity_type_id"] = ActivityType.objects.get(code=params["activity_type"]).pk
    return params


def _period(params, start, end) -> dict:
    query = {"date_from": start.isoformat(), "date_to": end.isoformat()}
    if params.get("activity_type_id"):
        query["activity_type"] = params["activity_type_id"]
    return query


def _with_evidence(start, end) -> Q:
    from luoshi.evidence.selectors import current_evidence_of
    from luoshi.ledger.models import LedgerRecord

    return Q(Exists(current_evidence_of(LedgerRecord)))


METRICS = [
    Metric(
        key="ledger_count",
        label="台账记录",
        measure_word="条",
        records=_records,
        in_period=dates_between("date"),
        list_url="ledger:list",
        filters=_period,
        prepare=_prepare,
        description="活动日期在期内的台账记录（参数 activity_type：只计该类活动）",
    ),
    Metric(
        key="evidence_completeness",
        label="台账佐证完整率",
        measure_word="条",
        records=_records,
        in_period=dates_between("date"),
        counted=_with_evidence,
        semi_join=True,
        list_url="ledger:list",
        filters=_period,
        prepare=_prepare,
        count_filters=lambda params, start, end: {"evidence": "present"},
        count_label="有佐证记录",
        total_label="台账记录",
        description="期内台账记录中至少有一份现行佐证（文件或链接）的比例",
    ),
]

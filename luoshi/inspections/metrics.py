"""整改完成率 (registered in InspectionsConfig.ready)."""

from django.db.models import Q

from luoshi.core.metrics import Metric, dates_between
from luoshi.core.rollups import Source
from luoshi.inspections.models import OPEN_RECTIFICATION, RectificationItem, RectificationStatus


def _items(params):
    items = RectificationItem.objects.all()
    if params.get("plan"):  # the findings of one inspection (督查通报)
        items = items.filter(finding__plan_id=params["plan"])
    return items


def _period(params, start, end) -> dict:
    query = {"deadline_from": start.isoformat(), "deadline_to": end.isoformat()}
    if params.get("plan"):
        query["plan"] = params["plan"]
    return query


def _closed(start=None, end=None) -> Q:
    return Q(status=RectificationStatus.CLOSED)


def _open(params):
    return _items(params).filter(status__in=OPEN_RECTIFICATION)


RECTIFICATIONS_ROLLUP = Source(
    key="rectifications",
    records=lambda: _items({}),
    date="deadline",
    counted=_closed,
    watch=(("inspections.RectificationItem", None),),
)

METRICS = [
    Metric(
        key="rectification_rate",
        label="整改完成率",
        measure_word="项",
        records=_items,
        in_period=dates_between("deadline"),
        counted=_closed,
        rollup=RECTIFICATIONS_ROLLUP,
        list_url="inspections:items",
        filters=_period,
        count_filters=lambda params, start, end: {"status": "closed"},
        count_label="已整改销号",
        total_label="整改事项",
        description="整改期限在期内的整改事项中已销号的比例",
    ),
    Metric(
        key="rectifications_overdue",
        label="逾期未整改",
        measure_word="项",
        records=_open,
        in_period=dates_between("deadline"),
        due_only=True,
        list_url="inspections:items",
        filters=lambda params, start, end: {**_period(params, start, end), "overdue": "true"},
        description="整改期限在期内且已过（截至昨天）、仍待整改或退回重改的整改事项",
    ),
]

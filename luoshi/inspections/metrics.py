"""整改完成率 (registered in InspectionsConfig.ready)."""

from django.db.models import Q

from luoshi.core.metrics import Metric, dates_between


def _items(params):
    from luoshi.inspections.models import RectificationItem

    items = RectificationItem.objects.all()
    if params.get("plan"):  # the findings of one inspection (督查通报)
        items = items.filter(finding__plan_id=params["plan"])
    return items


def _period(params, start, end) -> dict:
    query = {"deadline_from": start.isoformat(), "deadline_to": end.isoformat()}
    if params.get("plan"):
        query["plan"] = params["plan"]
    return query


def _closed(start, end) -> Q:
    from luoshi.inspections.models import RectificationStatus

    return Q(status=RectificationStatus.CLOSED)


METRICS = [
    Metric(
        key="rectification_rate",
        label="整改完成率",
        measure_word="项",
        records=_items,
        in_period=dates_between("deadline"),
        counted=_closed,
        list_url="inspections:items",
        filters=_period,
        count_filters=lambda params, start, end: {"status": "closed"},
        count_label="已整改销号",
        total_label="整改事项",
        description="整改期限在期内的整改事项中已销号的比例",
    ),
]

"""整改完成率 (registered in InspectionsConfig.ready)."""

from django.db.models import Q

from luoshi.core.metrics import (
    Metric,
    Narrow,
    adding,
    dates_between,
    fixed,
    period_filters,
)
from luoshi.core.rollups import Source
from luoshi.inspections.models import (
    INSPECTING_SIDE,
    OPEN_RECTIFICATION,
    InspectionPlan,
    InspectionResult,
    RectificationItem,
    RectificationStatus,
)


def _items(params):
    return RectificationItem.objects.all()


def _in_status(status) -> Q:
    """``open``: 待整改或退回重改, as the list's status filter."""
    return Q(status__in=OPEN_RECTIFICATION) if status == "open" else Q(status=status)


# ``plan``: the findings of one inspection (督查通报); ``unit``: of one inspected unit (its
# own); ``status``: in that state.
ITEM_NARROWS = (
    Narrow("plan", "finding__plan_id"),
    Narrow("unit", "unit_id", own_unit=True),
    Narrow("status", _in_status),
)
_period = period_filters("deadline_from", "deadline_to")


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


def _plans(params):
    return InspectionPlan.objects.all()


def _inspected(params):
    """Each unit each plan inspected (its 督查结果), counted for the inspecting unit."""
    return InspectionResult.objects.seen_from(INSPECTING_SIDE)


METRICS = [
    Metric(
        key="inspection_plans",
        label="督查",
        measure_word="次",
        records=_plans,
        in_period=dates_between("starts_on"),
        list_url="inspections:plans",
        filters=period_filters("starts_on_from", "starts_on_to"),
        description="开始日期在期内的督查（督查单位为本单位或其下级）",
    ),
    Metric(
        key="inspected_units",
        label="被督查单位",
        measure_word="家次",
        records=_inspected,
        in_period=dates_between("plan__starts_on"),
        list_url="inspections:results",
        filters=period_filters("starts_on_from", "starts_on_to"),
        description="开始日期在期内的督查所督查的单位（督查单位为本单位或其下级；"
        "一个单位受两次督查计两家次）",
    ),
    Metric(
        key="rectification_rate",
        label="整改完成率",
        measure_word="项",
        records=_items,
        in_period=dates_between("deadline"),
        counted=_closed,
        rollup=RECTIFICATIONS_ROLLUP,
        list_url="inspections:items",
        narrows=ITEM_NARROWS,
        filters=_period,
        count_filters=fixed(status="closed"),
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
        narrows=ITEM_NARROWS,
        filters=adding(_period, overdue="true"),
        description="整改期限在期内且已过（截至昨天）、仍待整改或退回重改的整改事项",
    ),
    Metric(
        key="rectifications_unclosed",
        label="未销号整改事项",
        measure_word="项",
        records=lambda params: _items(params).exclude(_closed()),
        in_period=dates_between("deadline"),
        rollup=RECTIFICATIONS_ROLLUP,
        rollup_rest=True,
        list_url="inspections:items",
        narrows=ITEM_NARROWS,
        filters=adding(_period, open="true"),
        description="整改期限在期内、尚未销号（待整改、已提交待核验或退回重改）的整改事项",
    ),
    Metric(
        key="rectification_items",
        label="整改事项",
        measure_word="项",
        records=_items,
        in_period=dates_between("deadline"),
        list_url="inspections:items",
        narrows=ITEM_NARROWS,
        filters=_period,
        description="整改期限在期内的整改事项（参数 plan：某次督查；unit：某被督查单位；"
        "status：某一状态，open 为待整改或退回重改）",
    ),
]

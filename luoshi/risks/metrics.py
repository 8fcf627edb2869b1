"""风险点排查 (registered in RisksConfig.ready).

分析研判 meetings are measured by ``ledger_count`` (activity type ``analysis``): each meeting
writes exactly one ledger record of that type.
"""

from django.db.models import Q

from luoshi.core.metrics import (
    Metric,
    Narrow,
    date_params,
    dates_between,
    fixed,
    moments_between,
)
from luoshi.risks.models import RiskPoint, RiskStatus, Screening
from luoshi.risks.selectors import found_q


def _completed(params):
    return Screening.objects.filter(completed_at__isnull=False)


# the self-checks of one screening campaign
SCREENING_NARROWS = (Narrow("campaign", "campaign_id"),)


def _period(params, start, end) -> dict:
    return {"completed": "yes", **date_params("completed_from", "completed_to", start, end)}


def _points(params):
    return RiskPoint.objects.all()


# Risk points: ``area``, ``level``: one cell of the heat map; ``campaign``: the points
# registered by one screening campaign's self-checks; ``unit``: one unit's own (a row of a
# campaign's table).
POINT_NARROWS = (
    Narrow("area", "area_id"),
    Narrow("level", "level_id"),
    Narrow("campaign", "screening__campaign_id"),
    Narrow("unit", "unit_id", own_unit=True),
)


def _open(params):
    """Risk points not yet resolved (未化解), now."""
    return _points(params).exclude(status=RiskStatus.RESOLVED)


def _resolved(params):
    return _points(params).filter(status=RiskStatus.RESOLVED)


def _campaign_screenings(params):
    """The self-checks of screening campaigns."""
    return Screening.objects.filter(campaign__isnull=False)


# ``campaign``: of one; ``found``: ``risks`` those that found risk points, ``none`` those that
# declared none
CAMPAIGN_NARROWS = (*SCREENING_NARROWS, Narrow("found", found_q))


def _campaign_filters(params, start, end) -> dict:
    return date_params("deadline_from", "deadline_to", start, end)


def _completed_q(start=None, end=None) -> Q:
    return Q(completed_at__isnull=False)


def _identified_by(start, end) -> Q:
    """Identified on or before the period's end (and open now: a state, not an event)."""
    return Q() if end is None else Q(identified_on__lte=end)


def _open_filters(params, start, end) -> dict:
    return {"status": "open", **date_params("identified_from", "identified_to", None, end)}


def _points_filters(params, start, end) -> dict:
    return date_params("identified_from", "identified_to", None, end)


def _resolved_filters(params, start, end) -> dict:
    return {"status": "resolved", **date_params("identified_from", "identified_to", start, end)}


METRICS = [
    Metric(
        key="risk_screening",
        label="风险隐患排查",
        measure_word="次",
        records=_completed,
        in_period=moments_between("completed_at"),
        list_url="risks:screenings",
        narrows=SCREENING_NARROWS,
        filters=_period,
        description="完成日期在期内的风险隐患排查（专项排查的自查或单位自行发起的排查）",
    ),
    Metric(
        key="risks_open",
        label="未化解风险点",
        measure_word="个",
        records=_open,
        in_period=_identified_by,
        list_url="risks:list",
        narrows=POINT_NARROWS,
        filters=_open_filters,
        description="期末前识别、目前尚未化解的风险点（参数 area、level：某领域、某等级）",
    ),
    Metric(
        key="risks_resolved",
        label="年内识别并已化解的风险点",
        measure_word="个",
        records=_resolved,
        in_period=dates_between("identified_on"),
        list_url="risks:list",
        narrows=POINT_NARROWS,
        filters=_resolved_filters,
        description="识别日期在期内、已化解的风险点",
    ),
    Metric(
        key="risk_points",
        label="风险点",
        measure_word="个",
        records=_points,
        in_period=_identified_by,
        list_url="risks:list",
        narrows=POINT_NARROWS,
        filters=_points_filters,
        description="期末前识别的风险点，不论状态（参数 area、level：某领域、某等级；campaign：某专项排查登记的；unit：某单位本级的）",
    ),
    Metric(
        key="campaign_screenings",
        label="专项排查自查",
        measure_word="个",
        records=_campaign_screenings,
        in_period=dates_between("campaign__task__deadline"),
        list_url="risks:screenings",
        narrows=CAMPAIGN_NARROWS,
        filters=_campaign_filters,
        description="截止日期在期内的专项排查的自查（参数 campaign：某一专项排查；found：risks 发现风险点的、none 声明未发现的）",
    ),
    Metric(
        key="campaign_completion",
        label="自查完成率",
        measure_word="个",
        records=_campaign_screenings,
        in_period=dates_between("campaign__task__deadline"),
        counted=_completed_q,
        list_url="risks:screenings",
        narrows=CAMPAIGN_NARROWS,
        filters=_campaign_filters,
        count_filters=fixed(completed="yes"),
        count_label="已完成自查",
        total_label="应自查",
        description="截止日期在期内的专项排查的自查中已完成的比例（参数 campaign：某一专项排查）",
    ),
]

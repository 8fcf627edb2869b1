"""风险点排查 (registered in RisksConfig.ready).

分析研判 meetings are measured by ``ledger_count`` (activity type ``analysis``): each meeting
writes exactly one ledger record of that type.
"""

from django.db.models import Q

from luoshi.core.metrics import Metric, dates_between, moments_between
from luoshi.risks.models import RiskPoint, RiskStatus, Screening


def _completed(params):
    screenings = Screening.objects.filter(completed_at__isnull=False)
    if params.get("campaign"):  # the self-checks of one screening campaign
        screenings = screenings.filter(campaign_id=params["campaign"])
    return screenings


def _period(params, start, end) -> dict:
    query = {
        "completed": "yes",
        "completed_from": start.isoformat(),
        "completed_to": end.isoformat(),
    }
    if params.get("campaign"):
        query["campaign"] = params["campaign"]
    return query


def _points(params):
    """Risk points; params ``area``, ``level``: one cell of the heat map."""
    points = RiskPoint.objects.all()
    for name in ("area", "level"):
        if params.get(name):
            points = points.filter(**{f"{name}_id": params[name]})
    return points


def _open(params):
    """Risk points not yet resolved (未化解), now."""
    return _points(params).exclude(status=RiskStatus.RESOLVED)


def _resolved(params):
    return _points(params).filter(status=RiskStatus.RESOLVED)


def _cell(params) -> dict:
    return {name: params[name] for name in ("area", "level") if params.get(name)}


def _identified_by(start, end) -> Q:
    """Identified on or before the period's end (and open now: a state, not an event)."""
    return Q(identified_on__lte=end)


def _open_filters(params, start, end) -> dict:
    return {"status": "open", "identified_to": end.isoformat(), **_cell(params)}


def _points_filters(params, start, end) -> dict:
    return {"identified_to": end.isoformat(), **_cell(params)}


def _resolved_filters(params, start, end) -> dict:
    return {
        "status": "resolved",
        "identified_from": start.isoformat(),
        "identified_to": end.isoformat(),
        **_cell(params),
    }


METRICS = [
    Metric(
        key="risk_screening",
        label="风险隐患排查",
        measure_word="次",
        records=_completed,
        in_period=moments_between("completed_at"),
        list_url="risks:screenings",
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
        filters=_points_filters,
        description="期末前识别的风险点，不论状态（参数 area、level：某领域、某等级）",
    ),
]

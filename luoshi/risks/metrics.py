"""风险点排查 (registered in RisksConfig.ready).

分析研判 meetings are measured by ``ledger_count`` (activity type ``analysis``): each meeting
writes exactly one ledger record of that type.
"""

from django.db.models import Q

from luoshi.core.metrics import Metric, moments_between


def _completed(params):
    from luoshi.risks.models import Screening

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


def _open(params):
    """Risk points not yet resolved (未化解), now; params ``area``, ``level``: one cell of
    the heat map."""
    from luoshi.risks.models import RiskPoint, RiskStatus

    points = RiskPoint.objects.exclude(status=RiskStatus.RESOLVED)
    for name in ("area", "level"):
        if params.get(name):
            points = points.filter(**{f"{name}_id": params[name]})
    return points


def _open_filters(params, start, end) -> dict:
    query = {"status": "open"}
    for name in ("area", "level"):
        if params.get(name):
            query[name] = params[name]
    return query


def _now(start, end) -> Q:
    """A state, not an event of a period: every open risk point counts in any period."""
    return Q(pk__isnull=False)


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
        in_period=_now,
        list_url="risks:list",
        filters=_open_filters,
        description="当前尚未化解的风险点（不分期间；参数 area、level：某领域、某等级）",
    ),
]

"""风险点排查 (registered in RisksConfig.ready).

分析研判 meetings are measured by ``ledger_count`` (activity type ``analysis``): each meeting
writes exactly one ledger record of that type.
"""

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
]

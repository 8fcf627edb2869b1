"""Indicators measured from the ledger (registered in LedgerConfig.ready)."""

from urllib.parse import urlencode

from django.urls import reverse

from luoshi.core.indicators import Measure, records, register
from luoshi.ledger.models import ActivityType, LedgerRecord


@register("ledger_count", "台账记录计数")
def ledger_count(params, *, user, unit, subtree, start, end) -> Measure:
    """Ledger records of activity type ``params['activity_type']`` (a code) in the period;
    ``url`` opens the ledger list filtered to exactly those records."""
    activity_type = ActivityType.objects.get(code=params["activity_type"])
    counted = records(
        LedgerRecord.objects.filter(activity_type=activity_type, date__gte=start, date__lte=end),
        user=user,
        unit=unit,
        subtree=subtree,
    )
    query = {
        "unit": unit.pk,
        "unit_scope": "subtree" if subtree else "own",
        "activity_type": activity_type.pk,
        "date_from": start.isoformat(),
        "date_to": end.isoformat(),
    }
    return Measure(count=counted.count(), url=f"{reverse('ledger:list')}?{urlencode(query)}")

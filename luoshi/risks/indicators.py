"""Indicators measured from the risk module (registered in RisksConfig.ready).

分析研判 meetings are measured by ``ledger_count`` (activity type ``analysis``): each
meeting writes exactly one ledger record of that type.
"""

import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from luoshi.core.indicators import Measure, records, register
from luoshi.risks.models import Screening


def completed_between(queryset, start=None, end=None):
    """Screenings completed on a local date within [start, end]."""
    tz = timezone.get_current_timezone()
    if start:
        since = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
        queryset = queryset.filter(completed_at__gte=since)
    if end:
        until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
        queryset = queryset.filter(completed_at__lt=until.replace(tzinfo=tz))
    return queryset


@register("risk_screening", "风险点排查")
def risk_screening(params, *, user, unit, subtree, start, end) -> Measure:
    """Screenings (a campaign self-check or one the unit started itself) completed in the
    period; ``url`` lists exactly those screenings."""
    screenings = records(
        completed_between(Screening.objects.filter(completed_at__isnull=False), start, end),
        user=user,
        unit=unit,
        subtree=subtree,
    )
    query = {
        "unit": unit.pk,
        "unit_scope": "subtree" if subtree else "own",
        "completed": "yes",
        "completed_from": start.isoformat(),
        "completed_to": end.isoformat(),
    }
    return Measure(
        count=screenings.count(), url=f"{reverse('risks:screenings')}?{urlencode(query)}"
    )

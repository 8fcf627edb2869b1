"""讲座论坛 100% 备案: events held in the period that were approved before they began."""

from urllib.parse import urlencode

from django.db.models import F
from django.urls import reverse

from luoshi.core.indicators import Measure, records, register
from luoshi.events.selectors import held_in_period


@register("event_filing_rate", "讲座论坛备案率")
def event_filing_rate(params, *, user, unit, subtree, start, end) -> Measure:
    """count: held events approved before their start; total: held events; ``url`` lists
    exactly the counted events."""
    held = records(held_in_period(start=start, end=end), user=user, unit=unit, subtree=subtree)
    timely = held.filter(approved_at__isnull=False, approved_at__lte=F("start_at"))
    query = {
        "unit": unit.pk,
        "unit_scope": "subtree" if subtree else "own",
        "status": "held",
        "date_from": start.isoformat(),
        "date_to": end.isoformat(),
        "timely": "yes",
    }
    return Measure(
        count=timely.count(),
        total=held.count(),
        url=f"{reverse('events:list')}?{urlencode(query)}",
    )

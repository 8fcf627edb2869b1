"""Indicators measured from 督查整改 (registered in InspectionsConfig.ready)."""

from urllib.parse import urlencode

from django.urls import reverse

from luoshi.core.indicators import Measure, records, register
from luoshi.inspections.models import RectificationItem, RectificationStatus


@register("rectification_rate", "整改完成率")
def rectification_rate(params, *, user, unit, subtree, start, end) -> Measure:
    """Of the rectification items of the unit (or its subtree) due in [start, end]:
    ``count`` closed out (销号), ``total`` due. The url lists exactly the ``total`` items."""
    items = records(
        RectificationItem.objects.filter(deadline__gte=start, deadline__lte=end),
        user=user,
        unit=unit,
        subtree=subtree,
    )
    query = {
        "unit": unit.pk,
        "unit_scope": "subtree" if subtree else "own",
        "deadline_from": start.isoformat(),
        "deadline_to": end.isoformat(),
    }
    return Measure(
        count=items.filter(status=RectificationStatus.CLOSED).count(),
        total=items.count(),
        url=f"{reverse('inspections:items')}?{urlencode(query)}",
    )

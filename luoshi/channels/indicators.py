"""Indicators measured from the channel registry (registered in ChannelsConfig.ready)."""

from urllib.parse import urlencode

from django.urls import reverse

from luoshi.channels import selectors
from luoshi.channels.filters import STATUS_ALL
from luoshi.channels.models import Channel
from luoshi.core.indicators import Measure, records, register


def channel_check_query(*, unit, subtree, start, end, checked: bool) -> dict:
    query = {
        "unit": unit.pk,
        "unit_scope": "subtree" if subtree else "own",
        "status": STATUS_ALL,
        "active_on": end.isoformat(),
    }
    if checked:
        query.update(checked_from=start.isoformat(), checked_to=end.isoformat())
    return query


@register("channel_check_rate", "阵地检查")
def channel_check_rate(params, *, user, unit, subtree, start, end) -> Measure:
    """Share of the channels open at the end of the period that were checked in the period.

    ``total``: channels opened by ``end`` and not closed by then; ``count``: those of them
    with at least one check dated in [start, end]; ``url`` lists exactly the counted ones
    (drop ``checked_from``/``checked_to`` from it for the total).
    """
    channels = records(
        Channel.objects.filter(selectors.active_on_q(end)), user=user, unit=unit, subtree=subtree
    )
    checked = selectors.checked_between(channels, start, end)
    query = channel_check_query(unit=unit, subtree=subtree, start=start, end=end, checked=True)
    return Measure(
        count=checked.count(),
        total=channels.count(),
        url=f"{reverse('channels:list')}?{urlencode(query)}",
    )

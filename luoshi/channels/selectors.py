"""Reads of channels."""

from django.db.models import Q
from django.utils import timezone

from luoshi.channels.models import Channel, ChannelCheck, ChannelStatus
from luoshi.channels.workflow import CHANNEL_FLOW
from luoshi.core import metrics


def channels_for(user):
    return Channel.objects.for_user(user).select_related(
        "unit", "channel_type", "administrator", "created_by"
    )


def overdue_q(today=None) -> Q:
    today = today or timezone.localdate()
    return Q(status=ChannelStatus.ACTIVE, next_check_due__lt=today)


def active_on_q(day) -> Q:
    """Channels open on ``day``: opened by then and not closed by then."""
    return Q(opened_on__lte=day) & (Q(closed_on__isnull=True) | Q(closed_on__gt=day))


def checked_between(queryset, start=None, end=None):
    """Channels of ``queryset`` with at least one check dated within [start, end]."""
    checks = ChannelCheck.objects.all()
    if start:
        checks = checks.filter(checked_on__gte=start)
    if end:
        checks = checks.filter(checked_on__lte=end)
    return queryset.filter(pk__in=checks.values("channel_id"))


def checks_of(channel: Channel):
    return channel.checks.select_related("checker").prefetch_related("evidence")


def steps_of(channel: Channel):
    return CHANNEL_FLOW.history(channel)


def summary(user, unit, subtree: bool = True) -> dict:
    """The list's line 「在用 n 个，检查逾期 n 个，已关闭 n 个」 for ``unit`` (or its subtree):
    the ``channels`` metric by status (one GROUP BY) and of the overdue ones, each number
    with the link of the channels it counts."""
    today = timezone.localdate()
    by_status = metrics.breakdown(
        "channels",
        user=user,
        unit=unit,
        subtree=subtree,
        fields=("status",),
        start=today,
        end=today,
        cells=[(ChannelStatus.ACTIVE,), (ChannelStatus.CLOSED,)],
    )
    overdue = metrics.value(
        "channels",
        user=user,
        unit=unit,
        subtree=subtree,
        start=today,
        end=today,
        params={"overdue": "yes"},
    )
    return {
        "unit": unit,
        "active": by_status[(ChannelStatus.ACTIVE,)],
        "overdue": overdue,
        "closed": by_status[(ChannelStatus.CLOSED,)],
    }

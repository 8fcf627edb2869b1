"""阵地检查 (registered in ChannelsConfig.ready)."""

from django.db.models import Exists, OuterRef, Q

from luoshi.channels.filters import STATUS_ALL
from luoshi.channels.models import Channel, ChannelCheck
from luoshi.channels.selectors import active_on_q, overdue_q
from luoshi.core.metrics import Metric


def _channels(params):
    return Channel.objects.all()


def _open_at_end(start, end) -> Q:
    return active_on_q(end)


def _checked(start, end) -> Q:
    checks = ChannelCheck.objects.filter(
        channel=OuterRef("pk"), checked_on__gte=start, checked_on__lte=end
    )
    return Q(Exists(checks))


def _period(params, start, end) -> dict:
    return {"status": STATUS_ALL, "active_on": end.isoformat()}


def _registered(params):
    """Channels now (params ``status``: in that state; ``overdue``: only those whose check
    is overdue, ``selectors.overdue_q``)."""
    channels = _channels(params)
    if params.get("status"):
        channels = channels.filter(status=params["status"])
    if params.get("overdue") == "yes":
        channels = channels.filter(overdue_q())
    return channels


def _registered_filters(params, start, end) -> dict:
    query = {"status": params.get("status") or STATUS_ALL}
    if params.get("overdue") == "yes":
        query["overdue"] = "yes"
    return query


def _now(start, end) -> Q:
    """A state, not an event of a period: every channel counts in any period."""
    return Q(pk__isnull=False)


METRICS = [
    Metric(
        key="channel_check_rate",
        label="阵地检查率",
        measure_word="个",
        records=_channels,
        in_period=_open_at_end,
        counted=_checked,
        list_url="channels:list",
        filters=_period,
        count_filters=lambda params, start, end: {
            "checked_from": start.isoformat(),
            "checked_to": end.isoformat(),
        },
        count_label="已检查阵地",
        total_label="期末在册阵地",
        description="期末在册（已开设、未关闭）的阵地中期内至少检查一次的比例",
    ),
    Metric(
        key="channels",
        label="阵地",
        measure_word="个",
        records=_registered,
        in_period=_now,
        list_url="channels:list",
        filters=_registered_filters,
        description="当前登记的阵地（不分期间；参数 status：某状态；overdue=yes：检查逾期）",
    ),
]

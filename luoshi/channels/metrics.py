"""阵地检查 (registered in ChannelsConfig.ready)."""

from django.db.models import Exists, OuterRef, Q

from luoshi.core.metrics import Metric


def _channels(params):
    from luoshi.channels.models import Channel

    return Channel.objects.all()


def _open_at_end(start, end) -> Q:
    from luoshi.channels.selectors import active_on_q

    return active_on_q(end)


def _checked(start, end) -> Q:
    from luoshi.channels.models import ChannelCheck

    checks = ChannelCheck.objects.filter(
        channel=OuterRef("pk"), checked_on__gte=start, checked_on__lte=end
    )
    return Q(Exists(checks))


def _period(params, start, end) -> dict:
    from luoshi.channels.filters import STATUS_ALL

    return {"status": STATUS_ALL, "active_on": end.isoformat()}


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
]

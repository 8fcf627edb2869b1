from django.utils.translation import gettext_lazy as _

from luoshi.channels.models import Channel, ChannelStatus
from luoshi.core.workflow import Transition, Workflow

CHANNEL_FLOW = Workflow(
    "luoshi_channels.channel",
    model=Channel,
    frozen=[ChannelStatus.CLOSED],
    transitions=[
        Transition(
            "close",
            _("关闭阵地"),
            source=ChannelStatus.ACTIVE,
            target=ChannelStatus.CLOSED,
            permission="luoshi_channels.change_channel",
            comment_required=True,
            confirm=_("关闭后该阵地停止使用，不能重新开启，也不能再登记检查；确定关闭吗？"),
        ),
    ],
)

"""What 阵地管理 plugs into core: channel types, the 阵地与舆情 role grants (with
舆情事件处置, luoshi.incidents) and its part of the demo."""

from luoshi.core import registry
from luoshi.core.defaults import EDIT, VIEW

# 阵地管理 (luoshi.channels) and 舆情事件处置 (luoshi.incidents): role grants.
CHANNEL_INCIDENT_GRANTS = registry.module_grants(
    "阵地与舆情",
    {
        "unit_admin": {
            "luoshi_channels.channel": EDIT,
            "luoshi_channels.channelcheck": EDIT,
            "incidents.incident": EDIT,
        },
        "leader": {
            "luoshi_channels.channel": VIEW,
            "luoshi_channels.channelcheck": VIEW,
            "incidents.incident": VIEW,
        },
        "clerk": {
            "luoshi_channels.channel": ["view", "add", "change"],
            "luoshi_channels.channelcheck": ["view", "add"],
            "incidents.incident": ["view", "add", "change"],
        },
        "reviewer": {
            "luoshi_channels.channel": VIEW,
            "luoshi_channels.channelcheck": VIEW,
            "incidents.incident": VIEW,
        },
        "inspector": {
            "luoshi_channels.channel": VIEW,
            "luoshi_channels.channelcheck": ["view", "add"],
            "incidents.incident": VIEW,
        },
    },
)

CHANNEL_TYPES = [
    ("portal", "门户网站"),
    ("wechat", "微信公众号"),
    ("weibo", "微博"),
    ("video", "抖音/视频号"),
    ("board", "宣传栏/电子屏"),
    ("hall", "讲堂/场馆"),
    ("other", "其他"),
]

registry.dictionary("luoshi_channels.ChannelType", ("code", "name"), CHANNEL_TYPES)
registry.demo_builder(20, "luoshi.channels.demo.ensure_channels")

"""What 舆情事件处置 plugs into core: platforms (its role grants are with 阵地管理,
``luoshi.channels.plugin``) and its part of the demo."""

from luoshi.core import registry

INCIDENT_PLATFORMS = [
    ("own_site", "本单位网站/公众号"),
    ("wechat", "微信"),
    ("weibo", "微博"),
    ("short_video", "抖音/快手/视频号"),
    ("news_app", "新闻客户端"),
    ("forum", "本地论坛/贴吧"),
    ("message_board", "领导留言板"),
    ("hotline", "12345 热线"),
    ("offline", "线下反映"),
    ("other", "其他"),
]

registry.dictionary("incidents.Platform", ("code", "name"), INCIDENT_PLATFORMS)
registry.demo_builder(30, "luoshi.incidents.demo.ensure_incidents")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "luoshi.channels"
    label = "channels"
    verbose_name = _("阵地管理")

    def ready(self):
        from luoshi.channels.metrics import METRICS
        from luoshi.core.metrics import register

        register(*METRICS)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "luoshi.events"
    label = "events"
    verbose_name = _("讲座论坛备案")

    def ready(self):
        from luoshi.core.metrics import register
        from luoshi.events.metrics import METRICS

        register(*METRICS)

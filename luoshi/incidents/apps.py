from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "luoshi.incidents"
    label = "incidents"
    verbose_name = _("舆情事件处置")

    def ready(self):
        from luoshi.core.metrics import register
        from luoshi.incidents.metrics import METRICS

        register(*METRICS)

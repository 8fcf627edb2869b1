from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "luoshi.duty"
    label = "duty"
    verbose_name = _("责任清单")

    def ready(self):
        from luoshi.core.metrics import register
        from luoshi.duty.metrics import METRICS

        register(*METRICS)

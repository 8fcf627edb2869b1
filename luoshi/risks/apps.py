from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    name = "luoshi.risks"
    label = "risks"
    verbose_name = _("风险防控")

    def ready(self):
        from luoshi.core.metrics import register
        from luoshi.risks.metrics import METRICS

        register(*METRICS)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatformsConfig(AppConfig):
    name = "luoshi.statforms"
    label = "statforms"
    verbose_name = _("统计报表")

    def ready(self):
        from luoshi.core.metrics import register
        from luoshi.statforms import signals  # noqa: F401  (a scheduled task becomes a form task)
        from luoshi.statforms.metrics import METRICS

        register(*METRICS)

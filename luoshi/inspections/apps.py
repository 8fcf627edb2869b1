from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "luoshi.inspections"
    label = "inspections"
    verbose_name = _("督查整改")

    def ready(self):
        from luoshi.core.metrics import register
        from luoshi.inspections.metrics import METRICS

        register(*METRICS)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "luoshi.assessment"
    verbose_name = _("考核评价")

    def ready(self):
        from luoshi.assessment.metrics import METRICS
        from luoshi.core.metrics import register

        register(*METRICS)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    name = "luoshi.risks"
    label = "risks"
    verbose_name = _("风险防控")

    def ready(self):
        from luoshi.risks import indicators  # noqa: F401

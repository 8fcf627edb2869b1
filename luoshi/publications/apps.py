from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationsConfig(AppConfig):
    name = "luoshi.publications"
    label = "publications"
    verbose_name = _("信息发布三审")

    def ready(self):
        from luoshi.core.metrics import register
        from luoshi.publications.metrics import METRICS

        register(*METRICS)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "luoshi.audit"
    label = "audit"
    verbose_name = _("系统日志")

    def ready(self):
        from luoshi.audit import signals  # noqa: F401

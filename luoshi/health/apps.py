from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "luoshi.health"
    verbose_name = _("运行状态")

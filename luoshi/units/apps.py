from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "luoshi.units"
    label = "units"
    verbose_name = _("单位管理")

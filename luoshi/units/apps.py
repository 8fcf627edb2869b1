from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "luoshi.units"
    label = "units"
    verbose_name = _("单位管理")

    def ready(self):
        from luoshi.core import background
        from luoshi.units import importing

        background.register(
            "units.excel",
            label=_("Excel 导入单位"),
            handler=importing.run_import_job,
            template="units/import_result.html",
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "luoshi.accounts"
    label = "accounts"
    verbose_name = _("人员与角色")

    def ready(self):
        from luoshi.accounts import (
            checks,  # noqa: F401
            importing,
            signals,  # noqa: F401
        )
        from luoshi.core import background

        background.register(
            "accounts.excel",
            label=_("Excel 导入人员"),
            handler=importing.run_import_job,
            template="units/import_result.html",
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "luoshi.exchange"
    verbose_name = _("数据包上报")

    def ready(self):
        from luoshi.core import background
        from luoshi.exchange.services import run_package_job

        background.register(
            "exchange.check",
            label=_("数据包校验"),
            handler=run_package_job,
            template="exchange/_report.html",
            keep_file=True,  # imported on confirmation, or deleted on cancel / after 24 h
        )
        background.register(
            "exchange.import",
            label=_("数据包导入"),
            handler=run_package_job,
            template="exchange/_report.html",
        )

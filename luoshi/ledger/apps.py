from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "luoshi.ledger"
    label = "ledger"
    verbose_name = _("工作台账")

    def ready(self):
        from luoshi.core.metrics import register
        from luoshi.ledger.metrics import METRICS

        register(*METRICS)

        from luoshi.ledger import signals

        signals.connect()

        from luoshi.core import background
        from luoshi.ledger import importing

        background.register(
            "ledger.excel",
            label=_("Excel 导入台账"),
            handler=importing.run_import_job,
            template="ledger/import_result.html",
        )

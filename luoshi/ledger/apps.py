from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "luoshi.ledger"
    label = "ledger"
    verbose_name = _("工作台账")

    def ready(self):
        from luoshi.ledger import indicators  # noqa: F401

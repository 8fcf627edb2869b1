from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "luoshi.accounts"
    label = "accounts"
    verbose_name = _("人员与角色")

    def ready(self):
        from luoshi.accounts import signals  # noqa: F401

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "luoshi.channels"
    # Not "channels": that label belongs to the Django Channels package. The tables keep
    # their channels_* names (db_table); manage.py rename_app_labels upgrades a database.
    label = "luoshi_channels"
    verbose_name = _("阵地管理")

    def ready(self):
        from luoshi.channels.metrics import METRICS
        from luoshi.core.metrics import register

        register(*METRICS)

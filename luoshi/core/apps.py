from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "luoshi.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from luoshi.core import figure_cache, labels, rollups, signals, todo  # noqa: F401

        rollups.connect()
        figure_cache.connect()

        # Each app's ``plugin`` module declares what it adds (luoshi.core.registry), as
        # Django's admin finds ``admin`` modules: core names no feature app.
        autodiscover_modules("plugin")

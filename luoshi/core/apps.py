from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "luoshi.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from luoshi.core import signals  # noqa: F401

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "luoshi.tasks"
    label = "tasks"
    verbose_name = _("任务交办")

    def ready(self):
        from luoshi.core.metrics import register
        from luoshi.tasks.metrics import METRICS

        register(*METRICS)

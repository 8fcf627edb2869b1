from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """The last sign of life of one background worker (``luoshi run_worker``), written every
    ``WORKER_HEARTBEAT_SECONDS``; /healthz reads the newest one."""

    worker_id = models.CharField(_("工作进程"), max_length=64, unique=True)
    hostname = models.CharField(_("主机"), max_length=255)
    pid = models.PositiveIntegerField(_("进程号"))
    started_at = models.DateTimeField(_("启动时间"))
    seen_at = models.DateTimeField(_("最近心跳"), db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = _("后台任务心跳")

    def __str__(self):
        return f"{self.worker_id}@{self.hostname}"

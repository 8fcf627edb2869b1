"""``luoshi run_worker``: django-tasks-db's ``db_worker`` (same options) that also writes a
heartbeat (luoshi.health) at start and every WORKER_HEARTBEAT_SECONDS while it runs, so that
/healthz can tell a running worker from a dead one."""

import logging
import threading

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from luoshi.health.checks import beat

logger = logging.getLogger(__name__)


def _beat_until(stop: threading.Event, worker_id: str, started_at) -> None:
    while not stop.wait(settings.WORKER_HEARTBEAT_SECONDS):
        try:
            beat(worker_id, started_at)
        except Exception:
            logger.exception("worker heartbeat failed")
        finally:
            connection.close()  # this thread's own connection


class Command(DbWorkerCommand):
    help = "运行后台任务（db_worker），并定时写入心跳供 /healthz 检查"

    def handle(self, *args, **options):
        worker_id = options.get("worker_id") or get_random_string(32)
        options["worker_id"] = worker_id
        started_at = timezone.now()
        beat(worker_id, started_at)
        stop = threading.Event()
        heart = threading.Thread(
            target=_beat_until, args=(stop, worker_id, started_at), daemon=True
        )
        heart.start()
        try:
            return super().handle(*args, **options)
        finally:
            stop.set()
            heart.join(timeout=5)

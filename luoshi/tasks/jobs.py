"""Background work through Django's ``django.tasks`` (the django-tasks-db backend and its
``db_worker`` in deployment; ``manage.py run_schedules`` does the same for cron).

``daily_job`` issues the period's tasks of reporting schedules and sends reminders (task and
rectification deadlines), then (with ``reschedule``) queues itself for tomorrow morning.
Every step is idempotent, so a duplicate run, or cron and the worker both running, is
harmless.
"""

from __future__ import annotations

import datetime
import logging

from django.tasks import task, task_backends
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from luoshi.core import registry
from luoshi.core.dates import local_moment
from luoshi.tasks.services import run_schedules, send_reminders

logger = logging.getLogger(__name__)

DAILY_AT = datetime.time(1, 0)


def next_run_at(now: datetime.datetime | None = None) -> datetime.datetime:
    now = timezone.localtime(now)
    tomorrow = now.date() + datetime.timedelta(days=1)
    return local_moment(tomorrow, DAILY_AT)


def run_daily(today: datetime.date | None = None) -> dict:
    """This module's schedules and reminders, then every job other modules registered
    (``registry.daily_job``, e.g. rectification reminders)."""
    today = today or timezone.localdate()
    issued = run_schedules(today)
    reminded = send_reminders(today)
    summary = {
        "date": today.isoformat(),
        "tasks": issued.tasks,
        "assignments": issued.assignments,
        "reminders": reminded.upcoming,
        "overdue_notices": reminded.overdue + reminded.issuers,
    }
    for name, job in registry.DAILY_JOBS.items():
        summary[name] = job(today)
    logger.info("tasks daily job: %s", summary)
    return summary


@task
def daily_job(date: str | None = None, reschedule: bool = False) -> dict:
    summary = run_daily(datetime.date.fromisoformat(date) if date else None)
    if reschedule:
        enqueue_daily(run_after=next_run_at())
    return summary


def _already_queued() -> bool:
    """True if the database backend already holds a waiting daily job."""
    backend = task_backends[daily_job.backend]
    if not type(backend).__module__.startswith("django_tasks_db"):
        return False
    return DBTaskResult.objects.filter(task_path=daily_job.module_path, status="READY").exists()


def enqueue_daily(run_after: datetime.datetime | None = None):
    """Queue the self-rescheduling daily job unless one is already waiting.

    Only backends that can defer (django-tasks-db) get the chain; elsewhere the job runs
    once (ImmediateBackend runs it at once) and cron drives the command instead.
    """
    backend = task_backends[daily_job.backend]
    if not backend.supports_defer:
        return daily_job.enqueue()
    if _already_queued():
        return None
    job = daily_job.using(run_after=run_after) if run_after else daily_job
    return job.enqueue(reschedule=True)

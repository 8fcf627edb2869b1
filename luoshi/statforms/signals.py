"""A task a form schedule issues becomes a form task as it is created (``run_schedules``
knows nothing of forms)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from luoshi.statforms.services import attach_to_scheduled
from luoshi.tasks.models import Task


@receiver(post_save, sender=Task, dispatch_uid="statforms-scheduled-task")
def scheduled_task_created(sender, instance: Task, created: bool, raw: bool = False, **kwargs):
    if created and not raw and instance.schedule_id:
        attach_to_scheduled(instance)

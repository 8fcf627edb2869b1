"""Reads of tasks and assignments, always through the one scope mechanism.

* ``tasks_for(user)``: tasks whose *issuing* unit is in the user's scope.
* ``inbox_for(user)``: assignments whose *recipient* unit is in the user's scope.
* ``assignments_for(user)``: both sides — the recipient's own, plus every assignment of a
  task the user sees as issuer (reached through ``Task.objects.for_user``).
"""

from __future__ import annotations

import datetime

from luoshi.accounts.models import User
from luoshi.accounts.selectors import holders_of
from luoshi.core import metrics
from luoshi.core.scope import reach_q, scope_q
from luoshi.tasks.models import (
    BUSINESS_LINE,
    AssignmentStatus,
    ReportingSchedule,
    Task,
    TaskAssignment,
)
from luoshi.units.models import Unit


def tasks_for(user):
    return (
        Task.objects.for_user(user)
        .select_related("unit", "created_by", "schedule")
        .order_by("-deadline", "-id")
    )


def with_figures(tasks, user, today: datetime.date | None = None) -> list[Task]:
    """``tasks`` (a page of a list, a chunk of its export) with the task page's figures on
    each: ``recipients`` (接收单位, withdrawn ones left out), ``submitted`` (已提交, awaiting
    review) and ``accepted`` (已采纳), each a metric ``Value`` linking to the assignments
    it counts; three queries whatever the number of tasks (``metrics.per_object``)."""
    tasks = list(tasks)

    def per_task(key, **params):
        return metrics.per_object(key, tasks, user=user, param="task", params=params, today=today)

    recipients = per_task("tasks_assigned")
    submitted = per_task("task_recipients", status=AssignmentStatus.SUBMITTED)
    accepted = per_task("task_recipients", status=AssignmentStatus.ACCEPTED)
    for task in tasks:
        task.recipients = recipients[task.pk]
        task.submitted = submitted[task.pk]
        task.accepted = accepted[task.pk]
    return tasks


def schedules_for(user):
    return ReportingSchedule.objects.for_user(user).select_related("unit", "subtree_root")


def inbox_for(user):
    """What the user's unit (and, with a wider scope, the units below) has been asked to do;
    tasks issued by the user's own unit are in 我发出的任务, not here."""
    assignments = TaskAssignment.objects.filter(scope_q(user, TaskAssignment.scope_spec))
    if user.unit_id:
        assignments = assignments.exclude(task__unit_id=user.unit_id)
    return assignments.select_related("task", "task__unit", "unit")


def assignments_for(user):
    return TaskAssignment.objects.for_user(user).select_related(
        "task", "task__unit", "unit", "submitted_by"
    )


def recipient_choices(user, issuing_unit: Unit | None = None):
    """Units a task may go to: active, in the user's scope or directed by the user's unit
    along the task line (业务指导范围); with ``issuing_unit``, strictly below it or directed
    by it."""
    units = Unit.objects.within_reach(user, BUSINESS_LINE).filter(is_active=True)
    if issuing_unit is not None:
        units = units.filter(
            reach_q(issuing_unit, Unit.scope_spec, BUSINESS_LINE, user=user)
        ).exclude(pk=issuing_unit.pk)
    return units


def submitters_of(unit_ids) -> list[User]:
    """Active users of these units who may submit (the 催办 and reminder recipients)."""
    return holders_of("tasks.change_taskassignment", unit_ids)


def overview(task: Task, user, today: datetime.date | None = None, *, rows: bool = True) -> dict:
    """Units × status of one task, with the on-time rate: the metrics of the task's rows
    (``metrics.of_object``, each number linking to the assignments it counts).

    ``rows=False`` leaves the per-unit rows out (the page shows them a page at a time, the
    export wants them all)."""
    one = {"task": task.pk}
    by_status = metrics.breakdown_of_object(
        "task_recipients",
        user=user,
        params=one,
        fields=("status",),
        cells=[(status,) for status in AssignmentStatus.values],
        today=today,
    )
    return {
        "rows": assignment_rows(task) if rows else None,
        # 接收单位: a withdrawn assignment was never due
        "total": metrics.of_object("tasks_assigned", user=user, params=one, today=today),
        "status_counts": [
            (AssignmentStatus(status).label, value)
            for (status,), value in by_status.items()
            if value.count or status != AssignmentStatus.WITHDRAWN
        ],
        # 按时报送率 of the recipients whose deadline has passed (「—」 before it)
        "on_time": metrics.of_object("task_series", user=user, params=one, today=today),
        # 逾期未报: past the deadline and never submitted (a late or returned report is not)
        "open_overdue": metrics.of_object("tasks_overdue", user=user, params=one, today=today),
    }


def assignment_rows(task: Task):
    """The assignments of ``task`` in tree order, each knowing its task (no extra query)."""
    rows = list(task.assignments.select_related("unit", "submitted_by").order_by("unit__path"))
    for row in rows:
        row.task = task
    return rows

"""Reads of tasks and assignments, always through the one scope mechanism.

* ``tasks_for(user)``: tasks whose *issuing* unit is in the user's scope.
* ``inbox_for(user)``: assignments whose *recipient* unit is in the user's scope.
* ``assignments_for(user)``: both sides — the recipient's own, plus every assignment of a
  task the user sees as issuer (reached through ``Task.objects.for_user``).
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from luoshi.accounts.models import User
from luoshi.accounts.selectors import holders_of
from luoshi.core.dates import day_start
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
        .annotate(
            assignment_count=Count("assignments", distinct=True),
            submitted_count=Count(
                "assignments",
                filter=Q(assignments__first_submitted_at__isnull=False),
                distinct=True,
            ),
            accepted_count=Count(
                "assignments",
                filter=Q(assignments__status=AssignmentStatus.ACCEPTED),
                distinct=True,
            ),
        )
        .order_by("-deadline", "-id")
    )


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


def overview(task: Task, today: datetime.date | None = None, *, rows: bool = True) -> dict:
    """Units × status of one task, with the on-time rate (first submission ≤ deadline).

    The figures are one SQL aggregate, so a task sent to 10,000 units costs no more than
    one sent to ten; ``rows=False`` leaves the per-unit rows out (the page shows them a
    page at a time, the export wants them all)."""
    today = today or timezone.localdate()
    # first submission on or before the deadline, as a local date
    day_after = day_start(task.deadline + datetime.timedelta(days=1))
    submitted = Q(first_submitted_at__isnull=False)
    on_time_q = submitted & Q(first_submitted_at__lt=day_after)
    past_deadline = today > task.deadline
    figures = task.assignments.aggregate(
        total=Count("pk", filter=~Q(status=AssignmentStatus.WITHDRAWN)),  # never due
        submitted=Count("pk", filter=submitted),
        on_time=Count("pk", filter=on_time_q),
        **{f"status_{s}": Count("pk", filter=Q(status=s)) for s in AssignmentStatus.values},
    )
    total, on_time = figures["total"], figures["on_time"]
    late_submitted = figures["submitted"] - on_time
    open_overdue = (total - figures["submitted"]) if past_deadline else 0
    by_status = {status: figures[f"status_{status}"] for status in AssignmentStatus.values}
    result = {
        "rows": assignment_rows(task) if rows else None,
        "total": total,
        "by_status": by_status,
        "status_counts": [
            (AssignmentStatus(s).label, n)
            for s, n in by_status.items()
            if n or s != AssignmentStatus.WITHDRAWN
        ],
        "submitted": figures["submitted"],
        "on_time": on_time,
        # late: submitted after the deadline, or not submitted and past it
        "late": late_submitted + open_overdue,
        # 逾期未报: past the deadline and never submitted (a late or returned report is not)
        "open_overdue": open_overdue,
        "on_time_rate": (on_time / total * 100) if total else None,
    }
    return result


def assignment_rows(task: Task):
    """The assignments of ``task`` in tree order, each knowing its task (no extra query)."""
    rows = list(task.assignments.select_related("unit", "submitted_by").order_by("unit__path"))
    for row in rows:
        row.task = task
    return rows

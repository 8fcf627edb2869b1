"""Metrics of 任务交办 / 信息报送 (registered in TasksConfig.ready)."""

from django.db.models import F, Q

from luoshi.core.metrics import Metric, dates_between


def _assignments(params):
    from luoshi.tasks.models import AssignmentStatus, TaskAssignment

    # a task withdrawn before anyone reported was never due
    assignments = TaskAssignment.objects.exclude(status=AssignmentStatus.WITHDRAWN)
    if params.get("schedule"):
        assignments = assignments.filter(task__schedule__code=params["schedule"])
    if params.get("duty_item"):
        assignments = assignments.filter(task__duty_item_code=params["duty_item"])
    if params.get("task"):  # one task's recipients (e.g. a screening campaign's self-checks)
        assignments = assignments.filter(task_id=params["task"])
    return assignments


def _period(params, start, end) -> dict:
    query = {"deadline_from": start.isoformat(), "deadline_to": end.isoformat()}
    for name in ("schedule", "duty_item", "task"):
        if params.get(name):
            query[name] = params[name]
    return query


def on_time_q(start=None, end=None) -> Q:
    """First submitted on or before the deadline (local date), as ``TaskAssignment.on_time``
    and the list's 「按时报送」 filter."""
    return Q(first_submitted_at__isnull=False) & ~Q(
        first_submitted_at__date__gt=F("task__deadline")
    )


METRICS = [
    Metric(
        key="task_series",
        label="按时报送率",
        measure_word="项",
        records=_assignments,
        in_period=dates_between("task__deadline"),
        counted=on_time_q,
        due_only=True,
        list_url="tasks:assignments",
        filters=_period,
        count_filters=lambda params, start, end: {"timeliness": "on_time"},
        count_label="按时报送",
        total_label="已到截止日期的任务",
        description="截止日期在期内且已过（截至昨天）的任务中，首次报送不晚于截止日期的比例",
    ),
    Metric(
        key="tasks_assigned",
        label="应办任务",
        measure_word="项",
        records=_assignments,
        in_period=dates_between("task__deadline"),
        list_url="tasks:assignments",
        filters=_period,
        description="截止日期在期内的任务（含未到期的）",
    ),
]

"""Metrics of 任务交办 / 信息报送 (registered in TasksConfig.ready)."""

from django.db.models import F, Q

from luoshi.core.metrics import Metric, Narrow, adding, dates_between, fixed, period_filters
from luoshi.core.rollups import Source
from luoshi.tasks.models import OPEN_STATUSES, AssignmentStatus, TaskAssignment


def _assignments(params):
    # a task withdrawn before anyone reported was never due
    return TaskAssignment.objects.exclude(status=AssignmentStatus.WITHDRAWN)


# ``schedule``: the tasks of one reporting schedule; ``duty_item``: of one duty item;
# ``task``: one task's recipients (e.g. a screening campaign's self-checks)
ONE_TASK = Narrow("task", "task_id")
ASSIGNMENT_NARROWS = (
    Narrow("schedule", "task__schedule__code"),
    Narrow("duty_item", "task__duty_item_code"),
    ONE_TASK,
)
# 未撤回: the list would also show the assignments of a withdrawn task
_period = period_filters("deadline_from", "deadline_to", status="current")


def _recipients(params):
    """Every assignment of one task (``task``), withdrawn or not (param ``status``: only
    those in that state)."""
    return TaskAssignment.objects.all()


RECIPIENT_NARROWS = (ONE_TASK, Narrow("status", "status"))
_recipients_filters = period_filters("deadline_from", "deadline_to")


def on_time_q(start=None, end=None) -> Q:
    """First submitted on or before the deadline (local date), as ``TaskAssignment.on_time``
    and the list's 「按时报送」 filter."""
    return Q(first_submitted_at__isnull=False) & ~Q(
        first_submitted_at__date__gt=F("task__deadline")
    )


def _assignments_of_task(task) -> dict | None:
    return {"task_id": task.pk} if task.pk is not None else None


# Assignments by the recipient's ancestors and the month of the deadline, with how many
# were submitted on time (a task's deadline moves all its assignments).
TASKS_ROLLUP = Source(
    key="tasks",
    records=lambda: _assignments({}),
    date="task__deadline",
    counted=on_time_q,
    watch=(("tasks.TaskAssignment", None), ("tasks.Task", _assignments_of_task)),
)


def _open(params):
    return _assignments(params).filter(status__in=OPEN_STATUSES)


def _not_submitted(start=None, end=None) -> Q:
    return Q(first_submitted_at__isnull=True)


# Open assignments (待办/退回) by the month of the deadline, with how many were never
# submitted: 未办结 and (with the deadline passed) 逾期未报.
OPEN_TASKS_ROLLUP = Source(
    key="tasks_open",
    records=lambda: _open({}),
    date="task__deadline",
    counted=_not_submitted,
    watch=(("tasks.TaskAssignment", None), ("tasks.Task", _assignments_of_task)),
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
        rollup=TASKS_ROLLUP,
        list_url="tasks:assignments",
        narrows=ASSIGNMENT_NARROWS,
        filters=_period,
        count_filters=fixed(timeliness="on_time"),
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
        narrows=ASSIGNMENT_NARROWS,
        filters=_period,
        rollup=TASKS_ROLLUP,
        description="截止日期在期内的任务（含未到期的）",
    ),
    Metric(
        key="tasks_open",
        label="未办结任务",
        measure_word="项",
        records=_open,
        in_period=dates_between("task__deadline"),
        list_url="tasks:assignments",
        narrows=ASSIGNMENT_NARROWS,
        filters=adding(_period, status="open"),
        rollup=OPEN_TASKS_ROLLUP,
        description="截止日期在期内、尚未办结（待办或退回）的任务",
    ),
    Metric(
        key="tasks_overdue",
        label="逾期未报",
        measure_word="项",
        records=lambda params: _open(params).filter(_not_submitted()),
        in_period=dates_between("task__deadline"),
        due_only=True,
        rollup=OPEN_TASKS_ROLLUP,
        rollup_counted=True,
        list_url="tasks:assignments",
        narrows=ASSIGNMENT_NARROWS,
        filters=adding(_period, timeliness="overdue"),
        description="截止日期在期内且已过、从未报送的未办结任务",
    ),
    Metric(
        key="task_recipients",
        label="接收单位",
        measure_word="个",
        records=_recipients,
        in_period=dates_between("task__deadline"),
        list_url="tasks:assignments",
        narrows=RECIPIENT_NARROWS,
        filters=_recipients_filters,
        description="某项任务（参数 task）的接收单位，含已撤回的（参数 status：某一状态）",
    ),
]

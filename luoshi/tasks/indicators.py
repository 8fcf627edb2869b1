"""Indicators measured from 任务交办 / 信息报送 (registered in TasksConfig.ready)."""

from urllib.parse import urlencode

from django.urls import reverse

from luoshi.core.indicators import Measure, records, register
from luoshi.tasks.models import TaskAssignment


@register("task_series", "信息报送按时率")
def task_series(params, *, user, unit, subtree, start, end) -> Measure:
    """Of the tasks of reporting schedule ``params['schedule']`` (its code) — or, with
    ``params['duty_item']``, of every task linked to that duty item code — whose deadline
    falls in [start, end]: ``count`` the unit submitted on time, ``total`` it received."""
    assignments = TaskAssignment.objects.filter(
        task__deadline__gte=start, task__deadline__lte=end
    ).select_related("task")
    if params.get("schedule"):
        assignments = assignments.filter(task__schedule__code=params["schedule"])
    if params.get("duty_item"):
        assignments = assignments.filter(task__duty_item_code=params["duty_item"])
    assignments = records(assignments, user=user, unit=unit, subtree=subtree)
    rows = list(assignments)
    query = {
        "unit": unit.pk,
        "unit_scope": "subtree" if subtree else "own",
        "deadline_from": start.isoformat(),
        "deadline_to": end.isoformat(),
    }
    if params.get("schedule"):
        query["schedule"] = params["schedule"]
    if params.get("duty_item"):
        query["duty_item"] = params["duty_item"]
    return Measure(
        count=sum(1 for row in rows if row.on_time()),
        total=len(rows),
        url=f"{reverse('tasks:assignments')}?{urlencode(query)}",
    )

"""load_demo adds tasks and a monthly 信息报送 schedule in every state."""

from luoshi.core.indicators import SYSTEM
from luoshi.tasks.models import AssignmentStatus, ReportingSchedule, Task, TaskAssignment
from luoshi.tasks.selectors import overview
from tests.factories import DEMO_TODAY as TODAY


def test_demo_tasks(demo_district):
    schedule = ReportingSchedule.objects.get(code="monthly_info")
    assert Task.objects.filter(schedule=schedule).count() == 3  # Sep, Oct, Nov
    # not 排查 campaigns, not the statistics forms' tasks (tests/test_statforms_demo.py)
    assert Task.objects.filter(schedule=None, campaign=None, statform=None).count() == 2
    statuses = set(TaskAssignment.objects.values_list("status", flat=True))
    # every status but 已撤回 (a withdrawn task is not part of the demo year)
    assert statuses == set(AssignmentStatus.values) - {AssignmentStatus.WITHDRAWN}
    half_year = Task.objects.get(title__startswith="关于报送2026年上半年")
    result = overview(half_year, SYSTEM, today=TODAY)
    assert result["total"].count == 5 and result["on_time"].count == 2
    assert result["open_overdue"].count == 2
    october = Task.objects.get(schedule=schedule, period_key="2026-10")
    # 宣传部 and 城关街道; 教育局 late
    assert overview(october, SYSTEM, today=TODAY)["on_time"].count == 2

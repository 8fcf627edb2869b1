"""Admin conventions: each menu group once, 「共 N 条」 counting each record once."""

from django.core.paginator import Paginator

from luoshi.core.navigation import MENU
from luoshi.core.views import DeferredJoinPaginator
from luoshi.tasks.models import Task
from tests.tasks_support import issue, task_world


def test_each_menu_group_appears_once():
    labels = [str(group.label) for group in MENU]
    assert len(labels) == len(set(labels)), labels
    reports = next(g for g in MENU if str(g.label) == "报告")
    assert {str(i.label) for i in reports.items} >= {"报告", "往年报告导入"}


def test_a_filter_across_recipients_counts_each_task_once(tree, users):
    world = task_world(tree, users)
    for n in range(3):
        issue(world, title=f"任务{n}")  # each to two units: two pending assignments
    pending = Task.objects.filter(assignments__status="pending").order_by("-id")
    assert pending.count() == 6  # the join repeats each task
    paginator = DeferredJoinPaginator(pending, 2)
    assert paginator.count == 3
    titles = [t.title for n in paginator.page_range for t in paginator.page(n).object_list]
    assert sorted(titles) == ["任务0", "任务1", "任务2"]
    assert Paginator(pending, 2).count == 6  # what the pages said before

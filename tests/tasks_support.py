"""Helpers for the 任务交办 tests: a second child unit, clerks below, issuing a task."""

import datetime
from types import SimpleNamespace

from django.utils import timezone

from luoshi.core import rollups
from luoshi.tasks import services
from luoshi.tasks.forms import TaskForm
from luoshi.tasks.models import Task
from tests.factories import make_unit, make_user


def task_world(tree, users):
    """宣传部 (T1) issues to 新闻科 (T11) and 理论科 (T12), each with a clerk."""
    own = tree.own
    second = make_unit("理论科", "T12", parent=own)
    own.refresh_from_db()
    tree.child.refresh_from_db()
    return SimpleNamespace(
        tree=tree,
        users=users,
        issuer=users.unit_admin,
        news=tree.child,
        theory=second,
        news_clerk=make_user("u_news_clerk", tree.child, "clerk"),
        theory_clerk=make_user("u_theory_clerk", second, "clerk"),
    )


def issue(world, *, units=None, deadline=None, evidence_required=True, title="报送学习贯彻情况"):
    units = units if units is not None else [world.news, world.theory]
    in_a_week = timezone.localdate() + datetime.timedelta(days=7)
    form = TaskForm(
        data={
            "unit": world.tree.own.pk,
            "title": title,
            "requirements": "请报送本单位学习贯彻党的二十届四中全会精神情况，附会议纪要。",
            "deadline": in_a_week.isoformat(),
            "evidence_required": "on" if evidence_required else "",
            "recipient_units": [u.pk for u in units],
        },
        user=world.issuer,
    )
    assert form.is_valid(), form.errors
    task = services.issue_task(form=form, user=world.issuer)
    if deadline is not None:  # any date, also one the form would refuse as past
        with rollups.tracking(Task, [task.pk]):  # an UPDATE: measured for the rollups
            Task.objects.filter(pk=task.pk).update(deadline=deadline)
        task.refresh_from_db()
    return task


def shift_days(task: Task, days: int) -> None:
    """Let ``days`` pass: move the deadline and every submission back in time."""
    delta = datetime.timedelta(days=days)
    with rollups.tracking(Task, [task.pk]):
        Task.objects.filter(pk=task.pk).update(deadline=task.deadline - delta)
    for assignment in task.assignments.exclude(first_submitted_at=None):
        assignment.first_submitted_at -= delta
        assignment.submitted_at -= delta
        assignment.save(update_fields=["first_submitted_at", "submitted_at"])
    task.refresh_from_db()

"""Helpers for the 督查整改 tests: a plan of 宣传部 (tree.own) inspecting 新闻科 (tree.child)."""

import datetime
from types import SimpleNamespace

from django.utils import timezone

from luoshi.inspections import services
from luoshi.inspections.models import ChecklistLine, InspectionPlan
from tests.factories import make_user


def make_plan(tree, users, *, units=None, title="2026年意识形态工作专项督查"):
    today = timezone.localdate()
    plan = InspectionPlan.objects.create(
        unit=tree.own,
        created_by=users.inspector,
        title=title,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=10),
    )
    plan.inspected_units.set(units or [tree.child])
    plan.team.set([users.inspector])
    lines = [
        ChecklistLine.objects.create(plan=plan, order=1, code="A1", name="专题研究", max_score=10),
        ChecklistLine.objects.create(plan=plan, order=2, name="佐证材料归档", max_score=20),
    ]
    services.ensure_results(plan, users.inspector)
    return SimpleNamespace(plan=plan, lines=lines, result=plan.results.get(unit=tree.child))


def child_clerk(tree):
    return make_user("u_child_clerk", tree.child, "clerk", full_name="新闻科干事")


def add_item(setup, users, owner, *, days=7, text="中心组学习记录不全"):
    return services.add_finding(
        result=setup.result,
        user=users.inspector,
        description=text,
        owner=owner,
        deadline=timezone.localdate() + datetime.timedelta(days=days),
        line=setup.lines[0],
    )

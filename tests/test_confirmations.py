"""Irreversible or wide actions ask once, saying what will happen (the page's dialog shows it)."""

import re

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.module_loading import autodiscover_modules

from luoshi.assessment.workflow import ASSESSMENT
from luoshi.core.workflow import Transition, Workflow, workflows_of
from luoshi.duty.workflow import SIGNING
from luoshi.inspections.models import RectificationItem
from luoshi.inspections.workflow import RECTIFICATION, RESULT
from luoshi.notices.workflow import ANNOUNCEMENT
from luoshi.reports.workflow import REPORT_FLOW as REPORT
from luoshi.units.services import deactivation_notice
from tests.factories import make_unit


@pytest.mark.parametrize(
    ("workflow", "step"),
    [
        (SIGNING, "sign"),
        (ASSESSMENT, "publish"),
        (REPORT, "finalize"),
        (RESULT, "record"),
        (RECTIFICATION, "close"),
        (ANNOUNCEMENT, "publish"),
    ],
)
def test_irreversible_steps_say_what_they_do(workflow, step):
    text = str(workflow.transitions[step].confirm or "")
    assert "不能再修改" in text or "锁定" in text
    assert text.endswith("吗？")


def _final_steps():
    autodiscover_modules("workflow")
    flows = {id(f): f for model in apps.get_models() for f in workflows_of(model)}
    return [
        (flow.name, step)
        for flow in flows.values()
        for step in flow.transitions.values()
        if step.target in flow.frozen
    ]


def test_every_step_into_a_final_state_asks_once_saying_what_it_locks():
    """Not a list kept by hand: every step whose record cannot be changed afterwards."""
    steps = _final_steps()
    assert len(steps) >= 15
    silent = [f"{flow}.{step.name}" for flow, step in steps if not step.confirm]
    assert silent == []
    for flow, step in steps:
        text = str(step.confirm)
        assert text.endswith("吗？"), (flow, step.name)
        assert "不能" in text or "锁定" in text, (flow, step.name)


def test_deactivating_a_subtree_names_the_unit_and_counts_what_is_below(tree, users, client):
    make_unit("城关社区", "T111", parent=tree.child)
    tree.child.refresh_from_db()
    assert "将停用新闻科及其下属1个单位" in deactivation_notice(tree.child)
    assert "将停用区委宣传部及其下属2个单位" in deactivation_notice(tree.own)
    client.force_login(users.admin)
    page = client.get(reverse("units:detail", args=[tree.own.pk])).content.decode()
    button = re.search(r'<button[^>]*data-testid="toggle-active"[^>]*>', page).group(0)
    assert 'data-ls-confirm="将停用区委宣传部及其下属2个单位' in button


def _button(page: str, testid: str) -> str:
    return re.search(rf'<button[^>]*data-testid="{testid}"[^>]*>', page).group(0)


def test_the_pages_ask_before_a_final_step(tree, users, client):
    from luoshi.inspections.models import PlanStatus
    from luoshi.risks.models import RiskStatus
    from tests.inspections_support import make_plan
    from tests.risks_support import make_risk
    from tests.test_channels import make_channel

    risk = make_risk(tree.own, user=users.clerk, status=RiskStatus.CONTROLLING)
    client.force_login(users.clerk)
    page = client.get(risk.get_absolute_url()).content.decode()
    assert 'data-ls-confirm="化解销号后风险点关闭' in _button(page, "step-resolve")
    assert "data-ls-confirm" not in _button(page, "step-long_term")  # not final: no question

    channel = make_channel(tree.own, users.clerk)
    page = client.get(reverse("channels:close", args=[channel.pk])).content.decode()
    assert 'data-ls-confirm="关闭后该阵地停止使用' in _button(page, "submit")

    setup = make_plan(tree, users)
    setup.plan.status = PlanStatus.IN_PROGRESS
    setup.plan.save()
    client.force_login(users.inspector)
    page = client.get(setup.plan.get_absolute_url()).content.decode()
    assert 'data-ls-confirm="完成后督查方案关闭' in _button(page, "plan-complete")


def test_wide_steps_ask_before_they_reach_every_unit(tree, users, client):
    from tests.tasks_support import task_world

    world = task_world(tree, users)
    client.force_login(world.issuer)
    page = client.get(reverse("tasks:task_create")).content.decode()
    assert "下发后所选各单位立即收到任务和通知" in _button(page, "submit")
    client.force_login(users.admin)
    page = client.get(reverse("risks:campaign_create")).content.decode()
    assert "各单位并通知其人员。确定发起吗？" in _button(page, "submit")


def test_a_workflows_states_are_its_models_choices():
    """The states are named once, on the model: a label comes from the field's choices and
    a step to or from a state the field does not have fails at import."""
    assert RECTIFICATION.state_label("closed") == "已销号"
    assert RECTIFICATION.state_label("gone") == "gone"
    step = Transition("archive", "归档", source="closed", target="archived")
    with pytest.raises(ImproperlyConfigured, match="archived"):
        Workflow("inspections.archive", model=RectificationItem, transitions=[step])
    assert len(workflows_of(RectificationItem)) == 1  # the refused one is not registered

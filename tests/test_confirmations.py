"""Irreversible or wide actions ask once, saying what will happen (the page's dialog shows it)."""

import re

import pytest
from django.urls import reverse

from luoshi.assessment.workflow import ASSESSMENT
from luoshi.duty.workflow import SIGNING
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


def test_deactivating_a_subtree_names_the_unit_and_counts_what_is_below(tree, users, client):
    make_unit("城关社区", "T111", parent=tree.child)
    tree.child.refresh_from_db()
    assert "将停用新闻科及其下属1个单位" in deactivation_notice(tree.child)
    assert "将停用区委宣传部及其下属2个单位" in deactivation_notice(tree.own)
    client.force_login(users.admin)
    page = client.get(reverse("units:detail", args=[tree.own.pk])).content.decode()
    button = re.search(r'<button[^>]*data-testid="toggle-active"[^>]*>', page).group(0)
    assert 'data-ls-confirm="将停用区委宣传部及其下属2个单位' in button

"""The role editor: permissions grouped by module in a folding tree; 全选 ticks a module."""

import pytest
from django.urls import reverse

from luoshi.accounts.models import Role
from tests.browser.test_ledger_browser import _log_in
from tests.factories import make_user


@pytest.mark.browser
def test_a_module_is_granted_with_one_tick(page, tree, settings, results_dir):
    settings.OTP_REQUIRED_ROLES = []
    make_user("u_sysadmin", tree.own, "admin")
    role = Role.objects.create(code="editor", name="编辑", data_scope="unit")
    _log_in(page, "u_sysadmin")
    page.goto(reverse("accounts:role_update", args=[role.pk]))
    tree_box = page.get_by_test_id("perm-tree")
    module = tree_box.locator("details", has_text="工作台账").first
    assert module.get_attribute("open") is None  # nothing granted: folded
    module.locator("summary").click()
    module.get_by_label("全选本模块").check()
    boxes = module.locator("input[name=permissions]")
    assert boxes.count() >= 8 and all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    page.screenshot(path=results_dir / "role-tree.png", full_page=True)
    page.get_by_test_id("submit").click()
    page.wait_for_url(lambda url: "/edit/" not in url)
    granted = set(role.permissions.values_list("codename", flat=True))
    assert {"view_ledgerrecord", "add_ledgerrecord", "change_activitytype"} <= granted
    assert "view_unit" not in granted

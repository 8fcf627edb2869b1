"""A real browser drives 督查整改: the inspector scores a unit and records a finding; the
unit submits its rectification with evidence; the inspector sends it back with a reason;
the unit resubmits; the inspector closes it out (销号)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from luoshi.inspections import services
from luoshi.inspections.models import (
    ChecklistLine,
    InspectionPlan,
    RectificationItem,
    RectificationStatus,
)
from tests.factories import PASSWORD, PDF_BYTES, make_unit, make_user

FINDING = "可供查阅的工作资料少之又少，必要的佐证材料几乎看不到"


def _log_in(page, username):
    page.goto(reverse("login"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_test_id("login").click()
    page.wait_for_url(lambda url: reverse("login") not in url)


def _log_out(page):
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(re.compile(re.escape(reverse("login"))))


def _alert(page):
    return page.locator(".alert").first.inner_text()


def _open_item_as_unit(page):
    page.goto(reverse("inspections:items"))
    page.get_by_test_id("item-table").get_by_role("link", name=re.compile("可供查阅")).click()
    page.wait_for_url(re.compile(r"/inspections/items/\d+/$"))


@pytest.mark.browser
def test_finding_submit_send_back_resubmit_close(page, live_server, tmp_path, results_dir):
    root = make_unit("示范区委", "T0", type_code="district_committee")
    root.refresh_from_db()
    bureau = make_unit("区教育局", "T2", parent=root, type_code="bureau")
    inspector = make_user("inspector", root, "inspector", full_name="黄建军")
    clerk = make_user("jyj_clerk", bureau, "clerk", full_name="赵文博")
    today = timezone.localdate()
    plan = InspectionPlan.objects.create(
        unit=root,
        created_by=inspector,
        title="意识形态工作专项督查",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=5),
    )
    plan.inspected_units.set([bureau])
    plan.team.set([inspector])
    line = ChecklistLine.objects.create(plan=plan, order=1, name="佐证材料归档", max_score=20)
    services.ensure_results(plan, inspector)
    result = plan.results.get()
    pdf = tmp_path / "整改佐证.pdf"
    pdf.write_bytes(PDF_BYTES)

    # 1. The inspector opens the plan, scores 教育局 and records a finding.
    _log_in(page, "inspector")
    page.goto(plan.get_absolute_url())
    page.get_by_test_id("result-table").get_by_role("link", name="区教育局").click()
    page.wait_for_url(re.compile(r"/inspections/results/\d+/$"))
    page.locator(f"input[name='score-{line.pk}']").fill("12")
    page.locator(f"input[name='note-{line.pk}']").fill("佐证材料不全")
    page.get_by_test_id("save-scores").click()
    page.wait_for_load_state()
    assert "评分表已保存" in _alert(page)
    assert page.get_by_test_id("total-score").inner_text().startswith("12")
    page.locator("#id_finding-line").select_option(str(line.pk))
    page.locator("#id_finding-description").fill(FINDING)
    page.locator("#id_finding-requirement").fill("建立资料归档制度，补齐会议纪要")
    page.locator("#id_finding-owner").select_option(str(clerk.pk))
    page.locator("#id_finding-deadline").fill((today + datetime.timedelta(days=30)).isoformat())
    page.get_by_test_id("add-finding").click()
    page.wait_for_load_state()
    assert "已登记问题" in _alert(page)
    assert "待整改" in page.get_by_test_id("finding-table").inner_text()
    page.goto(result.get_absolute_url())
    _log_out(page)

    # 2. 教育局 submits its rectification with evidence.
    _log_in(page, "jyj_clerk")
    _open_item_as_unit(page)
    page.locator("#id_submit-response").fill("已制定资料归档制度，补齐会议纪要3份。")
    page.locator("#id_submit-files").set_input_files(pdf)
    page.get_by_test_id("submit-rectification").click()
    page.wait_for_load_state()
    assert "等待督查组核验" in _alert(page)
    assert page.get_by_test_id("status").first.inner_text() == "已提交"
    assert "整改佐证" in page.locator("#evidence").inner_text()
    assert page.get_by_test_id("close-out").count() == 0  # the unit cannot close its own item
    _log_out(page)

    # 3. The inspector sends it back with a reason.
    item = RectificationItem.objects.get()
    _log_in(page, "inspector")
    page.goto(item.get_absolute_url())
    page.locator("#id_comment").fill("会议纪要未经签批，请补充签批件。")
    page.get_by_test_id("send-back").click()
    page.wait_for_load_state()
    assert "已退回重改" in _alert(page)
    assert page.get_by_test_id("status").first.inner_text() == "退回重改"
    _log_out(page)

    # 4. 教育局 resubmits.
    _log_in(page, "jyj_clerk")
    _open_item_as_unit(page)
    assert "会议纪要未经签批" in page.get_by_test_id("steps").inner_text()
    page.locator("#id_submit-response").fill("已补充签批件。")
    page.get_by_test_id("submit-rectification").click()
    page.wait_for_load_state()
    assert "等待督查组核验" in _alert(page)
    _log_out(page)

    # 5. The inspector closes it out; the plan shows a 100 % rectification rate.
    _log_in(page, "inspector")
    page.goto(item.get_absolute_url())
    page.locator("#id_comment").fill("核验通过。")
    page.get_by_test_id("close-out").click()
    page.get_by_test_id("confirm-ok").click()
    page.wait_for_load_state()
    assert "已销号" in _alert(page)
    assert page.get_by_test_id("status").first.inner_text() == "已销号"
    steps = page.get_by_test_id("steps").inner_text()
    for label in ("提交整改", "退回重改", "重新提交整改", "销号"):
        assert label in steps
    page.screenshot(path=results_dir / "inspections-closed.png", full_page=True)
    page.goto(plan.get_absolute_url())
    assert "100.0%" in page.get_by_test_id("result-table").inner_text()
    item.refresh_from_db()
    assert item.status == RectificationStatus.CLOSED and item.closed_by == inspector

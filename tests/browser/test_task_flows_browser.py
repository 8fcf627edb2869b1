"""A real browser, the flows an office expects on 任务交办:

* the 区委宣传部 (as 意识形态工作领导小组办公室, 业务指导范围) issues a task to a 街道 that is not
  below it, the 街道 reports, the 宣传部 reviews; the 宣传部 never opens the 街道's ledger;
* the issuer withdraws a task nobody has reported on (confirmed once);
* a unit recalls its report before review (confirmed once) and reports again;
* the issuer accepts several reports at once (批量采纳, one confirmation dialog).

Pages are photographed at desktop size and at 390 × 844 (a phone).
"""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from luoshi.core.authority import BusinessLine, Guidance
from luoshi.tasks.models import AssignmentStatus, Task, TaskAssignment
from luoshi.units.models import Unit
from tests.browser.conftest import PHONE, wider_than_the_phone
from tests.browser.test_tasks_browser import _log_in, _log_out
from tests.factories import LedgerRecordFactory, make_unit, make_user


def _district():
    root = make_unit("示范区委", "T0", type_code="district_committee")
    publicity = make_unit("区委宣传部", "T1", parent=root, type_code="publicity_dept")
    street = make_unit("城关街道", "T2", parent=root, type_code="street")
    township = make_unit("东山镇", "T3", parent=root, type_code="township")
    for unit in (root, publicity, street, township):
        unit.refresh_from_db()
    guidance = Guidance.objects.create(unit=publicity, capacity="区委意识形态工作领导小组办公室")
    guidance.lines.set(BusinessLine.objects.filter(code__in=["tasks", "risks", "inspections"]))
    guidance.units.set([street, township])
    make_user("xcb_admin", publicity, "unit_admin", full_name="刘晓燕")
    make_user("cgjd_clerk", street, "clerk", full_name="孙佳怡")
    make_user("dsz_clerk", township, "clerk", full_name="周海燕")
    return publicity, street, township


def _issue(page, title, units, *, evidence=False):
    page.goto(reverse("tasks:task_create"))
    page.locator("#id_title").fill(title)
    page.locator("#id_requirements").fill("请报送本单位意识形态工作责任制落实情况。")
    page.locator("#id_deadline").fill(timezone.localdate().isoformat())
    if not evidence:
        page.locator("#id_evidence_required").uncheck()
    tree = page.get_by_test_id("unit-tree-recipient_units")
    for name in units:
        tree.get_by_label(name).check()
    page.get_by_test_id("submit").click()
    page.get_by_test_id("confirm-dialog").get_by_test_id("confirm-ok").click()
    page.wait_for_url(re.compile(r"/tasks/issued/\d+/$"))
    assert "任务已下发" in page.locator(".alert[role=alert]").first.inner_text()
    return Task.objects.get(title=title)


def _report(page, assignment, text):
    page.goto(reverse("tasks:assignment_detail", args=[assignment.pk]))
    page.locator("#id_submit-response").fill(text)
    page.get_by_test_id("submit-response").click()
    page.wait_for_load_state()
    assert "已提交，等待发文单位审核" in page.locator(".alert[role=alert]").first.inner_text()


def _confirm(page, expected):
    dialog = page.locator("#ls-confirm")
    dialog.wait_for(state="visible")
    assert expected in dialog.locator("[data-ls-confirm-text]").inner_text()
    page.get_by_test_id("confirm-ok").click()


def _no_horizontal_scroll(page):
    assert wider_than_the_phone(page) <= 1


@pytest.mark.browser
def test_business_line_issuing_from_the_publicity_department(page, live_server, results_dir):
    publicity, street, township = _district()
    record = LedgerRecordFactory(unit=street, title="城关街道中心组学习")

    make_user("sys_admin", Unit.objects.get(code="T0"), "admin", full_name="陈志远")
    _log_in(page, "sys_admin")  # the administrators' page of 业务指导范围
    page.goto(reverse("units:guidance"))
    row = page.get_by_test_id("guidance-table").locator("tbody tr").first
    assert "区委意识形态工作领导小组办公室" in row.inner_text() and "城关街道" in row.inner_text()
    page.screenshot(path=results_dir / "guidance-desktop.png", full_page=True)
    page.set_viewport_size(PHONE)
    _no_horizontal_scroll(page)
    page.screenshot(path=results_dir / "guidance-phone.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    _log_out(page)

    _log_in(page, "xcb_admin")
    page.goto(reverse("tasks:task_create"))
    tree = page.get_by_test_id("unit-tree-recipient_units")
    labels = tree.locator("label").all_inner_texts()
    assert any("城关街道" in t for t in labels) and any("东山镇" in t for t in labels)
    page.screenshot(path=results_dir / "authority-issue-desktop.png", full_page=True)
    task = _issue(page, "报送上半年意识形态工作责任制落实情况", ["城关街道"])
    assignment = task.assignments.get()
    assert assignment.unit == street
    # directing is not owning: the 街道's own ledger stays out of reach
    assert page.goto(reverse("ledger:update", args=[record.pk])).status == 404
    _log_out(page)

    _log_in(page, "cgjd_clerk")
    _report(page, assignment, "已召开党工委专题会议研究部署，形成会议纪要。")
    _log_out(page)

    _log_in(page, "xcb_admin")
    page.goto(reverse("tasks:assignment_detail", args=[assignment.pk]))
    assert "已召开党工委专题会议" in page.get_by_test_id("response").inner_text()
    page.locator("#id_comment").fill("内容完整，予以采纳。")
    page.get_by_test_id("accept").click()
    _confirm(page, "采纳后该报送即为定稿")
    page.wait_for_load_state()
    assert "已采纳" in page.locator(".alert[role=alert]").first.inner_text()
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACCEPTED

    page.set_viewport_size(PHONE)
    page.goto(task.get_absolute_url())
    _no_horizontal_scroll(page)
    page.screenshot(path=results_dir / "authority-task-phone.png", full_page=True)


@pytest.mark.browser
def test_withdraw_an_issued_task(page, live_server, results_dir):
    _district()
    _log_in(page, "xcb_admin")
    task = _issue(page, "报送宣传思想文化工作要点", ["城关街道", "东山镇"])
    page.get_by_test_id("task-withdraw").click()
    _confirm(page, "撤回后各接收单位不再办理该任务")
    page.wait_for_load_state()
    assert "任务已撤回" in page.locator(".alert[role=alert]").first.inner_text()
    assert page.get_by_test_id("task-withdrawn").is_visible()
    assert page.get_by_test_id("task-withdraw").count() == 0
    task.refresh_from_db()
    assert task.withdrawn_at is not None
    assert set(task.assignments.values_list("status", flat=True)) == {AssignmentStatus.WITHDRAWN}
    page.screenshot(path=results_dir / "task-withdrawn-desktop.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.reload()
    _no_horizontal_scroll(page)
    page.screenshot(path=results_dir / "task-withdrawn-phone.png", full_page=True)


@pytest.mark.browser
def test_recall_a_report_then_batch_accept(page, live_server, results_dir):
    _district()
    _log_in(page, "xcb_admin")
    task = _issue(page, "报送阵地管理自查情况", ["城关街道", "东山镇"])
    _log_out(page)
    street_part = TaskAssignment.objects.get(task=task, unit__code="T2")
    township_part = TaskAssignment.objects.get(task=task, unit__code="T3")

    _log_in(page, "cgjd_clerk")
    _report(page, street_part, "初稿")
    page.get_by_test_id("recall").click()
    _confirm(page, "撤回后发文单位暂时看不到本次报送")
    page.wait_for_load_state()
    assert "已撤回报送" in page.locator(".alert[role=alert]").first.inner_text()
    assert page.locator("#id_submit-response").input_value() == "初稿"  # to change it
    page.set_viewport_size(PHONE)
    _no_horizontal_scroll(page)
    page.screenshot(path=results_dir / "task-recalled-phone.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    _report(page, street_part, "已完成阵地自查，共检查阵地4个，未发现问题。")
    _log_out(page)

    _log_in(page, "dsz_clerk")
    _report(page, township_part, "已完成阵地自查，整改问题1个。")
    _log_out(page)

    _log_in(page, "xcb_admin")
    page.goto(task.get_absolute_url())
    picks = page.get_by_test_id("pick")
    assert picks.count() == 2
    picks.nth(0).check()
    picks.nth(1).check()
    page.screenshot(path=results_dir / "batch-accept-desktop.png", full_page=True)
    page.get_by_test_id("batch-accept").click()
    _confirm(page, "采纳后该报送即为定稿")
    page.wait_for_load_state()
    assert "已采纳 2 个单位的报送" in page.locator(".alert[role=alert]").first.inner_text()
    statuses = set(task.assignments.values_list("status", flat=True))
    assert statuses == {AssignmentStatus.ACCEPTED}
    page.set_viewport_size(PHONE)
    page.reload()
    _no_horizontal_scroll(page)
    page.screenshot(path=results_dir / "batch-accept-phone.png", full_page=True)

"""A real browser drives 任务交办 end to end: the issuer sends a task to two units, one
reports on time, the other is late and reminded (its bell shows it), the issuer returns
one report, the unit resubmits, the issuer accepts; the overview shows the on-time rate."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from luoshi.tasks.models import AssignmentStatus, Task, TaskAssignment
from luoshi.tasks.services import send_reminders
from tests.factories import PASSWORD, PDF_BYTES, make_unit, make_user
from tests.tasks_support import shift_days

TITLE = "报送学习贯彻党的二十届四中全会精神情况"


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


def _submit(page, text, pdf):
    page.locator("#id_submit-response").fill(text)
    page.locator("#id_submit-files").set_input_files(pdf)
    page.get_by_test_id("submit-response").click()
    page.wait_for_load_state()
    assert "已提交，等待发文单位审核" in page.locator(".alert").inner_text()


@pytest.mark.browser
def test_issue_submit_late_reminder_return_resubmit_accept(
    page, live_server, tmp_path, results_dir
):
    root = make_unit("示范区委", "T0", type_code="district_committee")
    own = make_unit("区委宣传部", "T1", parent=root, type_code="publicity_dept")
    own.refresh_from_db()
    news = make_unit("区委宣传部新闻科", "T11", parent=own)
    own.refresh_from_db()
    theory = make_unit("区委宣传部理论科", "T12", parent=own)
    make_user("xcb_admin", own, "unit_admin", full_name="刘晓燕")
    make_user("news_clerk", news, "clerk", full_name="新闻科干事")
    make_user("theory_clerk", theory, "clerk", full_name="理论科干事")
    pdf = tmp_path / "学习情况报告.pdf"
    pdf.write_bytes(PDF_BYTES)

    # 1. The 宣传部 administrator issues the task to both sections, due today.
    _log_in(page, "xcb_admin")
    page.goto(reverse("tasks:task_list"))
    page.get_by_test_id("new-task").click()
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_requirements").fill("请报送本科室学习贯彻情况，附学习纪要或照片。")
    page.locator("#id_deadline").fill(timezone.localdate().isoformat())
    # Recipients are picked from an indented tree with a search box, not a Ctrl-click list.
    tree = page.get_by_test_id("unit-tree-recipient_units")
    tree.locator("[data-ls-tree-search]").fill("新闻")
    assert tree.get_by_label("理论科").is_hidden()
    tree.get_by_label("新闻科").check()
    tree.locator("[data-ls-tree-search]").fill("")
    tree.get_by_label("理论科").check()
    page.get_by_test_id("submit").click()
    dialog = page.get_by_test_id("confirm-dialog")  # 下发 is wide: asked once, saying so
    assert "所选各单位立即收到任务和通知" in dialog.inner_text()
    dialog.get_by_test_id("confirm-ok").click()
    page.wait_for_url(re.compile(r"/tasks/issued/\d+/$"))
    assert "任务已下发" in page.locator(".alert").inner_text()
    task = Task.objects.get(title=TITLE)
    assert task.assignments.count() == 2
    _log_out(page)

    # 2. 新闻科 reports on time, with evidence, from its inbox.
    _log_in(page, "news_clerk")
    page.goto(reverse("tasks:inbox"))
    page.get_by_test_id("inbox-table").get_by_role("link", name=TITLE).click()
    _submit(page, "已组织全科学习2次，形成心得体会8篇。", pdf)
    assert page.get_by_test_id("status").first.inner_text() == "已提交"
    _log_out(page)

    # 3. Three days pass; the daily job runs after the deadline: 理论科 is overdue.
    shift_days(task, 3)
    result = send_reminders(timezone.localdate())
    assert result.overdue == 1
    _log_in(page, "theory_clerk")
    assert int(page.get_by_test_id("unread-count").inner_text()) >= 1
    page.get_by_test_id("notice-bell").click()
    page.wait_for_url(re.compile(re.escape(reverse("notices:list")) + "$"))
    overdue = page.get_by_role("link", name=re.compile("贵单位尚未报送"))
    expect(overdue).to_have_count(1)  # waits for the page; a bare count() raced its load
    overdue.click()
    page.wait_for_url(re.compile(r"/tasks/a/\d+/$"))
    assert "逾期未报" in page.get_by_test_id("late").first.inner_text()
    _submit(page, "已补报：组织专题学习1次。", pdf)
    page.screenshot(path=results_dir / "tasks-late-submission.png", full_page=True)
    _log_out(page)

    # 4. The issuer sees 1 of 2 on time, returns 新闻科's report with a reason.
    _log_in(page, "xcb_admin")
    page.goto(task.get_absolute_url())
    assert page.get_by_test_id("on-time-rate").inner_text() == "50.0%"
    page.get_by_test_id("overview-table").get_by_role("link", name="区委宣传部新闻科").click()
    page.locator("#id_comment").fill("请补充参学人数和学习照片。")
    page.get_by_test_id("return").click()
    page.wait_for_load_state()
    assert "已退回" in page.locator(".alert").inner_text()
    _log_out(page)

    # 5. 新闻科 resubmits.
    _log_in(page, "news_clerk")
    page.goto(reverse("tasks:inbox"))
    page.get_by_test_id("inbox-table").get_by_role("link", name=TITLE).click()
    assert "请补充参学人数和学习照片。" in page.get_by_test_id("steps").inner_text()
    page.locator("#id_submit-response").fill("已补充：应到12人，实到12人，附照片。")
    page.get_by_test_id("submit-response").click()
    page.wait_for_load_state()
    _log_out(page)

    # 6. The issuer accepts both; the rate is still 50 % (新闻科 first reported in time).
    _log_in(page, "xcb_admin")
    for unit in (news, theory):
        assignment = TaskAssignment.objects.get(task=task, unit=unit)
        page.goto(assignment.get_absolute_url())
        page.get_by_test_id("accept").click()
        page.get_by_test_id("confirm-ok").click()  # 采纳 is final: asked once
        page.wait_for_load_state()
        assert "已采纳" in page.locator(".alert").inner_text()
    page.goto(task.get_absolute_url())
    assert page.get_by_test_id("on-time-rate").inner_text() == "50.0%"
    table = page.get_by_test_id("overview-table").inner_text()
    assert table.count("已采纳") == 2 and "逾期报送" in table
    page.screenshot(path=results_dir / "tasks-overview.png", full_page=True)
    assert set(task.assignments.values_list("status", flat=True)) == {AssignmentStatus.ACCEPTED}
    steps = page.request.get(
        TaskAssignment.objects.get(task=task, unit=news).get_absolute_url()
    ).text()
    for label in ("提交", "退回", "重新提交", "采纳"):
        assert label in steps

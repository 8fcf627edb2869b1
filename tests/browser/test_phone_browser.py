"""Clerks record work on their phones: at 390 × 844 the menu slides in, lists are cards and no
page scrolls sideways; a clerk records an activity with a photo; a leader reads the 驾驶舱."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from luoshi.ledger.models import LedgerRecord
from tests.browser.conftest import PHONE, wider_than_the_phone
from tests.browser.test_ledger_browser import _log_in, _log_out
from tests.factories import PNG_BYTES
from tests.tasks_support import issue, task_world

TITLE = "新时代文明实践站理论宣讲进社区"


def _assert_fits(page, what):
    over = wider_than_the_phone(page)
    assert not over, f"{what}: page is {over} px wider than the {PHONE['width']} px screen"


def _record_with_photo(page, tmp_path):
    photo = tmp_path / "宣讲现场.png"
    photo.write_bytes(PNG_BYTES)
    page.goto(reverse("ledger:create"))
    _assert_fits(page, "ledger form")
    page.locator("#id_activity_type").select_option(label="中心组学习")
    page.locator("#id_date").fill((timezone.localdate() - datetime.timedelta(days=1)).isoformat())
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_summary").fill("宣讲员走进社区，结合身边事宣讲全会精神。")
    page.locator("#id_evidence_files").set_input_files(photo)
    page.get_by_test_id("submit").click()
    page.wait_for_url(re.compile(r"/ledger/\d+/$"))
    assert LedgerRecord.objects.get(title=TITLE).evidence.filter(is_current=True).count() == 1


@pytest.mark.browser
def test_phone_clerk_and_leader_without_sideways_scrolling(
    phone, tree, users, tmp_path, results_dir
):
    world = task_world(tree, users)
    task = issue(world)
    assignment = task.assignments.get(unit=world.news)
    page = phone

    _log_in(page, "u_news_clerk")
    _assert_fits(page, "home")
    assert not page.locator("#ls-menu .ls-menu-item").first.is_visible()
    page.get_by_test_id("menu-toggle").click()
    page.locator("#ls-menu").get_by_role("link", name="台账记录").first.wait_for()
    page.keyboard.press("Escape")

    _record_with_photo(page, tmp_path)
    page.goto(reverse("ledger:list"))
    _assert_fits(page, "ledger list")
    cell = page.get_by_test_id("record-table").locator("tbody td").first
    assert cell.get_attribute("data-label") == "日期"
    assert page.get_by_test_id("record-table").locator("thead").is_hidden()
    page.screenshot(path=results_dir / "phone-ledger-list.png", full_page=True)

    page.goto(reverse("tasks:assignment_detail", args=[assignment.pk]))
    _assert_fits(page, "task")
    assert task.title in page.content()
    _log_out(page)

    _log_in(page, "u_leader")
    _assert_fits(page, "leader home")
    page.goto(reverse("ledger:list"))
    _assert_fits(page, "leader ledger list")
    page.goto(reverse("tasks:task_detail", args=[task.pk]))
    _assert_fits(page, "leader task")
    assert task.title in page.content()
    page.goto(reverse("dashboard:index"))
    _assert_fits(page, "驾驶舱")
    page.screenshot(path=results_dir / "phone-dashboard.png", full_page=True)
    page.get_by_test_id("wall-link").click()
    page.get_by_test_id("wall").wait_for()
    _assert_fits(page, "驾驶舱大屏")

"""A real browser: a clerk files a lecture, the unit's leader and the district reviewer
approve it in turn, the clerk records it as held (a ledger record), and it shows in the
calendar."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from luoshi.events.models import EventFiling, EventStatus
from tests.browser.conftest import new_context
from tests.factories import PASSWORD, make_unit, make_user

TOPIC = "学习贯彻党的二十届四中全会精神专题讲座"


def _as(browser, live_server, username):
    context = new_context(browser, live_server)
    page = context.new_page()
    page.goto(reverse("login"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_test_id("login").click()
    page.wait_for_url(lambda url: reverse("login") not in url)
    return page


@pytest.mark.browser
def test_event_is_filed_reviewed_held_and_shown_in_calendar(browser, live_server, results_dir):
    root = make_unit("示范区委", "T0", type_code="district_committee")
    own = make_unit("区委宣传部", "T1", parent=root, type_code="publicity_dept")
    root.refresh_from_db()
    make_user("xcb_clerk", own, "clerk", full_name="李梦瑶")
    make_user("xcb_leader", own, "leader", full_name="王立新")
    make_user("qw_reviewer", root, "reviewer", full_name="杨慧敏")
    start = timezone.localtime() - datetime.timedelta(hours=3)
    start = start.replace(second=0, microsecond=0)

    page = _as(browser, live_server, "xcb_clerk")
    page.goto(reverse("events:list"))
    page.get_by_test_id("new-event").click()
    page.locator("#id_kind").select_option(label="讲座")
    page.locator("#id_topic").fill(TOPIC)
    page.locator("#id_synopsis").fill("邀请市委党校教授解读全会精神。")
    page.locator("#id_start_at").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_end_at").fill(
        (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    )
    page.locator("#id_venue").fill("区委党校报告厅")
    page.locator("#id_expected_audience").fill("120")
    page.locator("#id_speakers-0-name").fill("张明")
    page.locator("#id_speakers-0-affiliation").fill("市委党校")
    page.locator("#id_speakers-0-title").fill("教授")
    page.get_by_test_id("submit").click()
    page.wait_for_url(re.compile(r"/events/\d+/$"))
    assert "张明 · 市委党校 · 教授" in page.get_by_test_id("speaker-list").inner_text()
    page.get_by_test_id("submit-event").click()
    assert page.get_by_test_id("status").inner_text() == "审核中"
    event_url = page.url

    for reviewer in ("xcb_leader", "qw_reviewer"):
        review = _as(browser, live_server, reviewer)
        review.goto(event_url)
        review.locator("#id_comment").fill("同意举办")
        review.get_by_test_id("approve").click()
        assert "已审核通过" in review.locator(".alert").inner_text()
        review.context.close()
    event = EventFiling.objects.get(topic=TOPIC)
    assert event.status == EventStatus.APPROVED

    page.goto(event_url)
    assert page.get_by_test_id("status").inner_text() == "已批准"
    page.get_by_test_id("record-held").click()
    page.locator("#id_actual_audience").fill("112")
    page.locator("#id_summary").fill("宣讲联系实际，现场互动交流。")
    page.get_by_test_id("submit").click()
    dialog = page.get_by_test_id("confirm-dialog")
    assert "备案表锁定" in dialog.inner_text()  # recording the event is final: asked once
    dialog.get_by_test_id("confirm-ok").click()
    page.wait_for_url(event_url)
    assert "已计入工作台账" in page.locator(".alert").inner_text()
    assert TOPIC in page.get_by_test_id("ledger-link").inner_text()
    steps = page.get_by_test_id("workflow-steps").inner_text()
    assert "王立新" in steps and "杨慧敏" in steps

    page.goto(reverse("events:calendar"))
    assert TOPIC in page.get_by_test_id("calendar").inner_text()
    page.screenshot(path=results_dir / "events_calendar.png", full_page=True)

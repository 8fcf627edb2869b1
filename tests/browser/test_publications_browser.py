"""A real browser: a clerk drafts a story, three different people sign 初审, 复审 and
终审, the clerk records its publication, and the list shows full review coverage."""

import re

import pytest
from django.urls import reverse

from luoshi.publications.models import Publication, PublicationStatus
from tests.browser.test_events_browser import _as
from tests.factories import make_unit, make_user
from tests.test_channels import make_channel

TITLE = "我区召开意识形态工作专题会议"


@pytest.mark.browser
def test_three_step_review_in_the_browser(browser, live_server, results_dir):
    root = make_unit("示范区委", "T0", type_code="district_committee")
    own = make_unit("区融媒体中心", "T1", parent=root)
    clerk = make_user("rmt_clerk", own, "clerk", full_name="唐一鸣")
    make_channel(own, clerk, name="示范融媒微信公众号")
    make_user("rmt_reviewer", own, "reviewer", full_name="许佳琪")
    make_user("rmt_reviewer2", own, "reviewer", full_name="曾晓燕")
    make_user("rmt_leader", own, "leader", full_name="彭宏伟")

    page = _as(browser, live_server, "rmt_clerk")
    page.goto(reverse("publications:list"))
    page.get_by_test_id("new-publication").click()
    page.locator("#id_title").fill(TITLE)
    # the unit's one registered channel is already chosen
    assert "示范融媒微信公众号" in page.locator("#id_channel option:checked").inner_text()
    page.locator("#id_body").fill("会议研究部署下一阶段意识形态工作。")
    page.get_by_test_id("submit").click()
    page.wait_for_url(re.compile(r"/publications/\d+/$"))
    item_url = page.url
    assert page.get_by_test_id("review-form").count() == 0  # the author never reviews
    page.get_by_test_id("submit-publication").click()
    assert page.get_by_test_id("status").inner_text() == "待初审"

    for username, status in (
        ("rmt_reviewer", "待复审"),
        ("rmt_reviewer2", "待终审"),
        ("rmt_leader", "待发布"),
    ):
        reviewer = _as(browser, live_server, username)
        reviewer.goto(item_url)
        reviewer.locator("#id_comment").fill("同意")
        reviewer.get_by_test_id("approve").click()
        if username == "rmt_leader":  # 终审通过 is final: asked once, saying so
            dialog = reviewer.get_by_test_id("confirm-dialog")
            assert "不能再修改或退回" in dialog.inner_text()
            dialog.get_by_test_id("confirm-ok").click()
        assert reviewer.get_by_test_id("status").inner_text() == status
        if username == "rmt_reviewer":  # took 初审: no form for 复审
            assert reviewer.get_by_test_id("review-form").count() == 0
        reviewer.context.close()

    page.goto(item_url)
    page.locator("#id_url").fill("https://mp.weixin.qq.com/s/demo")
    page.get_by_test_id("publish").click()
    page.get_by_test_id("confirm-dialog").get_by_test_id("confirm-ok").click()
    assert page.get_by_test_id("status").inner_text() == "已发布"
    steps = page.get_by_test_id("workflow-steps").inner_text()
    for name in ("许佳琪", "曾晓燕", "彭宏伟"):
        assert name in steps
    assert Publication.objects.get(title=TITLE).status == PublicationStatus.PUBLISHED

    page.goto(reverse("publications:list"))
    assert page.get_by_test_id("coverage").inner_text() == "100.0%"
    page.screenshot(path=results_dir / "publications_list.png", full_page=True)

"""A real browser: a clerk registers a channel of the unit and records a check with evidence;
the channel's overdue flag clears, the evidence downloads, a sibling unit gets 404."""

import re

import pytest
from django.urls import reverse

from luoshi.channels.models import Channel, ChannelCheck
from tests.browser.test_ledger_browser import _log_in, _log_out
from tests.factories import PNG_BYTES, make_unit, make_user

NAME = "示范宣传"
PNG_NAME = "阵地检查截图.png"


@pytest.mark.browser
def test_clerk_registers_channel_and_records_a_check_with_evidence(
    page, live_server, tmp_path, results_dir
):
    root = make_unit("示范区委", "T0", type_code="district_committee")
    own = make_unit("区委宣传部", "T1", parent=root, type_code="publicity_dept")
    root.refresh_from_db()
    sibling = make_unit("区教育局", "T2", parent=root, type_code="bureau")
    clerk = make_user("xcb_clerk", own, "clerk", full_name="李梦瑶")
    make_user("jyj_clerk", sibling, "clerk", full_name="赵文博")
    png = tmp_path / PNG_NAME
    png.write_bytes(PNG_BYTES)

    _log_in(page, "xcb_clerk")
    page.goto(reverse("channels:list"))
    page.get_by_test_id("new-channel").click()
    page.wait_for_url(re.compile(re.escape(reverse("channels:create"))))
    assert page.locator("#id_unit").input_value() == str(own.pk)
    page.locator("#id_channel_type").select_option(label="微信公众号")
    page.locator("#id_name").fill(NAME)
    page.locator("#id_account").fill("微信公众号：sfq_xuanchuan")
    page.locator("#id_administrator").select_option(value=str(clerk.pk))
    page.locator("#id_filing_status").select_option(label="已备案")
    page.locator("#id_filing_number").fill("公众号认证 2019-0418")
    page.locator("#id_opened_on").fill("2019-04-18")
    page.get_by_test_id("submit").click()

    # Opened years ago and never checked: overdue from the opening date.
    page.wait_for_url(re.compile(r"/channels/\d+/$"))
    channel = Channel.objects.get(name=NAME)
    assert channel.unit == own and channel.is_overdue
    assert "阵地已登记" in page.locator(".alert").inner_text()
    assert page.get_by_test_id("overdue").is_visible()
    assert page.get_by_test_id("last-check").inner_text() == "从未检查"

    page.get_by_test_id("record-check").click()
    page.wait_for_url(re.compile(re.escape(reverse("channels:check", args=[channel.pk]))))
    page.locator("#id_result").select_option(label="发现问题")
    page.locator("#id_findings").fill("检查近三个月推送42条，发现1篇转载稿件未注明来源。")
    page.locator("#id_rectification").fill("已补注来源，并在编辑例会上重申转载规范。")
    page.locator("#id_evidence_files").set_input_files(png)
    page.get_by_test_id("submit").click()

    page.wait_for_url(re.compile(rf"/channels/{channel.pk}/$"))
    assert "检查记录已保存" in page.locator(".alert").inner_text()
    check = ChannelCheck.objects.get(channel=channel)
    assert check.checker == clerk and check.result == "problems"
    assert page.get_by_test_id("overdue").count() == 0
    table = page.get_by_test_id("check-table").inner_text()
    assert "未注明来源" in table and "已补注来源" in table and "发现问题" in table
    download = page.get_by_test_id("check-evidence")
    assert PNG_NAME in download.inner_text()
    download_url = download.get_attribute("href")
    response = page.request.get(download_url)
    assert response.status == 200 and response.body() == PNG_BYTES
    page.screenshot(path=results_dir / "channel-detail-with-check.png", full_page=True)

    page.goto(reverse("channels:list"))
    row = page.get_by_test_id("channel-table").locator("tbody tr", has_text=NAME)
    assert row.count() == 1 and "检查逾期" not in row.inner_text()

    # A clerk of a sibling unit sees neither the channel nor its evidence.
    channel_url = channel.get_absolute_url()
    _log_out(page)
    _log_in(page, "jyj_clerk")
    page.goto(reverse("channels:list"))
    assert NAME not in page.get_by_test_id("channel-table").inner_text()
    assert page.goto(channel_url).status == 404
    assert page.request.get(download_url).status == 404

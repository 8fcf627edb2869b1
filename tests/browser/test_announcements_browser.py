"""A real browser: the district's unit administrator writes a 通知公告 to two units with the
unit tree picker and publishes it (the dialog asks once); a clerk of one of them reads it on
the phone (home page, no sideways scrolling) and the author sees who has read it. The system
administrator changes a 参数设置 value on the phone."""

import re

import pytest
from django.urls import reverse

from luoshi.core import parameters
from luoshi.notices.models import Announcement
from tests.browser.test_ledger_browser import _log_in, _log_out
from tests.browser.test_phone_browser import _assert_fits
from tests.factories import make_unit, make_user

TITLE = "关于开展2026年度意识形态工作责任制自查的通知"


@pytest.fixture
def district(db):
    root = make_unit("示范区委", "T0", type_code="district_committee")
    own = make_unit("区委宣传部", "T1", parent=root, type_code="publicity_dept")
    news = make_unit("新闻科", "T11", parent=own)
    theory = make_unit("理论科", "T12", parent=own)
    for unit in (root, own):
        unit.refresh_from_db()
    return {
        "author": make_user("xcb_admin", own, "unit_admin", full_name="王建国"),
        "news_clerk": make_user("xwk_clerk", news, "clerk", full_name="李梦瑶"),
        "theory_clerk": make_user("llk_clerk", theory, "clerk", full_name="赵文博"),
        "admin": make_user("sys_admin", root, "admin", full_name="系统管理员"),
        "news": news,
        "theory": theory,
    }


@pytest.mark.browser
def test_announcement_published_read_on_the_phone_and_receipts(page, phone, district, results_dir):
    _log_in(page, "xcb_admin")
    page.goto(reverse("notices:announcement_create"))
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_body").fill("请各科室于月底前完成自查，并将自查报告报区委宣传部。")
    tree = page.get_by_test_id("unit-tree-target_units")
    tree.get_by_label("新闻科").check()
    tree.get_by_label("理论科").check()
    page.get_by_test_id("submit").click()
    page.wait_for_url(re.compile(r"/notices/announcements/\d+/$"))
    announcement = Announcement.objects.get(title=TITLE)
    assert set(announcement.target_units.all()) == {district["news"], district["theory"]}
    page.get_by_test_id("step-publish").click()
    dialog = page.get_by_test_id("confirm-dialog")
    assert "不能再修改" in dialog.inner_text()
    page.get_by_test_id("confirm-ok").click()
    page.wait_for_selector("[data-testid=status]:has-text('已发布')")
    assert not page.get_by_test_id("edit").count()
    page.screenshot(path=results_dir / "announcement-author.png", full_page=True)

    _log_in(phone, "xwk_clerk")
    home = phone.get_by_test_id("home-announcements")
    assert TITLE in home.inner_text()
    _assert_fits(phone, "home page with announcements")
    phone.screenshot(path=results_dir / "announcement-home-phone.png", full_page=True)
    home.get_by_text(TITLE).click()
    phone.wait_for_url(re.compile(rf"/notices/announcements/{announcement.pk}/$"))
    assert "月底前完成自查" in phone.get_by_test_id("announcement-body").inner_text()
    _assert_fits(phone, "announcement")
    phone.screenshot(path=results_dir / "announcement-phone.png", full_page=True)

    page.goto(reverse("notices:announcement_readers", args=[announcement.pk]))
    news = page.get_by_test_id(f"readers-{district['news'].pk}")
    assert "李梦瑶" in news.get_by_test_id("read-list").inner_text()
    theory = page.get_by_test_id(f"readers-{district['theory'].pk}")
    assert "赵文博" in theory.get_by_test_id("unread-list").inner_text()
    page.screenshot(path=results_dir / "announcement-readers.png", full_page=True)
    _log_out(page)


@pytest.mark.browser
def test_parameter_changed_on_the_phone(phone, district, results_dir, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    _log_in(phone, "sys_admin")
    phone.goto(reverse("parameters"))
    _assert_fits(phone, "参数设置")
    phone.screenshot(path=results_dir / "parameters-phone.png", full_page=True)
    phone.get_by_test_id("edit-log_retention_days").click()
    phone.locator("#id_value").fill("90")
    phone.get_by_test_id("submit").click()
    assert "不能少于 183 天" in phone.locator("#id_value").locator("..").inner_text()
    assert phone.locator("#id_value").input_value() == "90"
    _assert_fits(phone, "参数 form")
    phone.screenshot(path=results_dir / "parameter-error-phone.png", full_page=True)
    phone.locator("#id_value").fill("400")
    phone.get_by_test_id("submit").click()
    phone.wait_for_url(re.compile(r"/settings/parameters/$"))
    assert phone.get_by_test_id("value-log_retention_days").inner_text().startswith("400")
    parameters.reset_cache()
    assert parameters.value("log_retention_days") == 400

"""A real browser: the 教育局's unit administrator registers an incident about the unit's work and walks it through
研判 → 处置 → 回应; the 教育局's leader signs 办结 off (separation of duties, confirmed once); the
computed response and closing times are shown."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from luoshi.incidents.models import Incident, IncidentStatus
from tests.browser.test_ledger_browser import _log_in, _log_out
from tests.factories import make_unit, make_user

TITLE = "区一中食堂“饭菜变质”不实视频传播"


@pytest.mark.browser
def test_unit_admin_registers_an_incident_and_walks_it_to_closed(page, live_server, results_dir):
    root = make_unit("示范区委", "T0", type_code="district_committee")
    bureau = make_unit("区教育局", "T1", parent=root, type_code="bureau")
    school = make_unit("示范区第一中学", "T11", parent=bureau, type_code="school")
    make_user("jyj_admin", bureau, "unit_admin", full_name="赵文博")  # scope: 本单位及以下
    make_user("jyj_leader", bureau, "leader", full_name="钱国栋")  # signs 办结 off
    discovered = timezone.localtime().replace(second=0, microsecond=0) - datetime.timedelta(
        days=1, hours=3
    )
    responded = discovered + datetime.timedelta(hours=6, minutes=30)

    _log_in(page, "jyj_admin")
    page.goto(reverse("incidents:list"))
    assert "不记录任何公众个人信息" in page.content()
    page.get_by_test_id("new-incident").click()
    page.wait_for_url(re.compile(re.escape(reverse("incidents:create"))))
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_discovered_at").fill(discovered.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_platform").select_option(label="抖音/快手/视频号")
    page.locator("#id_source_url").fill("https://example.org/video/123")
    page.locator("#id_summary").fill("短视频平台出现称区一中食堂饭菜变质的视频，家长关注度高。")
    page.locator("#id_level").select_option(label="一般")
    page.locator("#id_responsible_unit").select_option(value=str(school.pk))
    page.get_by_test_id("submit").click()
    page.wait_for_url(re.compile(r"/incidents/\d+/$"))
    incident = Incident.objects.get(title=TITLE)
    assert incident.unit == bureau and incident.responsible_unit == school
    assert page.get_by_test_id("status").inner_text() == "已登记"
    assert page.get_by_test_id("time-to-response").inner_text() == "尚未回应"

    steps = [
        ("研判", {"#id_analysis": "经调取留样和监控，视频画面并非本校食堂，定为较大事件。"}),
        ("处置", {"#id_measures": "会同市场监管部门现场检查并抽检留样，结果合格。"}),
        ("回应", {"#id_response_text": "经核查，网传视频画面非区一中食堂，留样抽检合格。"}),
        ("办结", {"#id_outcome": "平台已处置不实视频，家长陪餐制度常态化。"}),
    ]
    for label, fields in steps:
        if label == "办结":  # not the handler's step: the leader's sign-off
            assert page.get_by_test_id("next-step").count() == 0
            _log_out(page)
            _log_in(page, "jyj_leader")
            page.goto(reverse("incidents:detail", args=[incident.pk]))
        button = page.get_by_test_id("next-step")
        assert button.inner_text().strip() == label
        button.click()
        page.wait_for_url(re.compile(r"/step/"))
        if label == "研判":
            page.locator("#id_level").select_option(label="较大")
        if label == "回应":
            page.locator("#id_responded_at").fill(responded.strftime("%Y-%m-%dT%H:%M"))
        for selector, text in fields.items():
            page.locator(selector).fill(text)
        page.get_by_test_id("submit").click()
        if label == "办结":  # asked once: the record is final afterwards
            assert "不能再修改" in page.locator("[data-ls-confirm-text]").inner_text()
            page.get_by_test_id("confirm-ok").click()
        page.wait_for_url(re.compile(rf"/incidents/{incident.pk}/$"))
        assert f"已完成「{label}」" in page.locator(".alert").inner_text()

    incident.refresh_from_db()
    assert incident.status == IncidentStatus.CLOSED and incident.level == "major"
    assert page.get_by_test_id("status").inner_text() == "已办结"
    assert page.get_by_test_id("next-step").count() == 0
    assert page.get_by_test_id("time-to-response").inner_text() == "6小时30分钟"
    assert page.get_by_test_id("time-to-close").inner_text().startswith("1天3小时")
    timeline = page.get_by_test_id("timeline").inner_text()
    for text in ("研判", "处置", "回应", "办结", "赵文博", "钱国栋", "留样抽检合格"):
        assert text in timeline
    page.screenshot(path=results_dir / "incident-closed.png", full_page=True)

    page.goto(reverse("incidents:list"))
    row = page.get_by_test_id("incident-table").locator("tbody tr", has_text="饭菜变质")
    assert "6小时30分钟" in row.inner_text() and "1天3小时" in row.inner_text()

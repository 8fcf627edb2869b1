"""A real browser: a leader opens the 驾驶舱, the charts draw, the duty panel loads, and a
click on a number lands on the filtered list of exactly those records."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from luoshi.ledger.models import ActivityType
from luoshi.risks.models import RiskArea, RiskLevel, RiskPoint
from tests.browser.conftest import new_context
from tests.factories import PASSWORD, LedgerRecordFactory, make_unit, make_user


@pytest.mark.browser
def test_leader_opens_dashboard_and_drills_down(browser, live_server, results_dir):
    root = make_unit("示范区委", "T0", type_code="district_committee")
    own = make_unit("区委宣传部", "T1", parent=root, type_code="publicity_dept")
    own.refresh_from_db()
    child = make_unit("新闻科", "T11", parent=own)
    other = make_unit("区教育局", "T2", parent=root)
    make_user("xcb_leader", own, "leader", full_name="王立新")
    study = ActivityType.objects.get(code="study_group")
    today = timezone.localdate()
    for unit, n in [(own, 2), (child, 3), (other, 4)]:
        for _i in range(n):
            LedgerRecordFactory(unit=unit, activity_type=study, date=today.replace(day=1))
    RiskPoint.objects.create(
        unit=child,
        area=RiskArea.objects.get(code="online"),
        level=RiskLevel.objects.get(code="red"),
        description="公众号转载把关不严",
        measures="落实三审",
        identified_on=today - datetime.timedelta(days=3),
    )

    context = new_context(browser, live_server)
    page = context.new_page()
    page.goto(reverse("login"))
    page.get_by_label("用户名").fill("xcb_leader")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_test_id("login").click()
    page.wait_for_url(lambda url: reverse("login") not in url)

    page.locator(f'.ls-sidebar a[href="{reverse("dashboard:index")}"]').click()  # the menu
    page.wait_for_url(re.compile(r"/dashboard/"))
    assert "区委宣传部" in page.get_by_test_id("dashboard-title").inner_text()
    # ECharts drew the monthly ledger chart, the type chart and the risk heat map
    for chart in ("chart-ledger-month", "chart-ledger-type", "chart-risk-heat"):
        page.get_by_test_id(chart).locator("canvas").first.wait_for()
    # the duty panel arrives by htmx after the page
    page.get_by_test_id("duty-panel").wait_for()
    assert page.get_by_test_id("fig-risks-open").inner_text().strip() == "共 1 个"
    page.screenshot(path=results_dir / "dashboard.png", full_page=True)

    # a click on the heat-map cell 网络宣传 × 红 opens the risk register filtered to it
    heat = page.get_by_test_id("chart-risk-heat")
    heat.scroll_into_view_if_needed()
    x, y = page.evaluate(
        """() => {
          const charts = JSON.parse(document.getElementById("dashboard-charts").textContent);
          const chart = echarts.getInstanceByDom(document.getElementById("chart-risk-heat"));
          return chart.convertToPixel({seriesIndex: 0}, [0, charts.risks.areas.indexOf("网络宣传")]);
        }"""
    )
    box = heat.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url(re.compile(r"/risks/\?"))
    assert "status=open" in page.url and f"unit={own.pk}" in page.url
    assert page.locator("table tbody tr").count() == 1
    assert "公众号转载把关不严" in page.locator("table tbody").inner_text()
    page.go_back()
    page.get_by_test_id("chart-ledger-month").locator("canvas").first.wait_for()

    number = page.get_by_test_id("fig-ledger-records")
    assert number.inner_text() == "5"  # 宣传部 2 + 新闻科 3; 区教育局 is not below
    number.click()
    page.wait_for_url(re.compile(r"/ledger/\?"))
    assert f"unit={own.pk}" in page.url and "unit_scope=subtree" in page.url
    assert page.locator("table tbody tr").count() == 5
    context.close()

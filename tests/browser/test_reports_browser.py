"""Real browser: a clerk generates a report, follows a number to its records, edits a
section in place (htmx) and sees it saved as a new version."""

import datetime
import re

import pytest
from django.urls import reverse

from luoshi.ledger.models import ActivityType
from luoshi.reports.models import Report
from tests.browser.test_ledger_browser import _log_in
from tests.factories import LedgerRecordFactory, make_unit, make_user

YEAR = datetime.date.today().year


@pytest.mark.browser
def test_clerk_generates_edits_and_follows_a_number(page, live_server, results_dir):
    root = make_unit("示范区委", "T0", type_code="district_committee")
    dept = make_unit("区委宣传部", "T1", parent=root, type_code="publicity_dept")
    make_user("xcb_clerk", dept, "clerk", full_name="李梦瑶")
    study = ActivityType.objects.get(code="study_group")
    for day in (3, 4, 5, 6):
        LedgerRecordFactory(unit=dept, activity_type=study, date=datetime.date(YEAR, 1, day))
    meeting = ActivityType.objects.get(code="special_meeting")  # a second kind: the chart
    LedgerRecordFactory(unit=dept, activity_type=meeting, date=datetime.date(YEAR, 2, 3))

    _log_in(page, "xcb_clerk")
    page.goto(reverse("reports:report_list"))
    page.get_by_test_id("new-report").click()
    page.wait_for_url(re.compile(re.escape(reverse("reports:report_create"))))
    page.locator("#id_unit").select_option(label="区委宣传部")
    page.locator("#id_kind").select_option(value="annual_summary")
    page.locator("#id_plans_input").fill("组织全区通讯员培训")
    page.get_by_test_id("submit").click()
    page.wait_for_url(re.compile(r"/reports/\d+/$"))
    report = Report.objects.get()
    assert "组织全区通讯员培训。" in page.get_by_test_id("report-body").inner_text()
    page.wait_for_selector(".ls-report-chart canvas")  # ECharts drew the chart

    section = page.locator('[data-key="area.study"]')
    number = section.locator("a.ls-fact", has_text="4次").first
    assert "中心组学习" in number.get_attribute("title")
    records_url = number.get_attribute("href")

    section.get_by_test_id("edit-section").click()
    section.get_by_test_id("section-textarea").fill("全年共召开党委理论学习中心组4次，成效明显。")
    section.get_by_test_id("save-section").click()
    saved = page.locator('[data-key="area.study"] [data-testid="saved-badge"]')
    saved.wait_for()
    assert "第2版" in saved.inner_text()
    assert page.locator('[data-key="area.study"] a.ls-fact', has_text="4次").count() == 1
    assert report.latest_version.number == 2
    page.screenshot(path=results_dir / "report-editor.png", full_page=True)

    page.goto(records_url)
    assert page.locator("table tbody tr").count() == 4

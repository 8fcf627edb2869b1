"""Real browser under the real CSP (no 'unsafe-eval'): Alpine's CSP build runs the report
section component, ECharts draws, and no page reports a CSP violation or script error."""

import datetime

import pytest
from django.urls import reverse

from luoshi.ledger.models import ActivityType
from luoshi.reports.models import ReportKind
from luoshi.reports.services import create_report
from tests.browser.test_ledger_browser import _log_in
from tests.factories import LedgerRecordFactory, make_unit, make_user

YEAR = datetime.date.today().year


def _watch(page):
    """Script errors and CSP violations of the page (a missing favicon is neither)."""
    problems = []

    def on_console(message):
        if "Content Security Policy" in message.text or (
            message.type == "error" and "Failed to load resource" not in message.text
        ):
            problems.append(f"console: {message.text}")

    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    page.on("console", on_console)
    return problems


@pytest.mark.browser
def test_alpine_component_and_charts_run_under_the_csp(page, live_server):
    root = make_unit("示范区委", "T0", type_code="district_committee")
    dept = make_unit("区委宣传部", "T1", parent=root, type_code="publicity_dept")
    admin = make_user("xcb_admin", dept, "unit_admin", full_name="李梦瑶")
    for day, code in ((3, "study_group"), (4, "special_meeting")):
        kind = ActivityType.objects.get(code=code)  # two kinds of work: the summary's chart
        LedgerRecordFactory(unit=dept, activity_type=kind, date=datetime.date(YEAR, 1, day))
    report = create_report(user=admin, unit=dept, year=YEAR, kind=ReportKind.ANNUAL_SUMMARY)
    problems = _watch(page)

    _log_in(page, "xcb_admin")
    page.goto(report.get_absolute_url())
    page.wait_for_selector(".ls-report-chart canvas")  # ECharts drew from json_script data
    section = page.locator('[data-testid="section"]', has=page.get_by_test_id("edit-section"))
    section = section.first
    textarea = section.get_by_test_id("section-textarea")
    assert not textarea.is_visible()
    section.get_by_test_id("edit-section").click()  # reportSection.edit
    textarea.wait_for(state="visible")
    assert not section.get_by_test_id("section-text").is_visible()
    section.get_by_role("button", name="取消").click()  # reportSection.cancel
    textarea.wait_for(state="hidden")
    assert section.get_by_test_id("section-text").is_visible()

    page.goto(reverse("dashboard:index"))
    page.wait_for_selector("canvas")
    assert problems == []

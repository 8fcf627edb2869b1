"""A real browser against the live server: a clerk records an activity with evidence,
and a clerk of a sibling unit can neither see the record nor download its evidence."""

import re

import pytest
from django.urls import reverse

from luoshi.accounts.models import Role
from luoshi.ledger.models import LedgerRecord
from tests.factories import PASSWORD, PDF_BYTES, make_unit, make_user

TITLE = "学习贯彻党的二十届四中全会精神专题学习"
PDF_NAME = "中心组学习纪要.pdf"


def _log_in(page, username):
    page.goto(reverse("login"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_test_id("login").click()
    page.wait_for_url(lambda url: reverse("login") not in url)
    assert page.get_by_test_id("user-menu").is_visible()


def _log_out(page):
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(re.compile(re.escape(reverse("login"))))
    assert page.get_by_test_id("login").is_visible()


@pytest.mark.browser
def test_clerk_records_activity_with_evidence_hidden_from_sibling(
    page, live_server, tmp_path, results_dir
):
    # Default roles and dictionaries come from post_migrate, which also runs after the
    # transactional database is flushed: they must be there for a live-server test too.
    assert Role.objects.get(code="clerk")
    root = make_unit("示范区委", "T0", type_code="district_committee")
    own = make_unit("区委宣传部", "T1", parent=root, type_code="publicity_dept")
    root.refresh_from_db()
    sibling = make_unit("区教育局", "T2", parent=root, type_code="bureau")
    make_user("xcb_clerk", own, "clerk", first_name="宣传部录入员")
    make_user("jyj_clerk", sibling, "clerk", first_name="教育局录入员")
    pdf = tmp_path / PDF_NAME
    pdf.write_bytes(PDF_BYTES)

    # The 宣传部 clerk signs in through the real login page and records an activity.
    _log_in(page, "xcb_clerk")
    page.goto(reverse("ledger:list"))
    page.get_by_test_id("new-record").click()
    page.wait_for_url(re.compile(re.escape(reverse("ledger:create"))))
    assert page.locator("#id_unit").input_value() == str(own.pk)
    page.locator("#id_activity_type").select_option(label="中心组学习")
    page.locator("#id_date").fill("2026-03-15")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_expected_participants").fill("15")
    page.locator("#id_actual_participants").fill("14")
    page.locator("#id_location").fill("区委三楼会议室")
    page.locator("#id_summary").fill("传达学习党的二十届四中全会精神，结合本部门工作交流研讨。")
    page.locator("#id_outcome").fill("形成研讨发言材料6篇，明确下一步宣传宣讲安排。")
    page.locator("#id_evidence_files").set_input_files(pdf)
    page.get_by_test_id("submit").click()

    # The detail page shows the record and its evidence file.
    page.wait_for_url(re.compile(r"/ledger/\d+/$"))
    record = LedgerRecord.objects.get(title=TITLE)
    assert record.unit == own
    assert page.locator("h1").inner_text() == TITLE
    assert "台账记录已保存" in page.locator(".alert").inner_text()
    download = page.get_by_test_id("evidence-download")
    assert PDF_NAME in download.inner_text()
    record_url = page.url
    download_url = download.get_attribute("href")
    evidence = record.evidence.get(is_current=True)
    assert download_url == reverse("evidence:download", args=[evidence.pk])
    response = page.request.get(download_url)
    assert response.status == 200
    assert response.body() == PDF_BYTES

    # The list shows the record with an evidence badge.
    page.goto(reverse("ledger:list"))
    row = page.get_by_test_id("record-table").locator("tbody tr", has_text=TITLE)
    assert row.count() == 1
    assert row.locator(".badge").inner_text() == "有"
    assert "无佐证" not in row.inner_text()
    assert "区委宣传部" in row.inner_text()
    page.screenshot(path=results_dir / "ledger-list-with-evidence.png", full_page=True)

    # The 教育局 clerk (a sibling unit) sees neither the record nor its evidence.
    _log_out(page)
    _log_in(page, "jyj_clerk")
    response = page.goto(reverse("ledger:list"))
    assert response.status == 200
    assert TITLE not in page.get_by_test_id("record-table").inner_text()
    assert page.goto(record_url).status == 404
    assert page.request.get(download_url).status == 404

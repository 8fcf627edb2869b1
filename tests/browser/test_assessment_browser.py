"""A real browser: the unit administrator computes an assessment from the records, enters a
manual score with its reason for an indicator no module measures and submits it for review;
a 督查员 reviews it and another administrator publishes it (计算, 复核 and 发布 are three
people); the ranking with grade bands is visible and the published sheet is frozen."""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from luoshi.assessment import services
from luoshi.assessment.models import Assessment
from luoshi.duty.services import load_pack_file
from luoshi.ledger.models import ActivityType
from tests.browser.test_ledger_browser import _log_in, _log_out
from tests.factories import LedgerRecordFactory, make_unit, make_user

YEAR = 2025
PACK = """\
format: 1
code: browser_pack
version: 1
name: 浏览器测试考核包
grades:
  - {name: 好, at_least: 90}
  - {name: 较好, at_least: 80}
  - {name: 一般, at_least: 60}
  - {name: 差, at_least: 0}
areas:
  - code: a
    name: 组织领导
    items:
      - code: meeting
        name: 党委(党组)专题研究意识形态工作
        owner: primary
        indicator: {kind: ledger_count, params: {activity_type: special_meeting}}
        target: {count: 2, period: year}
        scoring: {points: 10, method: ratio}
      - code: inspection
        name: 上级实地督查评价
        owner: unit
        indicator: {kind: field_inspection_rating}
        target: {count: 1, period: year}
        scoring: {points: 10, method: ratio}
"""


@pytest.mark.browser
def test_compute_manual_score_publish_ranking(page, live_server, tmp_path, results_dir):
    root = make_unit("示范区委", "T0", type_code="district_committee")
    own = make_unit("区委宣传部", "T1", parent=root, type_code="publicity_dept")
    root.refresh_from_db()
    sibling = make_unit("区教育局", "T2", parent=root, type_code="bureau")
    root.refresh_from_db()
    admin = make_user("qw_admin", root, "unit_admin", full_name="刘晓燕")
    make_user("qw_inspector", root, "inspector", full_name="王建国")
    make_user("qw_admin2", root, "unit_admin", full_name="陈静")
    meeting = ActivityType.objects.get(code="special_meeting")
    for day in (datetime.date(YEAR, 3, 1), datetime.date(YEAR, 9, 1)):
        LedgerRecordFactory(unit=own, activity_type=meeting, date=day)
    LedgerRecordFactory(unit=sibling, activity_type=meeting, date=datetime.date(YEAR, 5, 1))
    path = tmp_path / "pack.yaml"
    path.write_text(PACK, encoding="utf-8")
    pack = load_pack_file(path).pack
    assessment = services.create_assessment(unit=root, year=YEAR, pack=pack, user=admin)

    _log_in(page, "qw_admin")
    page.goto(reverse("assessment:list"))
    page.get_by_role("link", name=assessment.name).click()
    page.get_by_test_id("compute").click()
    page.wait_for_url(re.compile(rf"/assessment/{assessment.pk}/$"))
    assert "已从记录计算 4 项得分" in page.locator(".alert").inner_text()
    assert "2 项待手工评分" in page.get_by_test_id("pending").inner_text()

    # 区委宣传部's sheet: the automatic score explains itself; enter the manual one.
    page.get_by_test_id("ranking").get_by_role("link", name="区委宣传部").click()
    row = page.locator("tr[data-code=meeting]")
    assert "按完成比例计分" in row.inner_text() and "2/2" in row.inner_text()
    assert (
        row.get_by_test_id("records-link").get_attribute("href").startswith(reverse("ledger:list"))
    )
    page.locator("tr[data-code=inspection]").get_by_test_id("manual-score").click()
    page.locator("#id_manual_score").fill("9")
    page.get_by_test_id("submit").click()
    # the reason is mandatory (wait for the re-rendered form, not a page mid-navigation)
    expect(page.locator("body")).to_contain_text("须填写评分理由")
    page.locator("#id_manual_score").fill("9")
    page.locator("#id_reason").fill("实地督查：阵地管理规范，台账齐全，扣1分（宣传栏更新不及时）")
    page.get_by_test_id("submit").click()
    page.wait_for_url(re.compile(rf"/assessment/{assessment.pk}/units/{own.pk}/"))
    assert "评分已保存" in page.locator(".alert").inner_text()
    assert "宣传栏更新不及时" in page.get_by_test_id("reason").inner_text()
    assert page.get_by_test_id("sheet-total").inner_text() == "19.00"

    # 区教育局 too, then review and publish.
    page.goto(reverse("assessment:sheet", args=[assessment.pk, sibling.pk]))
    page.locator("tr[data-code=inspection]").get_by_test_id("manual-score").click()
    page.locator("#id_manual_score").fill("7")
    page.locator("#id_reason").fill("实地督查：讲座备案材料不全")
    page.get_by_test_id("submit").click()
    page.wait_for_url(re.compile(rf"/units/{sibling.pk}/"))
    page.goto(assessment.get_absolute_url())
    page.get_by_test_id("submit-review").click()
    page.wait_for_url(re.compile(rf"/assessment/{assessment.pk}/$"))
    # who computed it neither reviews nor publishes it
    assert page.get_by_test_id("review").count() == 0
    _log_out(page)
    _log_in(page, "qw_inspector")
    page.goto(assessment.get_absolute_url())
    page.get_by_test_id("review").click()
    dialog = page.get_by_test_id("confirm-dialog")
    assert "分数锁定" in dialog.inner_text()  # 复核通过 is final too: asked once
    dialog.get_by_test_id("confirm-ok").click()
    page.wait_for_url(re.compile(rf"/assessment/{assessment.pk}/$"))
    assert page.get_by_test_id("publish").count() == 0
    _log_out(page)
    _log_in(page, "qw_admin2")
    page.goto(assessment.get_absolute_url())
    page.get_by_test_id("publish").click()
    dialog = page.get_by_test_id("confirm-dialog")
    assert "分数不能再修改" in dialog.inner_text()  # asks once, saying what will happen
    dialog.get_by_test_id("confirm-ok").click()
    page.wait_for_url(re.compile(rf"/assessment/{assessment.pk}/$"))
    assert "考核结果已发布" in page.locator(".alert").inner_text()
    assert page.get_by_test_id("status").first.inner_text() == "已发布"

    ranking = page.get_by_test_id("ranking")
    first, second = ranking.locator("tbody tr").all()
    assert "区委宣传部" in first.inner_text() and "19.00" in first.inner_text()
    assert first.get_by_test_id("grade").inner_text() == "好"
    assert "区教育局" in second.inner_text() and "12.00" in second.inner_text()
    assert second.get_by_test_id("grade").inner_text() == "一般"
    assert page.get_by_test_id("compute").count() == 0
    page.screenshot(path=results_dir / "assessment-published.png", full_page=True)

    # Published: no more manual scores.
    page.goto(reverse("assessment:sheet", args=[assessment.pk, own.pk]))
    assert page.get_by_test_id("manual-score").count() == 0
    assert Assessment.objects.get(pk=assessment.pk).status == "published"

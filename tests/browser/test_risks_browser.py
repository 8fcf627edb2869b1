"""Real browser: a clerk registers a risk point and moves it to 管控中 (and sees it on the
heat map); a unit completes a campaign self-check and submits it."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from luoshi.risks import services
from luoshi.risks.models import RiskPoint, RiskStatus, Screening
from luoshi.tasks.models import AssignmentStatus
from tests.browser.test_ledger_browser import _log_in
from tests.factories import make_unit, make_user

DESCRIPTION = "部分科室新媒体账号发布信息未严格执行三审"


@pytest.mark.browser
def test_clerk_registers_a_risk_and_moves_it_to_controlling(page, live_server, results_dir):
    root = make_unit("示范区委", "T0", type_code="district_committee")
    dept = make_unit("区委宣传部", "T1", parent=root, type_code="publicity_dept")
    clerk = make_user("xcb_clerk", dept, "clerk", full_name="李梦瑶")

    _log_in(page, "xcb_clerk")
    page.goto(reverse("risks:list"))
    page.get_by_test_id("new-risk").click()
    page.wait_for_url(re.compile(re.escape(reverse("risks:create"))))
    page.locator("#id_area").select_option(label="网络宣传")
    page.locator("#id_level").select_option(label="橙")
    page.locator("#id_description").fill(DESCRIPTION)
    page.locator("#id_cause").fill("账号分散，编辑人员兼职")
    page.locator("#id_measures").fill("账号统一纳入三审流程，每季度巡查")
    page.locator("#id_owner").select_option(value=str(clerk.pk))
    page.locator("#id_deadline").fill(
        (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    )
    page.get_by_test_id("submit").click()
    page.wait_for_url(re.compile(r"/risks/\d+/$"))
    risk = RiskPoint.objects.get(description=DESCRIPTION)
    assert risk.unit == dept and risk.status == RiskStatus.IDENTIFIED
    assert page.get_by_test_id("status").inner_text().strip() == "识别"

    page.get_by_test_id("step-control").click()
    page.wait_for_url(re.compile(rf"/risks/{risk.pk}/$"))
    assert "已完成「落实管控」" in page.locator(".alert").inner_text()
    assert page.get_by_test_id("status").inner_text().strip() == "管控中"
    assert "落实管控" in page.get_by_test_id("workflow-history").inner_text()
    risk.refresh_from_db()
    assert risk.status == RiskStatus.CONTROLLING

    page.goto(reverse("risks:heatmap"))
    page.wait_for_selector("[data-testid=heatmap-chart] canvas")
    # The one 橙 risk is drawn in 橙's own colour, not on a count scale that makes 1 look red.
    fills = page.evaluate(
        """() => {
            const chart = echarts.getInstanceByDom(document.getElementById("risk-heatmap"));
            const data = chart.getModel().getSeriesByIndex(0).getData();
            return data.mapArray((i) => data.getItemVisual(i, "style").fill);
        }"""
    )
    assert fills == ["#fd7e14"]
    page.get_by_test_id("cell-online-orange").click()
    page.wait_for_url(re.compile(r"/risks/\?"))
    assert page.get_by_test_id("risk-row").count() == 1
    page.screenshot(path=results_dir / "risk-register.png", full_page=True)


@pytest.mark.browser
def test_unit_completes_a_campaign_self_check(page, live_server, results_dir):
    root = make_unit("示范区委", "T0", type_code="district_committee")
    dept = make_unit("区委宣传部", "T1", parent=root, type_code="publicity_dept")
    school = make_unit("示范区第一中学", "T11", parent=dept, type_code="school")
    launcher = make_user("xcb_admin", dept, "unit_admin")
    make_user("school_clerk", school, "clerk")

    class Form:
        cleaned_data = {
            "unit": dept,
            "title": "意识形态领域风险点排查",
            "requirements": "对照清单逐项自查。",
            "deadline": timezone.localdate() + datetime.timedelta(days=7),
            "subtree_root": dept,
            "direct_only": False,
            "checklist": "讲座论坛是否一会一报\n宣传栏是否专人管理",
        }

    campaign = services.launch_campaign(form=Form(), user=launcher)
    screening = Screening.objects.get(campaign=campaign)

    _log_in(page, "school_clerk")
    page.goto(reverse("risks:screenings"))
    page.get_by_test_id("screening-row").get_by_role("link").click()
    page.wait_for_url(re.compile(rf"/risks/screenings/{screening.pk}/$"))
    page.locator("#id_item_0").select_option(label="存在问题")
    page.locator("#id_note_0").fill("两场校外讲座未备案")
    page.locator("#id_item_1").select_option(label="符合要求")
    page.get_by_test_id("save").click()
    page.wait_for_url(re.compile(rf"/risks/screenings/{screening.pk}/$"))
    assert "自查结果已保存" in page.locator(".alert").inner_text()

    page.get_by_test_id("add-risk").click()
    page.wait_for_url(re.compile(r"/risks/new/\?screening="))
    page.locator("#id_area").select_option(label="教育培训")
    page.locator("#id_level").select_option(label="黄")
    page.locator("#id_description").fill("校园讲座邀请校外人员未履行备案")
    page.locator("#id_measures").fill("开学前集中培训，每学期检查备案台账")
    page.get_by_test_id("submit").click()
    page.wait_for_url(re.compile(rf"/risks/screenings/{screening.pk}/$"))
    assert "校园讲座邀请校外人员未履行备案" in page.get_by_test_id("screening-risks").inner_text()
    assert page.locator("#id_item_0").input_value() == "issue"  # saved results kept

    page.get_by_test_id("submit-screening").click()
    page.wait_for_url(re.compile(rf"/risks/screenings/{screening.pk}/$"))
    assert "自查已提交" in page.locator(".alert").inner_text()
    assert page.get_by_test_id("screening-status").inner_text().strip() == "已提交"
    assert page.get_by_test_id("submit-screening").count() == 0
    screening.refresh_from_db()
    assert screening.completed_at is not None and screening.risks.count() == 1
    assert screening.assignment.status == AssignmentStatus.SUBMITTED
    page.screenshot(path=results_dir / "risk-self-check.png", full_page=True)

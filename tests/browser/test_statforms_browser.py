"""A real browser drives 统计报表 end to end: 宣传部 designs a form of five items (a rule
across items, one item pre-filled from the ledger), sends it to two units; one fills in the
browser (its bad input refused beside the field and kept), the other by the form's Excel
template; one value is returned and corrected; the aggregate shows the sums and the rate of
the sums, and exports to Excel; the dashboard shows the accepted figures. Pages are
screenshot at desktop and phone width."""

import datetime
import re
from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from luoshi.statforms.models import FormTask
from luoshi.tasks.models import AssignmentStatus
from tests.browser.conftest import PHONE
from tests.factories import PASSWORD, LedgerRecordFactory, make_unit, make_user

FIELDS = [
    {"code": "members", "label": "党员总数", "kind": "integer", "measure": "人", "figure": "party_members"},
    {"code": "downloads", "label": "下载学习强国人数", "kind": "integer", "measure": "人",
     "figure": "xxqg_downloads"},
    {"code": "rate", "label": "下载率", "kind": "percent", "measure": "%", "numerator": "downloads",
     "denominator": "members", "optional": True},
    {"code": "study", "label": "中心组学习", "kind": "integer", "measure": "次",
     "metric_key": "ledger_count", "metric_params": '{"activity_type": "study_group"}'},
    {"code": "boards", "label": "宣传栏", "kind": "integer", "measure": "块"},
]  # fmt: skip


def _log_in(page, username):
    page.goto(reverse("login"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_test_id("login").click()
    page.wait_for_url(lambda url: reverse("login") not in url)


def _log_out(page):
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(re.compile(re.escape(reverse("login"))))


def _shots(page, results_dir, name):
    page.screenshot(path=results_dir / f"statforms-{name}.png", full_page=True)
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    page.screenshot(path=results_dir / f"statforms-{name}-phone.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size(size)
    assert width <= PHONE["width"] + 1, f"{name} scrolls sideways on a phone ({width}px)"


def _add_field(page, spec):
    page.get_by_test_id("add-field").click()
    page.locator("#id_code").fill(spec["code"])
    page.locator("#id_label").fill(spec["label"])
    page.locator("#id_kind").select_option(spec["kind"])
    page.locator("#id_measure").fill(spec["measure"])
    if spec.get("optional"):
        page.locator("#id_required").uncheck()
    for name in ("numerator", "denominator", "figure", "metric_params"):
        if name in spec:
            page.locator(f"#id_{name}").fill(spec[name])
    if "metric_key" in spec:
        page.locator("#id_metric_key").select_option(spec["metric_key"])
    page.get_by_test_id("submit").click()
    page.wait_for_url(re.compile(r"/statforms/v/\d+/$"))


def _design_and_issue(page, results_dir):
    page.goto(reverse("statforms:forms"))
    page.get_by_test_id("new-form").click()
    page.locator("#id_code").fill("ideology_q")
    page.locator("#id_title").fill("意识形态工作统计表")
    page.get_by_test_id("submit").click()
    page.wait_for_url(re.compile(r"/statforms/v/\d+/$"))
    for spec in FIELDS:
        _add_field(page, spec)
    page.locator("#id_expression").fill("downloads ≤ members")
    page.locator("#id_message").fill("下载人数不能超过党员总数")
    page.get_by_test_id("add-rule").click()
    page.wait_for_load_state()
    assert "downloads ≤ members" in page.get_by_test_id("rules").inner_text()
    page.get_by_test_id("publish").click()
    dialog = page.get_by_test_id("confirm-dialog")
    assert "统计项和校验规则锁定" in dialog.inner_text()
    dialog.get_by_test_id("confirm-ok").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("version-status").inner_text() == "已发布"
    _shots(page, results_dir, "design")
    page.get_by_role("link", name="意识形态工作统计表").last.click()
    page.get_by_test_id("issue").click()
    page.locator("#id_deadline").fill(
        (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    )
    tree = page.get_by_test_id("unit-tree-recipient_units")
    tree.get_by_label("新闻科").check()
    tree.get_by_label("理论科").check()
    page.get_by_test_id("submit").click()
    page.wait_for_url(re.compile(r"/statforms/t/\d+/$"))
    assert "统计表已下发" in page.locator(".alert[role=alert]").first.inner_text()
    return FormTask.objects.get()


def _fill(page, values):
    for code, value in values.items():
        page.locator(f"#f-{code}").fill(value)


def _fill_in_browser(page, results_dir):
    page.goto(reverse("tasks:inbox"))
    page.get_by_role("link", name="意识形态工作统计表").first.click()
    page.wait_for_url(re.compile(r"/statforms/a/\d+/$"))
    assert page.locator("#f-study").input_value() == "2"  # from the ledger
    _fill(page, {"members": "7a4", "downloads": "50", "rate": "67.57", "boards": "12"})
    page.get_by_test_id("submit-form").click()
    page.wait_for_load_state()
    assert "应填写整数，而不是「7a4」" in page.get_by_test_id("error-members").inner_text()
    assert page.locator("#f-members").input_value() == "7a4"
    assert page.locator("#f-boards").input_value() == "12"  # everything typed is kept
    _fill(page, {"members": "40", "rate": ""})
    page.get_by_test_id("submit-form").click()
    page.wait_for_load_state()
    assert "下载人数不能超过党员总数" in page.get_by_test_id("error-downloads").inner_text()
    _shots(page, results_dir, "fill-errors")
    _fill(page, {"members": "74", "rate": "67.57", "study": "3"})
    page.get_by_test_id("submit-form").click()
    page.wait_for_load_state()
    assert "须说明理由" in page.locator("#fill").inner_text()
    page.get_by_test_id("reason-study").fill("一次学习未录入台账")
    page.get_by_test_id("submit-form").click()
    page.wait_for_load_state()
    assert "已提交" in page.locator(".alert[role=alert]").first.inner_text()


def _fill_by_excel(page, tmp_path):
    page.goto(reverse("tasks:inbox"))
    page.get_by_role("link", name="意识形态工作统计表").first.click()
    page.wait_for_url(re.compile(r"/statforms/a/\d+/$"))
    with page.expect_download() as download:
        page.get_by_test_id("download-template").click()
    path = tmp_path / "template.xlsx"
    download.value.save_as(path)
    workbook = openpyxl.load_workbook(path)
    values = {"members": 26, "downloads": 24, "study": 0, "boards": 5}
    for row in workbook.worksheets[0].iter_rows(min_row=2):
        if row[0].value in values:
            row[3].value = values[row[0].value]
    workbook.save(path)
    page.locator("#id_file").set_input_files(path)
    page.get_by_test_id("upload").click()
    page.wait_for_load_state()
    assert "已从 Excel 读入并暂存" in page.locator(".alert[role=alert]").first.inner_text()
    assert page.locator("#f-members").input_value() == "26"
    page.get_by_test_id("submit-form").click()
    page.wait_for_load_state()
    assert "已提交" in page.locator(".alert[role=alert]").first.inner_text()


@pytest.mark.browser
def test_design_send_fill_by_browser_and_excel_return_correct_aggregate(
    page, live_server, tmp_path, results_dir
):
    root = make_unit("示范区委", "T0", type_code="district_committee")
    own = make_unit("区委宣传部", "T1", parent=root, type_code="publicity_dept")
    own.refresh_from_db()
    news = make_unit("新闻科", "T11", parent=own)
    own.refresh_from_db()
    theory = make_unit("理论科", "T12", parent=own)
    make_user("xcb_admin", own, "unit_admin", full_name="刘晓燕")
    news_clerk = make_user("news_clerk", news, "clerk", full_name="新闻科干事")
    make_user("theory_clerk", theory, "clerk", full_name="理论科干事")
    quarter_start = timezone.localdate().replace(
        day=1, month=(timezone.localdate().month - 1) // 3 * 3 + 1
    )
    for day in (2, 3):
        LedgerRecordFactory(unit=news, created_by=news_clerk, date=quarter_start.replace(day=day))

    _log_in(page, "xcb_admin")
    form_task = _design_and_issue(page, results_dir)
    _log_out(page)

    _log_in(page, "news_clerk")
    _fill_in_browser(page, results_dir)
    _log_out(page)

    _log_in(page, "theory_clerk")
    _fill_by_excel(page, tmp_path)
    _log_out(page)

    # The issuer returns 新闻科's 宣传栏 with a reason; 新闻科 corrects it.
    _log_in(page, "xcb_admin")
    page.goto(form_task.get_absolute_url())
    page.get_by_test_id("aggregate").get_by_role("link", name="新闻科").click()
    page.get_by_test_id("why-boards").fill("宣传栏应为 14 块，请核对")
    page.get_by_test_id("return").click()
    page.wait_for_load_state()
    assert "已退回" in page.locator(".alert[role=alert]").first.inner_text()
    _log_out(page)

    _log_in(page, "news_clerk")
    page.goto(reverse("tasks:inbox"))
    page.get_by_role("link", name="意识形态工作统计表").first.click()
    assert "宣传栏应为 14 块" in page.get_by_test_id("returned-boards").inner_text()
    _shots(page, results_dir, "returned")
    page.locator("#f-boards").fill("14")
    page.get_by_test_id("submit-form").click()
    page.wait_for_load_state()
    assert "已提交" in page.locator(".alert[role=alert]").first.inner_text()
    _log_out(page)

    _log_in(page, "xcb_admin")
    for assignment in form_task.task.assignments.order_by("unit__path"):
        page.goto(reverse("statforms:submission", args=[assignment.pk]))
        page.get_by_test_id("accept").click()
        page.wait_for_load_state()
        assert "已采纳" in page.locator(".alert[role=alert]").first.inner_text()
    assert set(form_task.task.assignments.values_list("status", flat=True)) == {
        AssignmentStatus.ACCEPTED
    }
    page.goto(form_task.get_absolute_url())
    sums = page.get_by_test_id("sums").locator("td").all_inner_texts()
    assert sums[1:6] == ["100", "74", "74.0%", "3", "19"]
    _shots(page, results_dir, "aggregate")
    with page.expect_download() as download:
        page.get_by_test_id("export").click()
    sheet = openpyxl.load_workbook(BytesIO(download.value.path().read_bytes())).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "单位", "党员总数（人）", "下载学习强国人数（人）")
    total = next(r for r in rows if r[1] and str(r[1]).startswith("合计"))
    assert total[2:7] == ("100", "74", "74.0%", "3", "19")

    # The accepted figures are metrics: the dashboard shows them, each opening its values.
    page.goto(reverse("dashboard:index"))
    panel = page.get_by_test_id("panel-statforms")
    assert "74" in panel.get_by_test_id("figure-statforms-xxqg_downloads").inner_text()
    rate = panel.get_by_test_id("figure-statforms-xxqg_downloads-party_members").inner_text()
    assert "74.0%" in rate
    page.screenshot(path=results_dir / "statforms-dashboard.png", full_page=True)
    panel.get_by_test_id("fig-statforms-xxqg_downloads").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("figures").locator("tbody tr").count() == 2

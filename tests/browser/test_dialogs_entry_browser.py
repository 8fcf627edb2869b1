"""In a real browser: a wide action asks once, saying what it will do, and 取消 does nothing;
entry mistakes (the same Excel file again, a template of another type, 已举办 before the
date, a score above the maximum) each get a clear Chinese message with the input kept."""

import re

import pytest
from django.urls import reverse

from luoshi.events.models import EventStatus
from luoshi.ledger.models import LedgerRecord
from luoshi.units.models import Unit
from tests.browser.test_ledger_browser import _log_in
from tests.inspections_support import make_plan
from tests.test_events import approved_event, root_reviewer  # noqa: F401 - a fixture
from tests.test_ledger_excel import STUDY_HEADERS, study_row, xlsx


def _alert_text(page) -> str:
    return " ".join(page.locator(".alert, .invalid-feedback, .errorlist").all_inner_texts())


@pytest.mark.browser
def test_deactivating_a_subtree_asks_first_and_cancel_does_nothing(page, tree, users):
    _log_in(page, "u_unit_admin")
    page.goto(reverse("units:detail", args=[tree.own.pk]))
    page.get_by_test_id("toggle-active").click()
    dialog = page.get_by_test_id("confirm-dialog")
    dialog.wait_for(state="visible")
    assert "将停用区委宣传部及其下属1个单位" in dialog.inner_text()
    dialog.get_by_role("button", name="取消").first.click()
    dialog.wait_for(state="hidden")
    assert Unit.objects.get(pk=tree.own.pk).is_active
    page.get_by_test_id("toggle-active").click()
    page.get_by_test_id("confirm-ok").click()
    page.wait_for_load_state()
    page.get_by_text("已停用").first.wait_for()
    assert not Unit.objects.get(pk=tree.own.pk).is_active
    assert not Unit.objects.get(pk=tree.child.pk).is_active


def _upload(page, tmp_path, type_label, content: bytes, name="台账.xlsx"):
    path = tmp_path / name
    path.write_bytes(content)
    page.goto(reverse("ledger:import"))
    page.locator("#id_activity_type").select_option(label=type_label)
    page.locator("#id_file").set_input_files(path)
    page.get_by_test_id("submit").click()
    page.wait_for_load_state()


@pytest.mark.browser
def test_excel_mistakes_are_named_and_the_choice_kept(page, tree, users, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    rows = [study_row(title="中心组第一次集体学习"), study_row(title="中心组第二次集体学习")]
    content = xlsx(STUDY_HEADERS, rows).read()
    _log_in(page, "u_clerk")
    _upload(page, tmp_path, "中心组学习", content)
    assert LedgerRecord.objects.count() == 2
    _upload(page, tmp_path, "中心组学习", content)
    page.get_by_text("与已有记录重复").first.wait_for()
    assert LedgerRecord.objects.count() == 2
    page.screenshot(path=tmp_path / "reimport.png", full_page=True)
    # the user decides on the page itself: keep them, asked once; no second upload
    page.get_by_test_id("repeats-keep").click()
    dialog = page.get_by_test_id("confirm-dialog")
    assert "重复的行也将作为新记录导入" in dialog.inner_text()
    dialog.get_by_test_id("confirm-ok").click()
    page.get_by_test_id("import-done").wait_for()
    assert LedgerRecord.objects.count() == 4

    template = page.request.get(reverse("ledger:import_template", args=["study_group"])).body()
    _upload(page, tmp_path, "培训", template, name="中心组学习模板.xlsx")
    page.get_by_text("与所选的「培训」不一致").first.wait_for()
    page.get_by_test_id("import-again").click()  # the form again, with the type chosen
    page.wait_for_load_state()
    selected = page.locator("#id_activity_type option:checked").inner_text()
    assert selected == "培训"
    assert LedgerRecord.objects.count() == 4


@pytest.mark.browser
def test_held_before_the_date_is_refused_with_the_summary_kept(
    page,
    tree,
    users,
    root_reviewer,  # noqa: F811
):
    event = approved_event(tree, users, root_reviewer, days=13)
    _log_in(page, "u_clerk")
    page.goto(reverse("events:detail", args=[event.pk]))
    assert page.get_by_test_id("record-held").count() == 0  # no button before the date
    page.goto(reverse("events:held", args=[event.pk]))
    page.locator("#id_activity_type").select_option(label="理论宣讲")
    page.locator("#id_actual_audience").fill("96")
    page.locator("#id_summary").fill("现场互动热烈。")
    page.get_by_test_id("submit").click()
    page.get_by_test_id("confirm-dialog").get_by_test_id("confirm-ok").click()  # final: asked
    page.get_by_text("尚未到举办日期").first.wait_for()
    assert "尚未到举办日期" in page.content()
    assert page.locator("#id_summary").input_value() == "现场互动热烈。"
    assert page.locator("#id_actual_audience").input_value() == "96"
    event.refresh_from_db()
    assert event.status == EventStatus.APPROVED and not LedgerRecord.objects.exists()


@pytest.mark.browser
def test_a_score_above_the_maximum_keeps_every_score_and_note(page, tree, users):
    setup = make_plan(tree, users)
    first, second = setup.lines
    _log_in(page, "u_inspector")
    page.goto(setup.result.get_absolute_url())
    page.locator(f"input[name='score-{first.pk}']").fill("8.5")
    page.locator(f"input[name='note-{first.pk}']").fill("学习记录较全")
    page.locator(f"input[name='score-{second.pk}']").fill("999")
    page.locator(f"input[name='note-{second.pk}']").fill("佐证材料缺失")
    page.get_by_test_id("save-scores").click()
    page.wait_for_load_state()
    assert re.search(r"得分不能超过本项满分", page.content())
    assert page.locator(f"input[name='score-{first.pk}']").input_value() == "8.5"
    assert page.locator(f"input[name='note-{second.pk}']").input_value() == "佐证材料缺失"
    assert not setup.result.scores.exists()

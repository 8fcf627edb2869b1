"""统计报表: design, fill (browser and Excel), bad input kept with Chinese messages beside the
field, return with reasons per field, accept, aggregate, metrics, scope and double submit."""

import datetime
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from luoshi.core import metrics
from luoshi.core.workflow import WorkflowError, WorkflowStep
from luoshi.statforms import services
from luoshi.statforms.expressions import RuleError, parse_rule
from luoshi.statforms.models import FigureValue, FormField, FormTask, Submission
from luoshi.statforms.yaml_format import export_version
from luoshi.tasks.models import AssignmentStatus, TaskAssignment
from luoshi.tasks.services import run_schedules
from tests.factories import LedgerRecordFactory
from tests.statforms_support import GOOD, issue_form, make_form, post_values, stat_world


@pytest.fixture
def world(tree, users):
    return stat_world(tree, users)


def _assignment(form_task, unit) -> TaskAssignment:
    return TaskAssignment.objects.get(task=form_task.task, unit=unit)


def _page(assignment):
    return reverse("statforms:submission", args=[assignment.pk])


# --- the rule language ---------------------------------------------------------------------


def test_rules_compare_arithmetic_of_fields_and_refuse_anything_else():
    codes = {"a", "b", "c"}
    rule = parse_rule("a + b ≤ c * 2", codes)
    assert rule.names == ("a", "b", "c")
    assert rule.holds({"a": Decimal(1), "b": Decimal(2), "c": Decimal(2)}) is True
    assert rule.holds({"a": Decimal(3), "b": Decimal(2), "c": Decimal(2)}) is False
    assert rule.holds({"a": Decimal(3), "b": None, "c": Decimal(2)}) is None  # not filled yet
    assert parse_rule("a / b = 1", codes).holds({"a": Decimal(1), "b": Decimal(0)}) is None
    assert parse_rule("0 <= a <= c", codes).holds({"a": Decimal(5), "c": Decimal(4)}) is False
    for hostile in (
        "__import__('os').system('x') == 0",
        "a.real > 1",
        "abs(a) > 1",
        "a ** 99999 > 1",
        "(lambda: 1)() == 1",
        "'x' == 'x'",
        "a if b else c",
        "a + b",
        "d < a",
        "[a] == [b]",
    ):
        with pytest.raises(RuleError):
            parse_rule(hostile, codes)


# --- designing --------------------------------------------------------------------------------


def test_a_published_version_never_changes_and_editing_makes_the_next(client, world):
    version = world.version
    client.force_login(world.issuer)
    response = client.post(
        reverse("statforms:field_add", args=[version.pk]),
        {"code": "extra", "label": "新增项", "kind": "integer", "order": 0},
        follow=True,
    )
    assert "已发布的版本不能修改" in response.content.decode()
    assert not version.fields.filter(code="extra").exists()
    client.post(reverse("statforms:new_version", args=[version.form.pk]))
    draft = version.form.versions.get(number=2)
    assert list(draft.fields.values_list("code", flat=True)) == list(
        version.fields.values_list("code", flat=True)
    )
    assert draft.rules.get().expression == "downloads <= members"


def test_a_rule_naming_an_unknown_field_is_refused_beside_the_field(client, world):
    draft = services.new_version(form=world.version.form, user=world.issuer)
    client.force_login(world.issuer)
    response = client.post(
        reverse("statforms:rule_add", args=[draft.pk]),
        {"expression": "downloads <= voters", "message": "不能超过"},
    )
    assert "「voters」不是本表的字段编码" in response.content.decode()
    assert draft.rules.count() == 1


def test_yaml_round_trip_and_strict_errors(client, world):
    text = export_version(world.version)
    assert "downloads <= members" in text and "ledger_count" in text
    client.force_login(world.issuer)
    upload = SimpleUploadedFile("f.yaml", text.replace("ideology_q", "copy_q").encode())
    response = client.post(
        reverse("statforms:import"), {"unit": world.tree.own.pk, "file": upload}, follow=True
    )
    assert response.status_code == 200
    copy = response.context["object"]
    assert copy.form.code == "copy_q"
    assert [f.code for f in copy.fields.all()] == [f.code for f in world.version.fields.all()]
    broken = text.replace("kind: integer", "kind: integr", 1).replace("ideology_q", "bad_q")
    response = client.post(
        reverse("statforms:import"),
        {"unit": world.tree.own.pk, "file": SimpleUploadedFile("b.yaml", broken.encode())},
    )
    assert "类型应为" in response.content.decode()
    assert not Submission.objects.exists()


# --- filling: bad input keeps everything typed --------------------------------------------------


@pytest.fixture
def task(world):
    return issue_form(world, world.version)


def _post(client, assignment, values, **kwargs):
    return client.post(_page(assignment), post_values(values, **kwargs))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"members": "7a4"}, "members", "应填写整数，而不是「7a4」"),
        ({"rate": "120"}, "rate", "比例应在 0 到 100% 之间"),
        ({"downloads": "80", "rate": ""}, "downloads", "下载人数不能超过党员总数"),
        ({"boards": "501"}, "boards", "不能大于 500"),
        ({"rate": "50"}, "rate", "与分子、分母计算的结果 67.57% 不一致"),
    ],
)
def test_bad_input_is_refused_beside_the_field_and_kept(
    client, world, task, changes, field, message
):
    assignment = _assignment(task, world.news)
    client.force_login(world.news_clerk)
    typed = {**GOOD, **changes}
    response = _post(client, assignment, typed)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert f'data-testid="error-{field}"' in html
    for code, value in typed.items():
        assert f'name="f-{code}" value="{value}"' in html  # everything typed is still there
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.PENDING
    assert not WorkflowStep.objects.exists()
    saved = Submission.objects.get(assignment=assignment)  # nothing written: not even a draft
    assert saved.values != typed and saved.saved_at is None
    assert not FigureValue.objects.exists()


def test_a_prefilled_value_changed_needs_a_reason(client, world, task):
    for day in (10, 20):
        LedgerRecordFactory(
            unit=world.news,
            created_by=world.news_clerk,
            date=task.period_start.replace(day=day),
        )
    assignment = _assignment(task, world.news)
    client.force_login(world.news_clerk)
    page = client.get(_page(assignment)).content.decode()
    assert "系统根据台账预填：2" in page
    assert 'name="f-study" value="2"' in page
    response = _post(client, assignment, {**GOOD, "study": "3"})
    assert "系统根据台账预填为 2，修改为 3 须说明理由" in response.content.decode()
    response = _post(
        client, assignment, {**GOOD, "study": "3"}, reasons={"study": "一次未录入台账"}
    )
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.SUBMITTED
    assert assignment.statform_submission.reasons == {"study": "一次未录入台账"}


def test_draft_keeps_partial_values_without_submitting(client, world, task):
    assignment = _assignment(task, world.news)
    client.force_login(world.news_clerk)
    response = _post(client, assignment, {"members": "74", "downloads": "x"}, action="save")
    assert "已暂存" in response.content.decode()
    submission = Submission.objects.get(assignment=assignment)
    assert submission.values["members"] == "74" and submission.values["downloads"] == "x"
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.PENDING


def test_double_submit_takes_one_step(client, world, task):
    assignment = _assignment(task, world.news)
    client.force_login(world.news_clerk)
    _post(client, assignment, GOOD)
    response = client.post(_page(assignment), post_values(GOOD), follow=True)
    assert "当前状态下不能修改填报内容" in response.content.decode()
    assert WorkflowStep.objects.filter(object_id=assignment.pk).count() == 1
    submission = Submission.objects.get(assignment=assignment)
    with pytest.raises(WorkflowError):
        services.submit(submission=submission, user=world.news_clerk, values=GOOD, reasons={})


# --- Excel ----------------------------------------------------------------------------------


def _filled_template(client, assignment, values: dict) -> SimpleUploadedFile:
    content = client.get(reverse("statforms:template", args=[assignment.pk])).content
    workbook = openpyxl.load_workbook(BytesIO(content))
    sheet = workbook.worksheets[0]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in values:
            row[3].value = values[row[0].value]
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("填好的.xlsx", buffer.getvalue())


def test_excel_template_filled_and_uploaded_then_submitted(client, world, task):
    assignment = _assignment(task, world.theory)
    client.force_login(world.theory_clerk)
    upload = _filled_template(
        client, assignment, {**GOOD, "members": 60, "downloads": 30, "rate": 50}
    )
    response = client.post(_page(assignment), {"action": "upload", "file": upload}, follow=True)
    assert "已从 Excel 读入并暂存" in response.content.decode()
    submission = Submission.objects.get(assignment=assignment)
    assert submission.values["members"] == "60" and submission.source == "excel"
    _post(client, assignment, submission.values)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.SUBMITTED


def test_a_file_of_another_form_is_refused(client, world, task):
    other = make_form(world.issuer, world.tree.own, code="other_form", title="文明实践统计表")
    other_task = issue_form(world, other)
    client.force_login(world.theory_clerk)
    wrong = _filled_template(client, _assignment(other_task, world.theory), GOOD)
    assignment = _assignment(task, world.theory)
    _post(client, assignment, {"members": "61"}, action="save")
    response = client.post(_page(assignment), {"action": "upload", "file": wrong})
    html = response.content.decode()
    message = "该文件是「文明实践统计表［other_form 第1版］」的导入模板"
    beside = html.split('data-testid="upload-field"', 1)[1].split("</form>", 1)[0]
    assert message in beside and "invalid-feedback" in beside  # beside the file input
    assert 'name="f-members" value="61"' in html  # the draft is untouched and shown
    assert Submission.objects.get(assignment=assignment).values["members"] == "61"
    assert Submission.objects.get(assignment=assignment).source != "excel"


def test_excel_with_a_letter_shows_the_error_beside_the_field(client, world, task):
    assignment = _assignment(task, world.theory)
    client.force_login(world.theory_clerk)
    upload = _filled_template(client, assignment, {**GOOD, "boards": "十二"})
    html = client.post(_page(assignment), {"action": "upload", "file": upload}).content.decode()
    assert "应填写整数，而不是「十二」" in html
    assert 'name="f-boards" value="十二"' in html
    assert Submission.objects.get(assignment=assignment).values.get("boards") != "十二"


# --- review, aggregate, metrics ---------------------------------------------------------------


def _submit_both(client, world, task):
    for unit, clerk, values in (
        (world.news, world.news_clerk, GOOD),
        (
            world.theory,
            world.theory_clerk,
            {**GOOD, "members": "26", "downloads": "24", "rate": ""},
        ),
    ):
        client.force_login(clerk)
        _post(client, _assignment(task, unit), values)


def test_return_with_a_reason_per_field_resubmit_accept_and_aggregate(client, world, task):
    _submit_both(client, world, task)
    news = _assignment(task, world.news)
    client.force_login(world.issuer)
    client.post(reverse("statforms:return", args=[news.pk]), {"why-boards": "宣传栏应为 14 块"})
    news.refresh_from_db()
    assert news.status == AssignmentStatus.RETURNED
    client.force_login(world.news_clerk)
    page = client.get(_page(news)).content.decode()
    assert "退回意见：宣传栏应为 14 块" in page
    _post(client, news, {**GOOD, "boards": "14"})
    client.force_login(world.issuer)
    for unit in (world.news, world.theory):
        client.post(reverse("statforms:accept", args=[_assignment(task, unit).pk]))
    result = client.get(reverse("statforms:aggregate", args=[task.pk])).context["result"]
    sums = dict(zip([f.code for f in result.fields], result.sums, strict=True))
    assert sums["members"] == "100" and sums["downloads"] == "74" and sums["boards"] == "26"
    assert sums["rate"] == "74.0%"  # 74 / 100, not the average of 67.57% and 92.3%
    export = client.get(reverse("statforms:aggregate", args=[task.pk]) + "?export=xlsx")
    sheet = openpyxl.load_workbook(BytesIO(export.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "单位", "党员总数（人）")
    total = next(r for r in rows if r[1] and str(r[1]).startswith("合计"))
    assert total[2] == "100" and total[4] == "74.0%"
    value = metrics.value(
        "statform_rate", user=world.issuer, unit=world.tree.own, subtree=True,
        start=task.period_start, end=task.period_end,
        params={"figure": "xxqg_downloads", "of": "party_members"},
    )  # fmt: skip
    assert (value.count, value.total, str(value.rate)) == (74, 100, "74.0")
    listed = client.get(value.count_url).context["object_list"]
    assert {v.number for v in listed} == {Decimal(50), Decimal(24)}


def test_only_accepted_values_are_metrics(client, world, task):
    _submit_both(client, world, task)
    args = dict(user=world.issuer, unit=world.tree.own, subtree=True,
                start=task.period_start, end=task.period_end)  # fmt: skip
    assert metrics.value("statform_figure", params={"figure": "party_members"}, **args).count == 0
    client.force_login(world.issuer)
    client.post(reverse("statforms:accept", args=[_assignment(task, world.news).pk]))
    assert metrics.value("statform_figure", params={"figure": "party_members"}, **args).count == 74


def test_the_task_page_of_a_form_task_opens_the_form(client, world, task):
    assignment = _assignment(task, world.news)
    client.force_login(world.news_clerk)
    response = client.get(reverse("tasks:assignment_detail", args=[assignment.pk]))
    assert response.status_code == 302 and response.url == _page(assignment)
    response = client.post(reverse("tasks:submit", args=[assignment.pk]), {"submit-response": "x"})
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.PENDING


# --- scope ----------------------------------------------------------------------------------------


def test_outside_scope_is_404_for_every_page_and_write(client, world, users, task):
    assignment = _assignment(task, world.news)
    client.force_login(users.sibling_clerk)
    for url in (
        _page(assignment),
        reverse("statforms:template", args=[assignment.pk]),
        reverse("statforms:form_detail", args=[world.version.form.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(_page(assignment), post_values(GOOD)).status_code == 404
    # the other recipient reads nothing of this one and cannot write to it
    client.force_login(world.theory_clerk)
    assert client.get(_page(assignment)).status_code == 404
    assert client.post(_page(assignment), post_values(GOOD)).status_code == 404
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.PENDING


def test_a_recipient_cannot_review_nor_design(client, world, task):
    assignment = _assignment(task, world.news)
    client.force_login(world.news_clerk)
    _post(client, assignment, GOOD)
    assert client.post(reverse("statforms:accept", args=[assignment.pk])).status_code == 403
    field = FormField.objects.filter(version=world.version).first()
    response = client.post(reverse("statforms:field_delete", args=[field.pk]))
    assert response.status_code in (403, 404)
    assert FormField.objects.filter(pk=field.pk).exists()


def test_a_form_schedule_issues_each_period_as_a_form_task(client, world):
    client.force_login(world.issuer)
    response = client.post(
        reverse("statforms:schedule", args=[world.version.form.pk]),
        {
            "unit": world.tree.own.pk,
            "code": "ideology_quarterly",
            "title_template": "{period}意识形态工作统计表",
            "requirements": "每季度填报。",
            "frequency": "quarterly",
            "due_day": 10,
            "starts_on": "2026-01-01",
            "is_active": "on",
            "recipient_units": [world.news.pk, world.theory.pk],
        },
    )
    assert response.status_code == 302
    run = run_schedules(datetime.date(2026, 7, 2))
    assert run.tasks == 1
    form_task = FormTask.objects.get(task=run.created[0])
    assert (form_task.version, form_task.period_start) == (world.version, datetime.date(2026, 7, 1))
    assert not form_task.task.evidence_required
    assignment = _assignment(form_task, world.news)
    client.force_login(world.news_clerk)
    _post(client, assignment, GOOD)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.SUBMITTED


def test_values_out_of_line_are_flagged_and_small_changes_are_not():
    from types import SimpleNamespace

    from luoshi.statforms.selectors import Cell, Line, _flag

    item = FormField(code="boards", label="宣传栏", kind="integer")

    def line(unit_id, number, unit_type=1):
        unit = SimpleNamespace(unit_type_id=unit_type)
        assignment = SimpleNamespace(unit_id=unit_id, unit=unit)
        return Line(assignment, None, [Cell(str(number), Decimal(number))])

    lines = [line(1, 40), line(2, 12), line(3, 11), line(4, 10), line(5, 3, unit_type=2)]
    last = {(1, "boards"): Decimal(12), (2, "boards"): Decimal(11), (4, "boards"): Decimal(4)}
    _flag([item], lines, last)
    flags = [cell.flags for ln in lines for cell in ln.cells]
    assert flags[0] == ["上期 12，变化较大", "明显偏离同类单位中位数 11.5"]
    assert flags[1] == flags[2] == []
    assert flags[3] == ["上期 4，变化较大"]  # 10 vs 4: more than double and 6 apart
    assert flags[4] == []  # no peers of its type; a gap below 5 is never flagged

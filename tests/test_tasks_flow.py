"""任务交办: issue → submit (with evidence) → accept / return → resubmit, scope, messages."""

import datetime
from io import BytesIO

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from luoshi.accounts.models import Role
from luoshi.core.workflow import WorkflowError, WorkflowStep
from luoshi.duty.catalog import current_items
from luoshi.notices.models import Notice
from luoshi.tasks import services
from luoshi.tasks.models import AssignmentStatus, Task, TaskAssignment
from luoshi.tasks.selectors import overview
from tests.factories import make_unit, make_user, pdf_upload
from tests.tasks_support import issue, shift_days, task_world


@pytest.fixture
def world(tree, users):
    return task_world(tree, users)


def _assignment(task, unit):
    return TaskAssignment.objects.select_related("task", "unit").get(task=task, unit=unit)


def _submit(client, assignment, response="已组织专题学习", files=()):
    data = {"submit-response": response}
    if files:
        data["submit-files"] = list(files)
    return client.post(reverse("tasks:submit", args=[assignment.pk]), data, follow=True)


def test_issue_to_two_units_through_the_page(client, world):
    client.force_login(world.issuer)
    page = client.get(reverse("tasks:task_create"))
    assert page.status_code == 200
    choices = page.context["form"].fields["recipient_units"].queryset
    assert set(choices) == {world.news, world.theory}  # below the issuer, in scope
    deadline = timezone.localdate() + datetime.timedelta(days=5)
    response = client.post(
        reverse("tasks:task_create"),
        {
            "unit": world.tree.own.pk,
            "title": "报送一季度意识形态工作情况",
            "requirements": "按提纲报送，附佐证材料。",
            "deadline": deadline.isoformat(),
            "evidence_required": "on",
            "recipient_units": [world.news.pk, world.theory.pk],
            "attachments": [pdf_upload("报送提纲.pdf")],
        },
        follow=True,
    )
    assert response.status_code == 200
    task = Task.objects.get(title="报送一季度意识形态工作情况")
    assert task.created_by == world.issuer and task.unit == world.tree.own
    assert set(task.assignments.values_list("unit__code", flat=True)) == {"T11", "T12"}
    assert task.assignments.filter(status=AssignmentStatus.PENDING).count() == 2
    assert task.evidence.count() == 1
    assert "任务已下发" in response.content.decode()
    # each recipient unit's clerk is told once
    assert (
        Notice.objects.filter(recipient=world.news_clerk, title__startswith="新任务").count() == 1
    )
    # the recipient sees it in the inbox
    client.force_login(world.news_clerk)
    inbox = client.get(reverse("tasks:inbox")).content.decode()
    assert "报送一季度意识形态工作情况" in inbox


def test_recipients_must_be_below_the_issuer(client, world):
    client.force_login(world.issuer)
    response = client.post(
        reverse("tasks:task_create"),
        {
            "unit": world.news.pk,
            "title": "向平级交办",
            "requirements": "-",
            "deadline": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
            "recipient_units": [world.theory.pk],
        },
    )
    assert response.status_code == 200
    assert "只能向发文单位的下级单位或其业务指导范围内的单位交办任务" in response.content.decode()
    # the sibling is not even offered: outside the issuer's scope
    response = client.post(
        reverse("tasks:task_create"),
        {
            "unit": world.tree.own.pk,
            "title": "越权交办",
            "requirements": "-",
            "deadline": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
            "recipient_units": [world.tree.sibling.pk],
        },
    )
    assert response.status_code == 200 and not Task.objects.exists()


def test_whole_subtree(world):
    from luoshi.tasks.services import resolve_recipients

    units = resolve_recipients(issuing_unit=world.tree.root, subtree_root=world.tree.root)
    assert [u.code for u in units] == ["T1", "T11", "T12", "T2"]
    direct = resolve_recipients(
        issuing_unit=world.tree.root, subtree_root=world.tree.root, direct_only=True
    )
    assert [u.code for u in direct] == ["T1", "T2"]


def test_outside_scope_is_404(client, world):
    task = issue(world)
    news = _assignment(task, world.news)
    client.force_login(world.users.sibling_clerk)
    assert client.get(news.get_absolute_url()).status_code == 404
    assert client.get(task.get_absolute_url()).status_code == 403  # a clerk issues nothing
    client.force_login(make_user("u_sibling_admin", world.tree.sibling, "unit_admin"))
    assert client.get(news.get_absolute_url()).status_code == 404
    assert client.get(task.get_absolute_url()).status_code == 404
    client.force_login(world.users.sibling_clerk)
    assert "报送学习贯彻情况" not in client.get(reverse("tasks:inbox")).content.decode()
    # a clerk of the other recipient unit sees only their own assignment
    client.force_login(world.theory_clerk)
    assert client.get(news.get_absolute_url()).status_code == 404
    assert client.get(_assignment(task, world.theory).get_absolute_url()).status_code == 200
    # the issuer reaches both assignments through the task
    client.force_login(world.issuer)
    assert client.get(news.get_absolute_url()).status_code == 200
    assert client.get(task.get_absolute_url()).status_code == 200


def test_submit_without_required_evidence_changes_nothing(client, world):
    task = issue(world)
    news = _assignment(task, world.news)
    client.force_login(world.news_clerk)
    response = _submit(client, news)
    assert "该任务要求上传佐证材料，请上传后再提交。" in response.content.decode()
    news.refresh_from_db()
    assert news.status == AssignmentStatus.PENDING
    assert news.response == "" and news.submitted_at is None
    assert not WorkflowStep.objects.exists()


def test_submit_accept_return_resubmit(client, world):
    task = issue(world)
    news, theory = _assignment(task, world.news), _assignment(task, world.theory)

    client.force_login(world.news_clerk)
    response = _submit(client, news, files=[pdf_upload("学习纪要.pdf")])
    assert "已提交" in response.content.decode()
    news.refresh_from_db()
    assert news.status == AssignmentStatus.SUBMITTED
    assert news.submitted_by == world.news_clerk and news.first_submitted_at
    assert news.evidence.count() == 1
    client.force_login(world.theory_clerk)
    _submit(client, theory, files=[pdf_upload()])

    client.force_login(world.issuer)
    # return needs a reason
    response = client.post(reverse("tasks:return", args=[news.pk]), {"comment": ""}, follow=True)
    assert "执行「退回」须填写意见" in response.content.decode()
    news.refresh_from_db()
    assert news.status == AssignmentStatus.SUBMITTED
    client.post(reverse("tasks:return", args=[news.pk]), {"comment": "请补充参学人数"})
    client.post(reverse("tasks:accept", args=[theory.pk]), {"comment": ""})
    news.refresh_from_db()
    theory.refresh_from_db()
    assert news.status == AssignmentStatus.RETURNED
    assert theory.status == AssignmentStatus.ACCEPTED and theory.accepted_at
    returned = Notice.objects.get(recipient=world.news_clerk, kind=Notice.Kind.RETURNED)
    assert returned.body == "请补充参学人数"
    assert Notice.objects.filter(recipient=world.theory_clerk, kind=Notice.Kind.ACCEPTED).exists()

    # resubmit: evidence already attached counts
    first = news.first_submitted_at
    client.force_login(world.news_clerk)
    page = client.get(news.get_absolute_url()).content.decode()
    assert "重新提交" in page and "请补充参学人数" in page
    _submit(client, news, response="已补充：应到15人，实到14人")
    news.refresh_from_db()
    assert news.status == AssignmentStatus.SUBMITTED and news.first_submitted_at == first
    client.force_login(world.issuer)
    client.post(reverse("tasks:accept", args=[news.pk]))
    news.refresh_from_db()
    assert news.status == AssignmentStatus.ACCEPTED
    steps = list(
        WorkflowStep.objects.filter(object_id=news.pk).values_list("transition", flat=True)
    )
    assert steps == ["submit", "return", "resubmit", "accept"]
    page = client.get(news.get_absolute_url()).content.decode()
    for label in ("提交", "退回", "重新提交", "采纳"):
        assert label in page


def test_another_unit_cannot_submit_for_this_unit(client, world):
    task = issue(world, evidence_required=False)
    news = _assignment(task, world.news)
    # other units' clerks: the assignment does not exist for them
    for user in (world.theory_clerk, world.users.sibling_clerk):
        client.force_login(user)
        assert _submit(client, news).status_code == 404
    # the issuing unit's admin sees it, but only the recipient unit's staff submit
    client.force_login(world.issuer)
    response = _submit(client, news)
    assert "您无权执行「提交」" in response.content.decode()
    # a leader without the submit permission: 403
    client.force_login(world.users.leader)
    assert _submit(client, news).status_code == 403
    news.refresh_from_db()
    assert news.status == AssignmentStatus.PENDING and not WorkflowStep.objects.exists()
    # and a recipient cannot accept its own submission
    client.force_login(world.news_clerk)
    _submit(client, news)
    assert client.post(reverse("tasks:accept", args=[news.pk])).status_code == 403


def test_double_accept_gets_a_clear_message_and_changes_nothing(client, world):
    task = issue(world, evidence_required=False)
    news = _assignment(task, world.news)
    services.submit(assignment=news, user=world.news_clerk, response="已完成")
    stale = _assignment(task, world.news)  # a second reviewer's page, loaded before

    client.force_login(world.issuer)
    client.post(reverse("tasks:accept", args=[news.pk]))
    response = client.post(reverse("tasks:accept", args=[news.pk]), follow=True)
    assert "当前状态为「已采纳」，不能执行「采纳」。" in response.content.decode()
    with pytest.raises(WorkflowError, match="该事项已被他人处理"):
        services.accept(assignment=stale, user=world.users.admin)
    assert WorkflowStep.objects.filter(transition="accept").count() == 1
    assert Notice.objects.filter(kind=Notice.Kind.ACCEPTED).count() == 1


def test_on_time_rate(world):
    task = issue(world, evidence_required=False, units=[world.news, world.theory])
    third = TaskAssignment.objects.create(
        task=task, unit=make_unit("网络宣传科", "T13", parent=world.tree.own)
    )
    news, theory = _assignment(task, world.news), _assignment(task, world.theory)
    services.submit(assignment=news, user=world.news_clerk, response="按时")
    shift_days(task, 10)  # the deadline passed; 新闻科 had submitted in time
    theory = _assignment(task, world.theory)
    services.submit(assignment=theory, user=world.theory_clerk, response="迟报")
    # a return and a late resubmission keep 新闻科 on time
    news = _assignment(task, world.news)
    services.return_submission(assignment=news, user=world.issuer, comment="补充材料")
    news = _assignment(task, world.news)
    services.submit(assignment=news, user=world.news_clerk, response="已补充")

    result = overview(task, world.issuer)
    assert result["total"].count == 3
    assert (result["on_time"].count, result["on_time"].total) == (1, 3)
    assert result["on_time"].text == "33.3%"
    by_unit = {row.unit_id: row for row in result["rows"]}
    assert by_unit[world.news.pk].on_time()
    assert by_unit[world.theory.pk].timeliness() == "逾期报送"
    assert by_unit[third.unit_id].timeliness() == "逾期未报"
    assert result["open_overdue"].count == 1


def test_overview_page_and_excel_export(client, world):
    task = issue(world, evidence_required=False)
    services.submit(
        assignment=_assignment(task, world.news), user=world.news_clerk, response="已完成"
    )
    client.force_login(world.issuer)
    page = client.get(task.get_absolute_url()).content.decode()
    # 按时报送率 counts only the recipients whose deadline has passed: not yet applicable
    assert 'data-testid="on-time-rate">—<' in page
    shift_days(task, 10)
    page = client.get(task.get_absolute_url()).content.decode()
    assert 'data-testid="on-time-rate">50.0%<' in page
    response = client.get(task.get_absolute_url() + "?export=xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("任务", "发文单位", "接收单位", "截止日期", "状态")
    assert {r[2] for r in rows[1:3]} == {"新闻科", "理论科"}
    assert {r[4] for r in rows[1:3]} == {"已提交", "待办"}
    assert rows[-1][:2] == ("按时报送率", "50.0%")
    # the inbox exports too
    client.force_login(world.news_clerk)
    response = client.get(reverse("tasks:inbox") + "?export=xlsx")
    sheet = openpyxl.load_workbook(BytesIO(response.content)).active
    assert [r[2] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["新闻科"]


def test_manual_urge(client, world):
    task = issue(world, evidence_required=False)
    news = _assignment(task, world.news)
    client.force_login(world.issuer)
    response = client.post(reverse("tasks:urge", args=[news.pk]), follow=True)
    assert "已向新闻科的 1 名经办人发送催办通知" in response.content.decode()
    response = client.post(reverse("tasks:urge", args=[news.pk]), follow=True)
    assert "今天已催办过新闻科" in response.content.decode()
    assert Notice.objects.filter(kind=Notice.Kind.URGE, recipient=world.news_clerk).count() == 1
    assert not Notice.objects.filter(kind=Notice.Kind.URGE, recipient=world.theory_clerk).exists()
    # recipients cannot urge, nor can anyone outside the issuing side
    client.force_login(world.news_clerk)
    assert client.post(reverse("tasks:urge", args=[news.pk])).status_code == 403
    # a unit that has reported is not urged: the refusal is the page's message
    _submit(client, news)
    client.force_login(world.issuer)
    response = client.post(reverse("tasks:urge", args=[news.pk]), follow=True)
    page = response.content.decode()
    assert "该单位已提交，无需催办" in page and "发送催办通知" not in page
    assert Notice.objects.filter(kind=Notice.Kind.URGE, recipient=world.news_clerk).count() == 1


def test_menu(client, world):
    client.force_login(world.issuer)
    html = client.get(reverse("tasks:task_list")).content.decode()
    assert "任务交办" in html and "收件箱" in html and "报送计划" in html
    client.force_login(world.news_clerk)
    html = client.get(reverse("tasks:inbox")).content.decode()
    assert "收件箱" in html and "我发出的任务" not in html


def test_issuer_reads_but_does_not_maintain_recipient_evidence(client, world):
    """Evidence is readable where its owner record is: a 本单位-scoped reviewer of the
    issuing unit downloads a recipient's file; only the recipient unit may remove it."""
    own_only = Role.objects.create(name="本单位审核", code="t-own-review", data_scope="unit")
    own_only.permissions.set(
        Permission.objects.filter(
            codename__in=["view_task", "view_taskassignment", "review_taskassignment"]
        )
    )
    reviewer = make_user("u_own_reviewer", world.tree.own)
    reviewer.groups.add(own_only)
    task = issue(world)
    news = _assignment(task, world.news)
    client.force_login(world.news_clerk)
    _submit(client, news, files=[pdf_upload("学习纪要.pdf")])
    evidence = news.evidence.get()

    client.force_login(reviewer)
    download = client.get(reverse("evidence:download", args=[evidence.pk]))
    assert download.status_code == 200
    assert client.post(reverse("evidence:delete", args=[evidence.pk])).status_code == 403
    assert news.evidence.count() == 1
    client.force_login(world.users.sibling_clerk)
    assert client.get(reverse("evidence:download", args=[evidence.pk])).status_code == 404


def test_the_duty_item_is_picked_by_name_not_typed_as_a_code(client, world):
    from luoshi.duty.services import ensure_default_pack

    ensure_default_pack()
    client.force_login(world.issuer)
    page = client.get(reverse("tasks:task_create")).content.decode()
    assert '<option value="info_reporting">信息报送按时完成</option>' in page
    data = {
        "unit": world.tree.own.pk,
        "title": "报送季度信息",
        "requirements": "按季度报送。",
        "deadline": (timezone.localdate() + datetime.timedelta(days=5)).isoformat(),
        "recipient_units": [world.news.pk],
    }
    refused = client.post(reverse("tasks:task_create"), {**data, "duty_item_code": "no_such"})
    assert "no_such" in refused.content.decode() and not Task.objects.exists()
    client.post(reverse("tasks:task_create"), {**data, "duty_item_code": "info_reporting"})
    assert Task.objects.get().duty_item_code == "info_reporting"


def test_inbox_filter_offers_duty_items_by_name(client, users):
    """The 关联责任项 drop-down (its options read once, when the form is shown: ``picker``)
    names the items in force, by code in the value; 报送计划 offers 全部."""
    item = current_items().first()
    assert item is not None, "the default pack is loaded"
    client.force_login(users.clerk)
    html = client.get(reverse("tasks:inbox")).content.decode()
    duty_select = html[html.index('name="duty_item"') :].split("</select>")[0]
    assert f'<option value="{item.code}">{item.name}</option>' in duty_select
    schedule_select = html[html.index('name="schedule"') :].split("</select>")[0]
    assert '<option value="" selected>全部</option>' in schedule_select

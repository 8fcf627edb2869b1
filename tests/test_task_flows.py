"""Flows people expect on 任务交办: withdraw or edit an issued task until the first report;
recall a submitted report before review; 批量采纳 through the workflow, per-item refusals."""

import datetime

import pytest
from django.urls import reverse

from luoshi.audit.models import OperationLog
from luoshi.core.workflow import WorkflowError, WorkflowStep
from luoshi.tasks import services
from luoshi.tasks.metrics import _assignments
from luoshi.tasks.models import AssignmentStatus, TaskAssignment
from tests.tasks_support import issue, task_world


@pytest.fixture
def world(tree, users):
    return task_world(tree, users)


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def _of(task, unit) -> TaskAssignment:
    return TaskAssignment.objects.select_related("task", "unit").get(task=task, unit=unit)


def _submit(assignment, user, text="已组织专题学习"):
    services.submit(assignment=assignment, user=user, response=text)
    assignment.refresh_from_db()


def test_withdraw_before_any_report(client, world):
    task = issue(world, evidence_required=False)
    client.force_login(world.issuer)
    page = client.get(task.get_absolute_url()).content.decode()
    assert 'data-testid="task-withdraw"' in page and "撤回后各接收单位不再办理" in page
    response = client.post(reverse("tasks:task_withdraw", args=[task.pk]), follow=True)
    assert "任务已撤回" in _messages(response)
    task.refresh_from_db()
    assert task.withdrawn_at is not None
    statuses = set(task.assignments.values_list("status", flat=True))
    assert statuses == {AssignmentStatus.WITHDRAWN}
    steps = WorkflowStep.objects.filter(workflow="tasks.assignment", transition="withdraw")
    assert steps.count() == 2 and {s.actor for s in steps} == {world.issuer}
    assert OperationLog.objects.filter(model_label="tasks.task", object_id=str(task.pk)).exists()
    assert not _assignments({}).filter(task=task).exists()  # never due: out of the rates
    # the recipients cannot report on it any more
    with pytest.raises(WorkflowError):
        _submit(_of(task, world.news), world.news_clerk)


def test_withdraw_refused_after_the_first_report(client, world):
    task = issue(world, evidence_required=False)
    _submit(_of(task, world.news), world.news_clerk)
    client.force_login(world.issuer)
    response = client.post(reverse("tasks:task_withdraw", args=[task.pk]), follow=True)
    assert "新闻科已报送（共 1 个单位），不能再撤回该任务" in _messages(response)
    assert set(task.assignments.values_list("status", flat=True)) == {
        AssignmentStatus.SUBMITTED,
        AssignmentStatus.PENDING,
    }
    page = client.get(task.get_absolute_url()).content.decode()
    assert 'data-testid="task-withdraw"' not in page and "不能再修改该任务" in page


def test_only_the_issuing_side_withdraws(client, world):
    task = issue(world, evidence_required=False)
    client.force_login(world.news_clerk)  # a recipient: no change_task permission
    assert client.post(reverse("tasks:task_withdraw", args=[task.pk])).status_code == 403
    client.force_login(world.users.sibling_clerk)
    assert client.get(reverse("tasks:task_update", args=[task.pk])).status_code == 403
    task.refresh_from_db()
    assert task.withdrawn_at is None


def test_edit_before_any_report_then_refused(client, world):
    task = issue(world, evidence_required=False)
    client.force_login(world.issuer)
    url = reverse("tasks:task_update", args=[task.pk])
    form = client.get(url)
    assert form.status_code == 200
    new_deadline = task.deadline + datetime.timedelta(days=3)
    response = client.post(
        url,
        {
            "title": "报送学习贯彻情况（补充要求）",
            "requirements": "请附会议纪要和照片。",
            "deadline": new_deadline.isoformat(),
            "version": task.version,
        },
        follow=True,
    )
    assert "任务已修改" in _messages(response)
    task.refresh_from_db()
    assert task.title == "报送学习贯彻情况（补充要求）" and task.deadline == new_deadline
    edits = OperationLog.objects.filter(
        model_label="tasks.task", object_id=str(task.pk), action=OperationLog.Action.UPDATE
    )
    assert len(edits) == 1  # one entry per edit, in words
    assert {c["field"] for c in edits[0].changes} >= {"任务标题", "截止日期"}

    _submit(_of(task, world.theory), world.theory_clerk)
    response = client.get(url, follow=True)
    assert "理论科已报送" in _messages(response) and "不能再修改该任务" in _messages(response)
    refused = client.post(
        url, {"title": "再改", "requirements": "…", "deadline": new_deadline.isoformat()}
    )
    assert "不能再修改该任务" in refused.content.decode()
    task.refresh_from_db()
    assert task.title == "报送学习贯彻情况（补充要求）"


def test_recall_a_report_before_review(client, world):
    task = issue(world, evidence_required=False)
    assignment = _of(task, world.news)
    _submit(assignment, world.news_clerk)
    client.force_login(world.news_clerk)
    page = client.get(assignment.get_absolute_url()).content.decode()
    assert 'data-testid="recall"' in page
    response = client.post(reverse("tasks:recall", args=[assignment.pk]), follow=True)
    assert "已撤回报送" in _messages(response)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.PENDING
    assert assignment.first_submitted_at is None  # a first report taken back was not reported
    # the issuer may not recall for the unit; nor after review
    _submit(assignment, world.news_clerk, "补充了会议纪要")
    client.force_login(world.issuer)
    client.post(reverse("tasks:recall", args=[assignment.pk]))
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.SUBMITTED
    services.accept(assignment=assignment, user=world.issuer)
    client.force_login(world.news_clerk)
    response = client.post(reverse("tasks:recall", args=[assignment.pk]), follow=True)
    assert "当前状态为「已采纳」，不能执行「撤回报送」" in _messages(response)


def test_batch_accept_each_through_the_workflow(client, world):
    task = issue(world, evidence_required=False)
    news, theory = _of(task, world.news), _of(task, world.theory)
    _submit(news, world.news_clerk)
    _submit(theory, world.theory_clerk)
    services.accept(assignment=theory, user=world.issuer)  # already taken by someone
    client.force_login(world.issuer)
    page = client.get(task.get_absolute_url()).content.decode()
    assert 'id="batch-accept"' in page and "采纳后该报送即为定稿" in page
    response = client.post(
        reverse("tasks:batch_accept", args=[task.pk]),
        {"assignments": [news.pk, theory.pk], "comment": "内容完整"},
        follow=True,
    )
    text = _messages(response)
    assert "已采纳 1 个单位的报送：新闻科" in text
    assert "理论科未采纳：当前状态为「已采纳」" in text
    news.refresh_from_db()
    assert news.status == AssignmentStatus.ACCEPTED
    step = WorkflowStep.objects.filter(object_id=news.pk, transition="accept").get()
    assert step.actor == world.issuer and step.comment == "内容完整"


def test_batch_accept_needs_a_choice_and_stays_in_scope(client, world, tree):
    task = issue(world, evidence_required=False)
    client.force_login(world.issuer)
    response = client.post(reverse("tasks:batch_accept", args=[task.pk]), {}, follow=True)
    assert "请先勾选要采纳的报送" in _messages(response)
    client.force_login(world.users.sibling_clerk)
    assert client.post(reverse("tasks:batch_accept", args=[task.pk])).status_code == 403
    client.force_login(world.users.reviewer)  # may review, but another task is 404
    other = issue(world, evidence_required=False, title="另一项任务")
    foreign = _of(other, world.news)
    _submit(foreign, world.news_clerk)
    client.post(reverse("tasks:batch_accept", args=[task.pk]), {"assignments": [foreign.pk]})
    foreign.refresh_from_db()
    assert foreign.status == AssignmentStatus.SUBMITTED  # not a choice of this task's form

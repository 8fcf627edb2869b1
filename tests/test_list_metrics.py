"""Figures in lists of objects (我发出的任务's 接收单位/已提交/已采纳, 排查活动's 完成 n / m, a
campaign's 风险点 per unit) come from the metric layer, for all the rows at once
(``metrics.per_object``, ``breakdown_of_object``): each equals the figure of the object's own
page and the count of the list its link opens, and a list of 5 rows costs the queries of 1."""

import datetime
import html
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from luoshi.accounts.models import Role
from luoshi.core import metrics
from luoshi.core.scope import DataScope
from luoshi.ledger.models import ActivityType, LedgerRecord
from luoshi.risks.models import Screening
from luoshi.tasks import services as task_services
from luoshi.tasks.models import AssignmentStatus, Task, TaskAssignment
from tests.factories import LedgerRecordFactory, make_unit
from tests.metrics_support import listed, screened_campaign
from tests.risks_support import launch, make_risk
from tests.tasks_support import issue, shift_days, task_world

pytestmark = pytest.mark.django_db


def _row(response, pk):
    return next(obj for obj in response.context["object_list"] if obj.pk == pk)


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _queries(client, url: str) -> int:
    """The queries of one request (a streamed export: until its last byte)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200
        _content(response)
    return len(captured)


# --- 我发出的任务 -------------------------------------------------------------------------


def _task_with_every_case(world, tree):
    """新闻科 accepted, 理论科 submitted, one withdrawn recipient, one pending, and one
    recipient outside the issuer's scope (区教育局: neither below 宣传部 nor directed by it)."""
    task = issue(world, evidence_required=False, units=[world.news, world.theory])
    TaskAssignment.objects.create(task=task, unit=make_unit("网络宣传科", "T13", parent=tree.own))
    gone = TaskAssignment.objects.create(
        task=task, unit=make_unit("已撤科", "T14", parent=tree.own)
    )
    TaskAssignment.objects.filter(pk=gone.pk).update(status=AssignmentStatus.WITHDRAWN)
    outside = TaskAssignment.objects.create(task=task, unit=tree.sibling)
    now = timezone.now()
    TaskAssignment.objects.filter(pk=outside.pk).update(
        status=AssignmentStatus.ACCEPTED, first_submitted_at=now, submitted_at=now
    )
    news = TaskAssignment.objects.get(task=task, unit=world.news)
    task_services.submit(assignment=news, user=world.news_clerk, response="已落实")
    task_services.accept(assignment=news, user=world.issuer)
    theory = TaskAssignment.objects.get(task=task, unit=world.theory)
    task_services.submit(assignment=theory, user=world.theory_clerk, response="已落实")
    return task


def test_task_list_figures_equal_the_task_page_and_their_lists(client, tree, users):
    world = task_world(tree, users)
    task = _task_with_every_case(world, tree)
    client.force_login(world.issuer)
    response = client.get(reverse("tasks:task_list"))
    row, page = _row(response, task.pk), response.content.decode()
    detail = client.get(task.get_absolute_url()).context["overview"]
    by_status = {str(label): value for label, value in detail["status_counts"]}

    # 4 recipients in scope, 1 withdrawn; 区教育局's accepted report is not the issuer's to see
    assert (row.recipients.count, row.submitted.count, row.accepted.count) == (3, 1, 1)
    assert row.recipients.count == detail["total"].count
    assert row.submitted.count == by_status["已提交"].count
    assert row.accepted.count == by_status["已采纳"].count
    for value in (row.recipients, row.submitted, row.accepted):
        assert html.escape(value.url) in page
        assert listed(client, value.url) == value.count, value.url
    assert row.accepted.url == by_status["已采纳"].url


def test_task_list_export_states_the_same_figures(client, tree, users):
    world = task_world(tree, users)
    task = _task_with_every_case(world, tree)
    client.force_login(world.issuer)
    response = client.get(reverse("tasks:task_list"), {"export": "xlsx"})
    assert response.status_code == 200
    rows = load_workbook(BytesIO(_content(response))).active.iter_rows(values_only=True)
    mine = next(line for line in rows if task.title in line)
    assert list(mine[-3:]) == [3, 1, 1]


def test_per_object_is_of_object_for_each_task(tree, users):
    """The evaluator itself: every tasks metric (a count, a due-only count, a rate, a state)
    per task equals ``of_object`` of that task, links included."""
    world = task_world(tree, users)
    busy = _task_with_every_case(world, tree)
    shift_days(busy, 10)  # due: 按时报送率 and 逾期未报 count
    quiet = issue(world, units=[world.news], title="另一项任务")
    empty = issue(world, units=[world.theory], title="撤回的任务")
    task_services.withdraw_task(task=empty, user=world.issuer)
    tasks = [busy, quiet, empty]
    cases = [("tasks_assigned", {}), ("task_series", {}), ("tasks_overdue", {})]
    cases += [("task_recipients", {"status": s}) for s in AssignmentStatus.values]
    for key, params in cases:
        many = metrics.per_object(key, tasks, user=world.issuer, param="task", params=params)
        for task in tasks:
            one = metrics.of_object(key, user=world.issuer, params={"task": task.pk, **params})
            got = many[task.pk]
            assert (got.count, got.total, got.text) == (one.count, one.total, one.text), key
            assert (got.count_url, got.total_url) == (one.count_url, one.total_url), key
    assert metrics.per_object("tasks_assigned", [], user=world.issuer, param="task") == {}


def test_api_task_figures_are_the_task_page_figures(client, tree, users):
    world = task_world(tree, users)
    task = _task_with_every_case(world, tree)
    client.force_login(world.issuer)
    results = client.get("/api/v1/tasks/").json()["results"]
    mine = next(item for item in results if item["id"] == task.pk)
    one = client.get(f"/api/v1/tasks/{task.pk}/").json()
    for item in (mine, one):
        counts = [item[n] for n in ("assignment_count", "submitted_count", "accepted_count")]
        assert counts == [3, 1, 1]


def test_task_list_queries_do_not_grow_with_its_rows(client, tree, users):
    world = task_world(tree, users)
    client.force_login(world.issuer)
    url = reverse("tasks:task_list")
    first = _task_with_every_case(world, tree)
    client.get(url)  # caches (permissions, content types) filled
    one = _queries(client, url)
    for n in range(4):
        issue(world, units=[world.news, world.theory], title=f"任务{n}")
    assert len(client.get(url).context["object_list"]) == 5
    assert _queries(client, url) == one
    # the export: each chunk of rows with its figures, the same queries for 1 row or 5
    export = f"{url}?export=xlsx"
    five = _queries(client, export)
    Task.objects.exclude(pk=first.pk).delete()
    assert _queries(client, export) == five


# --- 排查活动 and a campaign's units ------------------------------------------------------


@pytest.fixture
def campaign(tree, users):
    """The shared screened campaign, plus a self-check of 区教育局 outside the launcher's
    scope, completed with a point of its own."""
    campaign, clerks = screened_campaign(users, tree)
    outside = TaskAssignment.objects.create(task=campaign.task, unit=tree.sibling)
    far = Screening.objects.create(
        campaign=campaign,
        assignment=outside,
        unit=tree.sibling,
        title=campaign.task.title,
        completed_at=timezone.now(),
    )
    make_risk(tree.sibling, screening=far)
    campaign.clerks = clerks
    return campaign


def test_campaign_list_completion_equals_the_campaign_page_and_its_lists(
    client, tree, users, campaign
):
    task = campaign.task
    task.deadline = timezone.localdate() - datetime.timedelta(days=1)
    task.save()
    client.force_login(users.unit_admin)
    response = client.get(reverse("risks:campaigns"))
    row, page = _row(response, campaign.pk), response.content.decode()
    detail = client.get(campaign.get_absolute_url()).context["overview"]["completion"]

    # 区教育局's self-check is not the launcher's to see: 2 of 3, not 3 of 4
    assert (row.completion.count, row.completion.total) == (2, 3)
    assert (row.completion.count, row.completion.total) == (detail.count, detail.total)
    assert row.completion.text == detail.text == "66.7%"
    for number, url in [
        (row.completion.count, row.completion.count_url),
        (row.completion.total, row.completion.total_url),
    ]:
        assert html.escape(url) in page
        assert listed(client, url) == number, url


def test_campaign_units_risk_points_equal_their_lists(client, tree, users, campaign):
    client.force_login(users.unit_admin)
    response = client.get(campaign.get_absolute_url())
    overview, page = response.context["overview"], response.content.decode()
    rows = {row.unit_id: row.risk_points for row in overview["rows"]}

    assert {pk: v.count for pk, v in rows.items() if v is not None} == {
        tree.child.pk: 2,
        **{pk: 0 for pk in campaign.clerks if pk != tree.child.pk},
    }
    # 区教育局: outside the reader's scope, 「—」 and no link (its points are not theirs)
    assert rows[tree.sibling.pk] is None
    assert sum(v.count for v in rows.values() if v is not None) == overview["risk_count"].count
    for value in rows.values():
        if value is not None:
            assert html.escape(value.url) in page
            assert listed(client, value.url) == value.count, value.url


def test_campaign_queries_do_not_grow_with_its_rows(client, tree, users, campaign):
    first = campaign
    client.force_login(users.unit_admin)
    url = reverse("risks:campaigns")
    client.get(url)  # caches (permissions, content types) filled
    one = _queries(client, url)
    page_one = _queries(client, first.get_absolute_url())
    for n in range(4):
        launch(users.unit_admin, tree.own, tree.own, checklist=f"清单{n}")
    assert len(client.get(url).context["object_list"]) == 5
    assert _queries(client, url) == one
    # a campaign to five units costs what one to three does
    for n in range(2):
        make_unit(f"丙{n}科", f"T2{n}", parent=tree.own)
    wider = launch(users.unit_admin, tree.own, tree.own)
    assert len(client.get(wider.get_absolute_url()).context["overview"]["rows"]) == 5
    assert _queries(client, wider.get_absolute_url()) == page_one


def test_activity_types_state_this_years_records_in_scope(client, users, tree):
    """活动类型's 本年记录数: the metric ``ledger_count`` of each type over this year and
    the records the user may open (not another unit's, not last year's), linking to them."""
    today = timezone.localdate()
    study = ActivityType.objects.get(code="study_group")
    for unit in (tree.own, tree.child, tree.sibling):
        LedgerRecordFactory(unit=unit, activity_type=study, date=today)
    LedgerRecordFactory(unit=tree.own, activity_type=study, date=today.replace(year=today.year - 1))
    # the dictionary's administrator with the scope of a unit and its subtree (not 全部)
    Role.objects.filter(code="admin").update(data_scope=DataScope.SUBTREE)
    client.force_login(users.admin)
    response = client.get(reverse("ledger:types"))
    rows = {kind.code: used for kind, used in response.context["rows"]}
    expected = LedgerRecord.objects.for_user(users.admin).filter(
        activity_type=study, date__year=today.year
    )
    assert rows["study_group"].count == expected.count() == 2  # own unit and its child
    assert listed(client, rows["study_group"].count_url) == rows["study_group"].count
    page = html.unescape(response.content.decode())
    assert f'href="{rows["study_group"].count_url}"' in page
    assert all(used.count == 0 for code, used in rows.items() if code != "study_group")

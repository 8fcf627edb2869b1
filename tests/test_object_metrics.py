"""Figures of ONE object (a task's recipients, a screening campaign's self-checks, an
inspection's findings per unit) come from the metric layer (``metrics.of_object``): each number
a page states equals the count of the list page its link opens, for the user reading it."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from luoshi.core import metrics
from luoshi.inspections import services as inspection_services
from luoshi.inspections.models import RectificationItem
from luoshi.tasks import services as task_services
from luoshi.tasks.models import AssignmentStatus, TaskAssignment
from tests.factories import make_unit, pdf_upload
from tests.inspections_support import add_item, child_clerk, make_plan
from tests.metrics_support import listed, numbers_equal_their_lists, screened_campaign
from tests.statforms_support import issue_form, stat_world
from tests.tasks_support import issue, shift_days, task_world
from tests.test_statforms import _submit_both

pytestmark = pytest.mark.django_db


@pytest.fixture
def stat_world_task(tree, users):
    world = stat_world(tree, users)
    return world, issue_form(world, world.version)


def test_task_page_figures_equal_their_lists(client, tree, users):
    world = task_world(tree, users)
    task = issue(world, evidence_required=False, units=[world.news, world.theory])
    third = make_unit("网络宣传科", "T13", parent=world.tree.own)
    TaskAssignment.objects.create(task=task, unit=third)
    gone = TaskAssignment.objects.create(
        task=task, unit=make_unit("已撤科", "T14", parent=tree.own)
    )
    TaskAssignment.objects.filter(pk=gone.pk).update(status=AssignmentStatus.WITHDRAWN)
    news = TaskAssignment.objects.get(task=task, unit=world.news)
    task_services.submit(assignment=news, user=world.news_clerk, response="按时")
    shift_days(task, 10)
    theory = TaskAssignment.objects.get(task=task, unit=world.theory)
    task_services.submit(assignment=theory, user=world.theory_clerk, response="迟报")

    client.force_login(world.issuer)
    response = client.get(task.get_absolute_url())
    overview, page = response.context["overview"], response.content.decode()
    # 接收单位 leaves the withdrawn one out; 按时 1 of 3 due; 网络宣传科 never reported
    assert overview["total"].count == 3
    assert (overview["on_time"].count, overview["on_time"].total) == (1, 3)
    assert overview["open_overdue"].count == 1
    by_status = {label: value.count for label, value in overview["status_counts"]}
    assert by_status["已提交"] == 2 and by_status["已撤回"] == 1
    values = [overview["total"], overview["on_time"], overview["open_overdue"]]
    numbers_equal_their_lists(client, page, values + [v for _l, v in overview["status_counts"]])


def test_campaign_page_figures_equal_their_lists(client, tree, users):
    campaign, _clerks = screened_campaign(users, tree)
    task = campaign.task
    task.deadline = timezone.localdate() - datetime.timedelta(days=1)
    task.save()

    client.force_login(users.unit_admin)
    response = client.get(campaign.get_absolute_url())
    overview, page = response.context["overview"], response.content.decode()
    names = ["total", "completed", "with_risks", "declared_none", "risk_count", "open_overdue"]
    assert [overview[name].count for name in names] == [3, 2, 1, 1, 2, 1]
    assert overview["completion"].text == "66.7%"
    numbers_equal_their_lists(
        client, page, [overview[name] for name in names] + [overview["completion"]]
    )


def test_inspection_figures_per_unit_equal_their_lists(client, tree, users):
    other = make_unit("理论科", "T15", parent=tree.own)
    setup = make_plan(tree, users, units=[tree.child, other])
    clerk = child_clerk(tree)
    a = add_item(setup, users, clerk, days=5, text="问题一")
    b = add_item(setup, users, clerk, days=5, text="问题二")
    c = add_item(setup, users, clerk, days=5, text="问题三")
    add_item(setup, users, clerk, days=5, text="问题四")
    inspection_services.submit(item=a, user=clerk, response="已整改", files=[pdf_upload()])
    inspection_services.close(item=a, user=users.inspector)
    inspection_services.submit(item=b, user=clerk, response="已整改", files=[pdf_upload()])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    RectificationItem.objects.filter(pk=c.pk).update(deadline=yesterday)
    make_plan(tree, users, title="另一次督查")  # its items are not this plan's

    client.force_login(users.inspector)
    response = client.get(setup.plan.get_absolute_url())
    rows = {row["unit"]: row["figures"] for row in response.context["bulletin"]["by_unit"]}
    mine = rows[tree.child]
    assert (mine.rate.total, mine.rate.count, mine.rate.text) == (4, 1, "25.0%")
    assert (mine.submitted.count, mine.open.count, mine.overdue.count) == (1, 2, 1)
    assert (rows[other].rate.total, rows[other].rate.text) == (0, metrics.NOT_APPLICABLE)
    page = response.content.decode()
    numbers_equal_their_lists(client, page, [mine.rate, mine.overdue])
    for value in (mine.submitted, mine.open, rows[other].rate):
        assert listed(client, value.count_url) == value.count


def test_form_task_sums_equal_the_values_their_links_list(client, stat_world_task):
    world, task = stat_world_task
    _submit_both(client, world, task)  # both submitted, neither accepted yet
    client.force_login(world.issuer)
    news = TaskAssignment.objects.get(task=task.task, unit=world.news)
    client.post(reverse("statforms:accept", args=[news.pk]))
    response = client.get(reverse("statforms:aggregate", args=[task.pk]))
    result, page = response.context["result"], response.content.decode()
    cells = dict(zip([f.code for f in result.fields], result.sum_cells, strict=True))
    assert cells["members"][0] == "100" and cells["downloads"][0] == "74"
    assert cells["rate"] == ("74.0%", "")  # a rate of two sums links to neither
    for code in ("members", "downloads", "boards"):
        total, url = cells[code]
        assert html.escape(url) in page
        listed = client.get(url).context["object_list"]
        assert {v.submission.form_task_id for v in listed} == {task.pk}
        assert {v.field_code for v in listed} == {code} and len(listed) == 2
        assert metrics.figure(sum(v.number for v in listed)) == int(total)
    # without 「已提交或已采纳」 the list keeps to accepted values, as the form metrics do
    accepted = client.get(
        reverse("statforms:figures"), {"form_task": task.pk, "field_code": "members"}
    )
    assert [v.unit for v in accepted.context["object_list"]] == [world.news]

"""督查整改: scope on both sides, separation of duties, the rectification flow, numbers."""

import datetime
import html
import re
from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from luoshi.core import metrics
from luoshi.core.indicators import SYSTEM, measure
from luoshi.core.workflow import WorkflowError
from luoshi.inspections import selectors, services
from luoshi.inspections.models import RectificationItem, RectificationStatus
from luoshi.notices.models import Notice
from tests.factories import make_user, pdf_upload
from tests.inspections_support import add_item, child_clerk, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(tree, users):
    return make_plan(tree, users)


@pytest.fixture
def clerk(tree):
    return child_clerk(tree)


def _login(client, user):
    client.force_login(user)
    return client


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- scope ------------------------------------------------------------------------------------


def test_unrelated_unit_gets_404(client, tree, users, setup, clerk):
    item = add_item(setup, users, clerk)
    _login(client, users.sibling_clerk)
    for url in (
        setup.result.get_absolute_url(),
        item.get_absolute_url(),
        setup.plan.get_absolute_url(),
    ):
        assert client.get(url).status_code in (403, 404)
    assert client.get(item.get_absolute_url()).status_code == 404
    assert client.get(setup.result.get_absolute_url()).status_code == 404
    response = client.post(reverse("inspections:item_submit", args=[item.pk]), {})
    assert response.status_code == 404


def test_inspected_unit_sees_own_result_and_items_not_others(client, tree, users, clerk):
    setup = make_plan(tree, users, units=[tree.child, tree.sibling])
    item = add_item(setup, users, clerk)
    other_result = setup.plan.results.get(unit=tree.sibling)
    other = services.add_finding(
        result=other_result,
        user=users.inspector,
        description="教育局问题",
        owner=users.sibling_clerk,
        deadline=timezone.localdate(),
    )
    _login(client, clerk)
    assert client.get(setup.result.get_absolute_url()).status_code == 200
    assert client.get(item.get_absolute_url()).status_code == 200
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(other_result.get_absolute_url()).status_code == 404
    listing = client.get(reverse("inspections:items"))
    assert list(listing.context["object_list"]) == [item]
    # the inspecting side sees both units' items
    assert set(RectificationItem.objects.for_user(users.inspector)) == {item, other}


def test_team_member_outside_scope_sees_the_plan(tree, users):
    outsider = make_user("u_outside_inspector", tree.sibling, "inspector")
    setup = make_plan(tree, users)
    setup.plan.team.add(outsider)
    from luoshi.inspections.models import InspectionPlan, InspectionResult

    assert InspectionPlan.objects.for_user(outsider).filter(pk=setup.plan.pk).exists()
    assert InspectionResult.objects.for_user(outsider).filter(pk=setup.result.pk).exists()


def test_a_team_member_from_elsewhere_cannot_edit_the_plan(client, tree, users):
    """Reading a plan as its team never opens its edit page: 404, nothing changed."""
    outsider = make_user("u_outside_inspector", tree.sibling, "inspector")
    setup = make_plan(tree, users)
    setup.plan.team.add(outsider)
    _login(client, outsider)
    url = reverse("inspections:plan_update", args=[setup.plan.pk])
    assert client.get(url).status_code == 404
    data = {"unit": tree.sibling.pk, "title": "改名", "starts_on": "2026-01-01"}
    assert client.post(url, data).status_code == 404
    setup.plan.refresh_from_db()
    assert (setup.plan.unit, setup.plan.title) == (tree.own, "2026年意识形态工作专项督查")


def test_a_completed_plan_and_its_results_change_no_more(client, tree, users, setup):
    for step in ("start", "complete"):
        services.plan_step(plan=setup.plan, user=users.inspector, name=step)
    _login(client, users.inspector)
    url = reverse("inspections:plan_update", args=[setup.plan.pk])
    page = client.get(url, follow=True)
    assert "该记录已处于「已完成」状态，不能再修改或删除" in "".join(_messages(page))
    assert page.redirect_chain[-1][0] == setup.plan.get_absolute_url()
    client.post(url, {"title": "完成后改名", "unit": tree.own.pk})
    setup.plan.refresh_from_db()
    assert setup.plan.title == "2026年意识形态工作专项督查"
    # the unit's result is final with its plan: 反馈 is refused, the result stays pending
    response = client.post(
        reverse("inspections:result_record", args=[setup.result.pk]), follow=True
    )
    assert "所属记录已处于「已完成」状态" in "".join(_messages(response))
    setup.result.refresh_from_db()
    assert setup.result.recorded_by is None
    with pytest.raises(WorkflowError):
        services.record_result(result=setup.result, user=users.inspector)


def test_admin_with_all_scope_sees_plans_and_items_without_sitting_on_the_team(tree, users, clerk):
    """The team condition is OR-ed onto the scope: for the 全部 scope that must stay 全部."""
    from luoshi.inspections.models import InspectionPlan, InspectionResult

    setup = make_plan(tree, users)
    item = add_item(setup, users, clerk)
    admin = make_user("u_all_scope", tree.sibling, "admin")
    assert not setup.plan.team.filter(pk=admin.pk).exists()
    assert InspectionPlan.objects.for_user(admin).filter(pk=setup.plan.pk).exists()
    assert InspectionResult.objects.for_user(admin).filter(pk=setup.result.pk).exists()
    assert RectificationItem.objects.for_user(admin).filter(pk=item.pk).exists()


# --- only the plan's team records and verifies -------------------------------------------------


def test_only_team_records_results(client, tree, users, setup, clerk):
    other_inspector = make_user("u_inspector2", tree.own, "inspector")
    _login(client, other_inspector)
    response = client.post(
        reverse("inspections:result_scores", args=[setup.result.pk]),
        {f"score-{setup.lines[0].pk}": "8"},
        follow=True,
    )
    assert "只有本次督查的督查组成员才能录入督查结果" in "".join(_messages(response))
    assert not setup.result.scores.exists()
    response = client.post(
        reverse("inspections:result_finding", args=[setup.result.pk]),
        {
            "finding-description": "问题",
            "finding-owner": clerk.pk,
            "finding-deadline": timezone.localdate().isoformat(),
        },
        follow=True,
    )
    assert "督查组成员" in "".join(_messages(response))
    assert not RectificationItem.objects.exists()

    _login(client, users.inspector)
    client.post(
        reverse("inspections:result_scores", args=[setup.result.pk]),
        {
            f"score-{setup.lines[0].pk}": "8",
            f"score-{setup.lines[1].pk}": "15.5",
            f"note-{setup.lines[1].pk}": "佐证材料缺失",
            "summary": "工作基础较好",
        },
    )
    setup.result.refresh_from_db()
    assert setup.result.total_score == pytest.approx(23.5)
    response = client.post(
        reverse("inspections:result_scores", args=[setup.result.pk]),
        {f"score-{setup.lines[0].pk}": "11"},
        follow=True,
    )
    assert "得分不能超过本项满分 10" in response.content.decode()
    setup.result.refresh_from_db()
    assert setup.result.total_score == pytest.approx(23.5)


def test_finding_becomes_item_and_notifies_owner(client, users, setup, clerk):
    _login(client, users.inspector)
    response = client.post(
        reverse("inspections:result_finding", args=[setup.result.pk]),
        {
            "finding-line": setup.lines[1].pk,
            "finding-description": "可供查阅的工作资料少之又少",
            "finding-requirement": "建立佐证材料归档制度",
            "finding-owner": clerk.pk,
            "finding-deadline": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        },
        follow=True,
    )
    assert "已登记问题" in "".join(_messages(response))
    item = RectificationItem.objects.get()
    assert item.unit == setup.result.unit and item.owner == clerk
    assert item.status == RectificationStatus.PENDING
    assert Notice.objects.filter(recipient=clerk, url=item.get_absolute_url()).exists()


# --- the flow and its separation ---------------------------------------------------------------


def test_inspected_unit_cannot_close_its_own_item(client, tree, users, setup, clerk):
    item = add_item(setup, users, clerk)
    services.submit(item=item, user=clerk, response="已整改", files=[pdf_upload()])
    unit_admin = make_user("u_child_admin", tree.child, "unit_admin")
    for user in (clerk, unit_admin):
        _login(client, user)
        response = client.post(
            reverse("inspections:item_close", args=[item.pk]), {"comment": "自己销号"}, follow=True
        )
        text = "".join(_messages(response))
        assert "您无权执行「销号」" in text or "被督查单位不能为本单位的整改事项核验销号" in text
        item.refresh_from_db()
        assert item.status == RectificationStatus.SUBMITTED and item.closed_at is None
    # the inspector's own unit admin is not on the team either
    with pytest.raises(WorkflowError):
        services.close(item=item, user=users.unit_admin)


def test_send_back_resubmit_close(client, users, setup, clerk):
    item = add_item(setup, users, clerk)
    _login(client, clerk)
    response = client.post(
        reverse("inspections:item_submit", args=[item.pk]),
        {"submit-response": "已补齐学习记录"},
        follow=True,
    )
    assert "请上传整改佐证材料" in "".join(_messages(response))
    response = client.post(
        reverse("inspections:item_submit", args=[item.pk]),
        {"submit-response": "已补齐学习记录", "submit-files": pdf_upload()},
        follow=True,
    )
    assert "等待督查组核验" in "".join(_messages(response))
    _login(client, users.inspector)
    response = client.post(
        reverse("inspections:item_send_back", args=[item.pk]), {"comment": ""}, follow=True
    )
    assert "须填写意见" in "".join(_messages(response))
    client.post(reverse("inspections:item_send_back", args=[item.pk]), {"comment": "缺少签到表"})
    item.refresh_from_db()
    assert item.status == RectificationStatus.RETURNED
    _login(client, clerk)
    client.post(
        reverse("inspections:item_submit", args=[item.pk]),
        {"submit-response": "已补签到表"},
    )
    item.refresh_from_db()
    assert item.status == RectificationStatus.SUBMITTED
    _login(client, users.inspector)
    client.post(reverse("inspections:item_close", args=[item.pk]), {"comment": "核验通过"})
    item.refresh_from_db()
    assert item.status == RectificationStatus.CLOSED and item.closed_by == users.inspector
    response = client.post(
        reverse("inspections:item_close", args=[item.pk]), {"comment": "再次"}, follow=True
    )
    assert "当前状态为「已销号」，不能执行「销号」" in "".join(_messages(response))
    labels = [s.label for s in services.RECTIFICATION.history(item)]
    assert labels == ["提交整改", "退回重改", "重新提交整改", "销号"]


# --- numbers -----------------------------------------------------------------------------------


def _closed(item, users, clerk):
    services.submit(item=item, user=clerk, response="已整改", files=[pdf_upload()])
    services.close(item=item, user=users.inspector)


def test_rate_and_overdue(tree, users, setup, clerk):
    today = timezone.localdate()
    a = add_item(setup, users, clerk, days=5, text="问题一")
    b = add_item(setup, users, clerk, days=5, text="问题二")
    c = add_item(setup, users, clerk, days=5, text="问题三")
    add_item(setup, users, clerk, days=5, text="问题四")
    _closed(a, users, clerk)
    services.submit(item=b, user=clerk, response="已整改", files=[pdf_upload()])
    RectificationItem.objects.filter(pk=c.pk).update(deadline=today - datetime.timedelta(days=1))
    line = selectors.item_line(None, users.inspector, today)
    assert (line["rate"].total, line["rate"].count, line["overdue"].count) == (4, 1, 1)
    assert line["rate"].text == "25.0%"
    by_status = metrics.breakdown_of_object(
        "rectification_items", user=users.inspector, params={}, fields=("status",)
    )
    assert by_status[(RectificationStatus.SUBMITTED,)].count == 1
    assert by_status[(RectificationStatus.PENDING,)].count == 2
    summary = selectors.rectification_summary(users.inspector, tree.own, today)
    assert summary["rate"].total == 4 and summary["overdue"].count == 1
    rows = [(r.unit, r.rate.total, r.subtree_rate.total) for r in summary["rows"]]
    assert rows == [(tree.child, 4, 4)]


def test_summary_page_and_item_filter(client, tree, users, setup, clerk):
    item = add_item(setup, users, clerk, days=5)
    RectificationItem.objects.filter(pk=item.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=2)
    )
    add_item(setup, users, clerk, days=5, text="另一个问题")
    _login(client, users.inspector)
    response = client.get(reverse("inspections:summary"), {"unit": tree.own.pk})
    assert response.status_code == 200
    assert response.context["summary"]["overdue"].count == 1
    response = client.get(reverse("inspections:items"), {"overdue": "true"})
    assert list(response.context["object_list"]) == [item]


def test_rectification_rate_indicator_matches_its_records(client, tree, users, setup, clerk):
    year = timezone.localdate().year
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    a = add_item(setup, users, clerk, days=0, text="问题一")
    add_item(setup, users, clerk, days=0, text="问题二")
    _closed(a, users, clerk)
    for subtree, unit in ((True, tree.own), (False, tree.child), (False, tree.own)):
        result = measure(
            "rectification_rate", {}, user=SYSTEM, unit=unit, subtree=subtree, start=start, end=end
        )
        _login(client, users.inspector)
        listed = list(client.get(result.total_url).context["object_list"])
        assert result.total == len(listed)
        assert result.count == sum(1 for i in listed if i.status == RectificationStatus.CLOSED)
        closed = list(client.get(result.url).context["object_list"])
        assert result.count == len(closed)
    own = measure(
        "rectification_rate", {}, user=SYSTEM, unit=tree.child, subtree=False, start=start, end=end
    )
    assert (own.count, own.total) == (1, 2)


def test_bulletin_export_opens(client, users, setup, clerk):
    services.save_scores(
        result=setup.result,
        user=users.inspector,
        scores={setup.lines[0].pk: (9, ""), setup.lines[1].pk: (18, "")},
    )
    add_item(setup, users, clerk)
    _login(client, users.inspector)
    page = client.get(reverse("inspections:bulletin", args=[setup.plan.pk]))
    assert page.status_code == 200 and "中心组学习记录不全" in page.content.decode()
    # every figure of 整改情况 links to the items it counts
    links = re.findall(r'<a href="([^"]+)" data-testid="(\w+)">(\d+)</a>', page.content.decode())
    assert {name for _url, name, _n in links} >= {"findings", "closed", "open", "overdue"}
    for url, name, shown in links:
        listed = client.get(html.unescape(url)).context["paginator"].count
        assert listed == int(shown), (name, url)
    response = client.get(reverse("inspections:bulletin", args=[setup.plan.pk]), {"export": "xlsx"})
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["得分排名", "发现问题", "整改情况"]
    assert workbook["得分排名"]["B2"].value == "新闻科"
    assert workbook["发现问题"]["C2"].value == "中心组学习记录不全"
    export = client.get(reverse("inspections:items"), {"export": "xlsx"})
    assert openpyxl.load_workbook(BytesIO(export.content)).active.max_row == 2


def test_reminders_before_deadline_and_overdue_are_deduplicated(users, setup, clerk):
    today = timezone.localdate()
    soon = add_item(setup, users, clerk, days=2, text="将到期")
    late = add_item(setup, users, clerk, days=2, text="已逾期")
    RectificationItem.objects.filter(pk=late.pk).update(deadline=today - datetime.timedelta(days=1))
    first = services.send_reminders(today, days_before=3)
    assert first.upcoming >= 1 and first.overdue >= 1
    assert Notice.objects.filter(recipient=clerk, dedupe_key__startswith="rect-due:").count() == 1
    again = services.send_reminders(today, days_before=3)
    assert (again.upcoming, again.overdue) == (0, 0)
    assert soon.pk != late.pk


def test_plan_create_form_draws_checklist_from_pack(client, tree, users):
    from luoshi.duty.models import PackItem

    items = list(PackItem.objects.filter(is_area=False).order_by("order")[:2])
    _login(client, users.inspector)
    response = client.post(
        reverse("inspections:plan_create"),
        {
            "unit": tree.own.pk,
            "title": "专项督查",
            "starts_on": timezone.localdate().isoformat(),
            "ends_on": timezone.localdate().isoformat(),
            "inspected_units": [tree.child.pk],
            "team": [users.inspector.pk],
            "pack_items": [i.pk for i in items],
            "default_max": "10",
            "custom_lines": "佐证材料归档规范|20",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    from luoshi.inspections.models import InspectionPlan

    plan = InspectionPlan.objects.get(title="专项督查")
    assert [(line.code, line.name) for line in plan.lines.all()] == [
        (items[0].code, items[0].name),
        (items[1].code, items[1].name),
        ("", "佐证材料归档规范"),
    ]
    assert plan.results.get().unit == tree.child
    # a unit outside the inspecting unit's subtree is refused
    response = client.post(
        reverse("inspections:plan_create"),
        {
            "unit": tree.child.pk,
            "title": "越级督查",
            "starts_on": timezone.localdate().isoformat(),
            "ends_on": timezone.localdate().isoformat(),
            "inspected_units": [tree.own.pk],
            "team": [users.inspector.pk],
            "custom_lines": "x",
            "default_max": "10",
        },
    )
    assert response.status_code == 200
    assert "被督查单位须是督查单位的下级单位" in str(response.context["form"].errors)


def test_item_filters_read_all_yes_no(client, users, setup, clerk):
    open_item = add_item(setup, users, clerk, text="未整改")
    late = add_item(setup, users, clerk, days=-3, text="已逾期")
    closed = add_item(setup, users, clerk, text="已整改")
    RectificationItem.objects.filter(pk=closed.pk).update(status=RectificationStatus.CLOSED)
    _login(client, users.inspector)
    page = client.get(reverse("inspections:items")).content.decode()
    assert '<option value="" selected>全部</option>' in page and "未知" not in page

    def shown(query):
        response = client.get(reverse("inspections:items") + query)
        return {item.pk for item in response.context["object_list"]}

    assert shown("") == {open_item.pk, late.pk, closed.pk}
    assert shown("?open=true") == {open_item.pk, late.pk}
    assert shown("?open=false") == {closed.pk}
    assert shown("?overdue=true") == {late.pk}
    assert shown("?overdue=false") == {open_item.pk, closed.pk}

"""风险点排查与研判: scope, the risk status workflow, campaigns, heat map, meetings, indicator."""

import datetime
from urllib.parse import urlparse

import pytest
from django.urls import reverse
from django.utils import timezone

from luoshi.core.indicators import SYSTEM, measure
from luoshi.core.workflow import WorkflowError
from luoshi.ledger.models import LedgerRecord
from luoshi.risks import services
from luoshi.risks.models import (
    AnalysisMeeting,
    Campaign,
    RiskArea,
    RiskLevel,
    RiskPoint,
    RiskStatus,
    Screening,
)
from luoshi.tasks.models import AssignmentStatus
from tests.factories import make_unit, make_user
from tests.risks_support import fill_checklist, launch, make_risk

pytestmark = pytest.mark.django_db


def test_launching_a_campaign_says_how_many_units_it_reached(client, tree, users):
    """The page's 「已下发到 n 个单位」 is the campaign's self-checks, as its page counts them."""
    make_unit("另一下级", "T12", parent=tree.own)
    client.force_login(users.admin)
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    data = {
        "unit": tree.root.pk,
        "title": "专项排查",
        "requirements": "逐项自查",
        "deadline": deadline.isoformat(),
        "subtree_root": tree.root.pk,
        "checklist": "阵地管理是否落实",
    }
    response = client.post(reverse("risks:campaign_create"), data, follow=True)
    campaign = response.context["object"]
    reached = campaign.screenings.count()
    assert reached == 4  # T1, T11, T12, T2 below T0
    assert f"排查已下发到 {reached} 个单位。" in response.content.decode()


# ---------------------------------------------------------------------------------------------
# Scope


def test_defaults_seed_areas_and_levels():
    assert list(RiskArea.objects.values_list("name", flat=True)) == [
        "理论学习", "阵地管理", "网络宣传", "新闻出版", "文化活动",
        "教育培训", "队伍建设", "制度机制", "其他",
    ]  # fmt: skip
    assert list(RiskLevel.objects.values_list("name", "color")) == [
        ("红", "#dc3545"), ("橙", "#fd7e14"), ("黄", "#ffc107"), ("蓝", "#0d6efd"),
    ]  # fmt: skip


def test_out_of_scope_records_are_404(client, tree, users):
    sibling_risk = make_risk(tree.sibling, user=users.sibling_clerk)
    own_risk = make_risk(tree.own, user=users.clerk)
    meeting = AnalysisMeeting.objects.create(
        unit=tree.sibling,
        date=timezone.localdate(),
        title="研判会",
        attendees="局长",
        conclusions="x",
    )
    client.force_login(users.clerk)
    assert client.get(reverse("risks:risk_detail", args=[own_risk.pk])).status_code == 200
    for url in (
        reverse("risks:risk_detail", args=[sibling_risk.pk]),
        reverse("risks:update", args=[sibling_risk.pk]),
        reverse("risks:meeting_detail", args=[meeting.pk]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("risks:step", args=[sibling_risk.pk, "control"]))
    assert response.status_code == 404
    listed = client.get(reverse("risks:list")).context["object_list"]
    assert list(listed) == [own_risk]


def test_campaign_and_screening_scope(client, tree, users):
    campaign = launch(users.unit_admin, tree.own, tree.own)
    screening = campaign.screenings.get()
    assert screening.unit == tree.child
    client.force_login(users.sibling_clerk)
    assert client.get(screening.get_absolute_url()).status_code == 404
    assert client.get(campaign.get_absolute_url()).status_code == 404
    client.force_login(users.unit_admin)  # the launcher's side
    assert client.get(screening.get_absolute_url()).status_code == 200
    assert client.get(campaign.get_absolute_url()).status_code == 200


# ---------------------------------------------------------------------------------------------
# Status workflow


def test_risk_status_steps_through_the_workflow(client, tree, users):
    risk = make_risk(tree.own, user=users.clerk)
    client.force_login(users.clerk)
    url = reverse("risks:step", args=[risk.pk, "resolve"])
    response = client.post(url, {"comment": "已化解"}, follow=True)
    risk.refresh_from_db()
    assert risk.status == RiskStatus.IDENTIFIED
    assert "当前状态为「识别」，不能执行「化解销号」。" in response.content.decode()

    client.post(reverse("risks:step", args=[risk.pk, "control"]))
    risk.refresh_from_db()
    assert risk.status == RiskStatus.CONTROLLING

    response = client.post(reverse("risks:step", args=[risk.pk, "long_term"]), follow=True)
    assert "须填写意见" in response.content.decode()
    client.post(reverse("risks:step", args=[risk.pk, "long_term"]), {"comment": "需长期坚持"})
    risk.refresh_from_db()
    assert risk.status == RiskStatus.LONG_TERM
    client.post(reverse("risks:step", args=[risk.pk, "resolve"]), {"comment": "隐患消除"})
    risk.refresh_from_db()
    assert risk.status == RiskStatus.RESOLVED
    steps = [s.transition for s in services.RISK_FLOW.history(risk)]
    assert steps == ["control", "long_term", "resolve"]


def test_leader_may_not_take_steps(tree, users):
    risk = make_risk(tree.own, user=users.clerk)
    with pytest.raises(WorkflowError, match="您无权执行「落实管控」"):
        services.take_step(risk=risk, step="control", user=users.leader)


def test_register_and_export(client, tree, users):
    client.force_login(users.clerk)
    response = client.post(
        reverse("risks:create"),
        {
            "unit": tree.own.pk,
            "area": RiskArea.objects.get(code="online").pk,
            "level": RiskLevel.objects.get(code="orange").pk,
            "description": "新媒体账号发布审核流于形式",
            "cause": "编辑人手不足",
            "measures": "落实三审",
            "owner": users.clerk.pk,
            "deadline": "2099-01-01",
            "identified_on": timezone.localdate().isoformat(),
        },
    )
    risk = RiskPoint.objects.get()
    assert response.status_code == 302 and risk.created_by == users.clerk
    assert risk.history.count() == 1
    export = client.get(reverse("risks:list") + "?export=xlsx")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_owner_must_be_staff_of_the_unit(client, tree, users):
    client.force_login(users.unit_admin)
    response = client.post(
        reverse("risks:create"),
        {
            "unit": tree.own.pk,
            "area": RiskArea.objects.get(code="online").pk,
            "level": RiskLevel.objects.get(code="orange").pk,
            "description": "x",
            "measures": "y",
            "owner": make_user("child_clerk", tree.child, "clerk").pk,
            "identified_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert "责任人须为本单位工作人员。" in response.content.decode()


# ---------------------------------------------------------------------------------------------
# Campaigns


@pytest.fixture
def campaign_setup(tree, users):
    child_clerk = make_user("child_clerk", tree.child, "clerk")
    campaign = launch(users.unit_admin, tree.own, tree.own)
    return campaign, campaign.screenings.get(), child_clerk


def test_campaign_is_a_task_with_one_screening_per_unit(tree, users):
    grandchild = make_unit("编辑组", "T111", parent=tree.child)
    campaign = launch(users.admin, tree.root, tree.root)
    units = set(campaign.screenings.values_list("unit_id", flat=True))
    assert units == {tree.own.pk, tree.child.pk, tree.sibling.pk, grandchild.pk}
    assert campaign.task.assignments.count() == 4
    assert not campaign.task.evidence_required
    assert all(s.assignment.unit_id == s.unit_id for s in campaign.screenings.all())
    limited = launch(users.unit_admin, tree.root, tree.root)  # only units in the launcher's scope
    assert tree.sibling.pk not in set(limited.screenings.values_list("unit_id", flat=True))


def test_declare_none_requires_a_reason(campaign_setup):
    _campaign, screening, clerk = campaign_setup
    screening.no_risk_declared = True
    fill_checklist(screening)
    with pytest.raises(WorkflowError, match="声明未发现风险点须填写说明理由"):
        services.submit_screening(screening=screening, user=clerk)
    assert screening.assignment.status == AssignmentStatus.PENDING


def test_submission_needs_risks_or_a_declaration(campaign_setup):
    _campaign, screening, clerk = campaign_setup
    fill_checklist(screening)
    with pytest.raises(WorkflowError, match="请登记排查发现的风险点，或声明未发现风险点"):
        services.submit_screening(screening=screening, user=clerk)
    screening.refresh_from_db()
    assert screening.completed_at is None


def test_checklist_must_be_complete(campaign_setup):
    _campaign, screening, clerk = campaign_setup
    make_risk(screening.unit, screening=screening)
    with pytest.raises(WorkflowError, match="尚有 2 项未填"):
        services.submit_screening(screening=screening, user=clerk)


def test_submission_goes_through_the_task_workflow(client, campaign_setup, users):
    campaign, screening, clerk = campaign_setup
    client.force_login(clerk)
    data = {"item_0": "ok", "item_1": "issue", "note_1": "讲座备案不全", "action": "submit"}
    response = client.post(screening.get_absolute_url(), data, follow=True)
    assert "请登记排查发现的风险点" in response.content.decode()
    data |= {"no_risk_declared": "on", "no_risk_reason": "逐项核查，未发现风险"}
    client.post(screening.get_absolute_url(), data)
    screening.refresh_from_db()
    assert screening.completed_at is not None and screening.completed_by == clerk
    assignment = screening.assignment
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.SUBMITTED
    assert "未发现风险点" in assignment.response
    assert screening.results["讲座论坛是否备案"] == {"result": "issue", "note": "讲座备案不全"}
    response = client.post(screening.get_absolute_url(), {**data, "no_risk_reason": "改"})
    screening.refresh_from_db()
    assert screening.no_risk_reason == "逐项核查，未发现风险"  # submitted: read-only


def test_launcher_sees_completion_numbers(client, tree, users):
    unit_a = make_unit("甲科", "T12", parent=tree.own)
    unit_b = make_unit("乙科", "T13", parent=tree.own)
    clerks = {u.pk: make_user(f"c_{u.code}", u, "clerk") for u in (tree.child, unit_a, unit_b)}
    campaign = launch(users.unit_admin, tree.own, tree.own)
    by_unit = {s.unit_id: s for s in campaign.screenings.all()}
    # 新闻科 registers two risks and submits; 甲科 declares none; 乙科 does nothing
    first = by_unit[tree.child.pk]
    make_risk(tree.child, screening=first)
    make_risk(tree.child, level="blue", screening=first)
    fill_checklist(first)
    services.submit_screening(screening=first, user=clerks[tree.child.pk])
    second = by_unit[unit_a.pk]
    second.no_risk_declared, second.no_risk_reason = True, "已逐项核查"
    fill_checklist(second)
    services.submit_screening(screening=second, user=clerks[unit_a.pk])

    client.force_login(users.unit_admin)
    overview = client.get(campaign.get_absolute_url()).context["overview"]
    assert (overview["total"].count, overview["completed"].count) == (3, 2)
    found = (overview["with_risks"], overview["declared_none"], overview["risk_count"])
    assert [value.count for value in found] == [1, 1, 2]
    assert overview["completion"].text == "66.7%"
    assert overview["open_overdue"].count == 0
    register = client.get(reverse("risks:list"), {"campaign": campaign.pk}).context
    assert register["paginator"].count == 2
    # after the deadline, the unit that did nothing is overdue
    late = Campaign.objects.get(pk=campaign.pk)
    late.task.deadline = timezone.localdate() - datetime.timedelta(days=1)
    late.task.save()
    overview = client.get(campaign.get_absolute_url()).context["overview"]
    assert overview["open_overdue"].count == 1


def test_returned_submission_can_be_resubmitted(campaign_setup, users):
    from luoshi.tasks import services as task_services

    _campaign, screening, clerk = campaign_setup
    make_risk(screening.unit, screening=screening)
    fill_checklist(screening)
    services.submit_screening(screening=screening, user=clerk)
    task_services.return_submission(
        assignment=screening.assignment, user=users.unit_admin, comment="补充措施"
    )
    screening.refresh_from_db()
    services.reopen_if_returned(screening)
    assert screening.completed_at is None
    services.submit_screening(screening=screening, user=clerk)
    screening.assignment.refresh_from_db()
    assert screening.assignment.status == AssignmentStatus.SUBMITTED


# ---------------------------------------------------------------------------------------------
# Heat map


def test_heatmap_counts_equal_the_filtered_register(client, tree, users):
    make_risk(tree.own, "online", "red")
    make_risk(tree.own, "online", "red")
    make_risk(tree.child, "online", "red")
    make_risk(tree.child, "culture", "yellow")
    make_risk(tree.own, "online", "blue", status=RiskStatus.RESOLVED)
    make_risk(tree.sibling, "online", "red")  # outside the subtree
    client.force_login(users.unit_admin)
    context = client.get(reverse("risks:heatmap"), {"unit": tree.own.pk}).context
    heat = context["heat"]
    assert heat["total"].count == 5
    nonzero = [c for c in heat["cells"] if c["count"]]
    assert {(c["area"].code, c["level"].code): c["count"] for c in nonzero} == {
        ("online", "red"): 3,
        ("culture", "yellow"): 1,
        ("online", "blue"): 1,
    }
    for cell in heat["cells"]:
        url = urlparse(cell["url"])
        register = client.get(f"{url.path}?{url.query}").context
        assert register["paginator"].count == cell["count"], cell["url"]
    open_only = client.get(reverse("risks:heatmap"), {"unit": tree.own.pk, "status": "open"})
    assert open_only.context["heat"]["total"].count == 4

    def listed(value):
        url = urlparse(value.count_url)
        return client.get(f"{url.path}?{url.query}").context["paginator"].count

    # The totals are the metric's, each linking to exactly its points, also when a level in
    # use is no longer offered (its points are still open risk points).
    RiskLevel.objects.filter(code="blue").update(is_active=False)
    heat = client.get(reverse("risks:heatmap"), {"unit": tree.own.pk}).context["heat"]
    assert listed(heat["total"]) == heat["total"].count == 5
    online = next(row for row in heat["rows"] if row["area"].code == "online")
    assert listed(online["total"]) == online["total"].count == 4


def test_heatmap_of_unit_out_of_scope_is_404(client, tree, users):
    client.force_login(users.clerk)
    response = client.get(reverse("risks:heatmap"), {"unit": tree.sibling.pk})
    assert response.status_code == 404


# ---------------------------------------------------------------------------------------------
# 分析研判 meetings


def test_meeting_creates_exactly_one_ledger_record(client, tree, users):
    risk = make_risk(tree.own)
    client.force_login(users.clerk)
    data = {
        "unit": tree.own.pk,
        "date": timezone.localdate().isoformat(),
        "title": "上半年意识形态领域形势分析研判会",
        "attendees": "部长、副部长、各科室负责人",
        "risks": [risk.pk],
        "situation": "总体平稳",
        "conclusions": "加强新媒体审核。",
    }
    response = client.post(reverse("risks:meeting_create"), data)
    meeting = AnalysisMeeting.objects.get()
    assert response.status_code == 302
    assert LedgerRecord.objects.count() == 1
    record = meeting.ledger_record
    assert record.activity_type.code == "analysis" and record.unit == tree.own
    assert record.title == meeting.title and record.date == meeting.date
    assert list(meeting.risks.all()) == [risk]
    client.force_login(users.unit_admin)
    data["title"] = "上半年形势分析研判会（修订）"
    client.post(reverse("risks:meeting_update", args=[meeting.pk]), data)
    assert LedgerRecord.objects.count() == 1
    record.refresh_from_db()
    assert record.title == "上半年形势分析研判会（修订）"
    start, end = (
        datetime.date(timezone.localdate().year, 1, 1),
        datetime.date(timezone.localdate().year, 12, 31),
    )
    counted = measure(
        "ledger_count", {"activity_type": "analysis"}, user=SYSTEM, unit=tree.own, subtree=False,
        start=start, end=end,
    )  # fmt: skip
    assert counted.count == 1


def test_meeting_risks_limited_to_the_units_subtree(client, tree, users):
    other = make_risk(tree.sibling)
    client.force_login(users.admin)
    response = client.post(
        reverse("risks:meeting_create"),
        {
            "unit": tree.own.pk,
            "date": timezone.localdate().isoformat(),
            "title": "研判会",
            "attendees": "部长",
            "risks": [other.pk],
            "conclusions": "x",
        },
    )
    assert response.status_code == 200
    assert "只能研判本单位及下级单位的风险点" in response.content.decode()
    assert not LedgerRecord.objects.exists()


# ---------------------------------------------------------------------------------------------
# Indicator


def test_risk_screening_indicator_equals_records_behind_its_url(client, tree, users):
    today = timezone.localdate()
    campaign = launch(users.unit_admin, tree.root, tree.root)
    by_unit = {s.unit_id: s for s in campaign.screenings.all()}
    child_clerk = make_user("child_clerk", tree.child, "clerk")
    for unit, user in ((tree.own, users.clerk), (tree.child, child_clerk)):
        screening = by_unit[unit.pk]
        screening.no_risk_declared, screening.no_risk_reason = True, "核查无风险"
        fill_checklist(screening)
        services.submit_screening(screening=screening, user=user)
    own_initiative = Screening.objects.create(
        unit=tree.own, title="自行排查", checklist="网站内容", created_by=users.clerk
    )
    make_risk(tree.own, screening=own_initiative)
    fill_checklist(own_initiative)
    services.submit_screening(screening=own_initiative, user=users.clerk)
    start, end = datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)

    client.force_login(users.admin)
    for unit, subtree, expected in (
        (tree.own, False, 2),
        (tree.own, True, 3),
        (tree.sibling, False, 0),
        (tree.root, True, 3),
    ):
        result = measure(
            "risk_screening", {}, user=SYSTEM, unit=unit, subtree=subtree, start=start, end=end
        )
        assert result.count == expected
        url = urlparse(result.url)
        listed = client.get(f"{url.path}?{url.query}").context
        assert listed["paginator"].count == expected
        assert all(s.completed_at for s in listed["object_list"])
    last_year = measure(
        "risk_screening", {}, user=SYSTEM, unit=tree.own, subtree=True,
        start=datetime.date(today.year - 1, 1, 1), end=datetime.date(today.year - 1, 12, 31),
    )  # fmt: skip
    assert last_year.count == 0

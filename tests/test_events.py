"""讲座论坛备案: the review chain, separation of duties (server-side), the filing rules,
the held event in the ledger, the indicator and the calendar."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from luoshi.core.indicators import SYSTEM, measure
from luoshi.core.workflow import WorkflowError, WorkflowStep
from luoshi.events import services
from luoshi.events.models import (
    EventFiling,
    EventRule,
    EventSpeaker,
    EventStatus,
    ReviewChain,
    ReviewChainStep,
    ReviewerLevel,
)
from luoshi.evidence.services import attach_file
from luoshi.ledger.models import ActivityType, LedgerRecord
from tests.factories import make_user, pdf_upload

pytestmark = pytest.mark.django_db


def at(days, hour=9):
    base = timezone.localtime().replace(hour=hour, minute=0, second=0, microsecond=0)
    return base + datetime.timedelta(days=days)


def make_event(unit, author, *, topic="学习贯彻党的二十届四中全会精神专题讲座", days=10, **extra):
    fields = {
        "kind": "lecture",
        "synopsis": "邀请党校教授解读全会精神。",
        "start_at": at(days),
        "end_at": at(days, hour=11),
        "venue": "区委党校报告厅",
        "expected_audience": 120,
        **extra,
    }
    event = EventFiling.objects.create(unit=unit, created_by=author, topic=topic, **fields)
    EventSpeaker.objects.create(event=event, name="张明", affiliation="市委党校", title="教授")
    return event


@pytest.fixture
def root_reviewer(tree):
    return make_user("u_root_reviewer", tree.root, "reviewer")


def approved_event(tree, users, root_reviewer, **extra):
    event = make_event(tree.own, users.clerk, **extra)
    services.submit(event=event, user=users.clerk)
    services.decide(event=event, user=users.leader, approve=True)
    services.decide(event=event, user=root_reviewer, approve=True)
    return event


def post_decide(client, event, decision="approve", comment=""):
    return client.post(
        reverse("events:decide", args=[event.pk]),
        {"decision": decision, "comment": comment},
        follow=True,
    )


def refused(response, event, status, text):
    """The step was refused with a Chinese message and nothing changed."""
    page = response.content.decode()
    before = event.status, event.current_step
    event.refresh_from_db()
    assert text in page, page[:2000]
    assert (event.status, event.current_step) == before
    assert event.status == status


def test_clerk_files_event_through_the_form_and_chain_to_approval(
    client, tree, users, root_reviewer
):
    client.force_login(users.clerk)
    data = {
        "unit": tree.own.pk,
        "kind": "forum",
        "topic": "新时代文明实践论坛",
        "synopsis": "交流各社区新时代文明实践站建设经验。",
        "start_at": at(7).strftime("%Y-%m-%dT%H:%M"),
        "end_at": at(7, hour=12).strftime("%Y-%m-%dT%H:%M"),
        "venue": "区文化馆多功能厅",
        "online_platform": "",
        "expected_audience": "80",
        "speakers-TOTAL_FORMS": "3",
        "speakers-INITIAL_FORMS": "0",
        "speakers-MIN_NUM_FORMS": "0",
        "speakers-MAX_NUM_FORMS": "1000",
        "speakers-0-name": "李华",
        "speakers-0-affiliation": "省社科院",
        "speakers-0-title": "研究员",
    }
    response = client.post(reverse("events:create"), data)
    event = EventFiling.objects.get(topic="新时代文明实践论坛")
    assert response.status_code == 302
    assert event.status == EventStatus.DRAFT and event.created_by == users.clerk
    assert list(event.speakers.values_list("name", flat=True)) == ["李华"]

    client.post(reverse("events:submit", args=[event.pk]))
    event.refresh_from_db()
    assert event.status == EventStatus.REVIEWING
    chain = list(event.reviews.values_list("role__code", "review_unit__code"))
    assert chain == [("leader", "T1"), ("reviewer", "T0")]
    assert users.leader.notices.filter(title__contains="待审核").exists()

    client.force_login(users.leader)
    post_decide(client, event, comment="同意举办")
    event.refresh_from_db()
    assert (event.status, event.current_step) == (EventStatus.REVIEWING, 1)
    assert root_reviewer.notices.exists()

    client.force_login(root_reviewer)
    post_decide(client, event)
    event.refresh_from_db()
    assert event.status == EventStatus.APPROVED and event.approved_at is not None
    steps = WorkflowStep.objects.filter(object_id=event.pk, workflow="events.filing")
    assert [(s.transition, s.actor) for s in steps] == [
        ("submit", users.clerk),
        ("approve", users.leader),
        ("approve_final", root_reviewer),
    ]


def test_refusal_needs_a_reason_and_returns_to_organizer(client, tree, users):
    event = make_event(tree.own, users.clerk)
    services.submit(event=event, user=users.clerk)
    client.force_login(users.leader)
    refused(post_decide(client, event, "refuse"), event, EventStatus.REVIEWING, "须填写意见")
    post_decide(client, event, "refuse", comment="主讲人资质材料不全")
    event.refresh_from_db()
    assert event.status == EventStatus.REFUSED
    assert users.clerk.notices.filter(body="主讲人资质材料不全").exists()
    services.submit(event=event, user=users.clerk)  # revised and resubmitted
    event.refresh_from_db()
    assert (event.status, event.current_step) == (EventStatus.REVIEWING, 0)


def test_forbidden_steps_are_refused_server_side(client, tree, users, root_reviewer):
    # The organizer who also holds the leader role cannot approve their own filing.
    organizer = make_user("u_clerk_leader", tree.own, "clerk", "leader")
    own = make_event(tree.own, organizer)
    client.force_login(organizer)
    refused(post_decide(client, own), own, EventStatus.DRAFT, "当前状态为「草稿」")  # not yet
    services.submit(event=own, user=organizer)
    own.refresh_from_db()
    refused(post_decide(client, own), own, EventStatus.REVIEWING, "本事项由您填报，按职责分离")

    event = make_event(tree.own, users.clerk)
    services.submit(event=event, user=users.clerk)
    event.refresh_from_db()
    # A role without the review permission.
    client.force_login(users.inspector)
    refused(post_decide(client, event), event, EventStatus.REVIEWING, "您无权执行")
    # Out of order: the upper unit's reviewer cannot take the first (本单位) step.
    client.force_login(root_reviewer)
    refused(post_decide(client, event), event, EventStatus.REVIEWING, "须由区委宣传部的领导办理")


def test_no_one_takes_two_steps_of_one_filing(client, tree, users):
    chain = ReviewChain.objects.create(unit=tree.own, name="两级审批")
    leader = ReviewChainStep.objects.create
    leader(chain=chain, order=1, label="分管领导审批", role=users.leader.roles.get())
    leader(chain=chain, order=2, label="主要领导审批", role=users.leader.roles.get())
    event = make_event(tree.own, users.clerk)
    services.submit(event=event, user=users.clerk)
    client.force_login(users.leader)
    post_decide(client, event)
    event.refresh_from_db()
    assert event.current_step == 1
    refused(
        post_decide(client, event),
        event,
        EventStatus.REVIEWING,
        "按职责分离，同一人不能再办理「审核」",
    )
    other = make_user("u_leader2", tree.own, "leader")
    client.force_login(other)
    post_decide(client, event)
    event.refresh_from_db()
    assert event.status == EventStatus.APPROVED


def test_chain_step_at_an_ancestor_of_a_type(tree, users):
    chain = ReviewChain.objects.create(unit=tree.root, name="区委统一流程")
    reviewer_role = users.reviewer.roles.get()
    ReviewChainStep.objects.create(
        chain=chain,
        order=1,
        label="区委审核",
        role=reviewer_role,
        level=ReviewerLevel.ANCESTOR,
        ancestor_type_id=tree.root.unit_type_id,
    )
    event = make_event(tree.child, users.clerk)
    services.submit(event=event, user=users.clerk)
    assert [(r.label, r.review_unit) for r in event.reviews.all()] == [("区委审核", tree.root)]


def test_audience_rule_needs_a_safety_plan(client, tree, users):
    EventRule.objects.create(
        unit=tree.root, name="大型活动须有安全预案", min_audience=200, required_tag="安全预案"
    )
    event = make_event(tree.own, users.clerk, expected_audience=350)
    client.force_login(users.clerk)
    response = client.post(reverse("events:submit", args=[event.pk]), follow=True)
    refused(response, event, EventStatus.DRAFT, "须上传“安全预案”附件后再提交")
    assert not event.reviews.exists()
    assert not WorkflowStep.objects.filter(object_id=event.pk, workflow="events.filing").exists()

    small = make_event(tree.own, users.clerk, expected_audience=200)  # not above 200
    services.submit(event=small, user=users.clerk)
    attach_file(
        owner=event, uploaded=pdf_upload("活动方案.pdf"), user=users.clerk, title="安全预案"
    )
    client.post(reverse("events:submit", args=[event.pk]))
    event.refresh_from_db()
    assert event.status == EventStatus.REVIEWING


def test_held_event_creates_exactly_one_ledger_record(client, tree, users, root_reviewer):
    event = approved_event(tree, users, root_reviewer, days=-1)
    talk = ActivityType.objects.get(code="outreach_talk")
    client.force_login(users.clerk)
    data = {"activity_type": talk.pk, "actual_audience": 96, "summary": "现场互动热烈。"}
    response = client.post(reverse("events:held", args=[event.pk]), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == EventStatus.HELD and event.actual_audience == 96
    record = LedgerRecord.objects.get()
    assert event.ledger_record == record
    assert (record.unit, record.activity_type, record.audience_count) == (tree.own, talk, 96)
    assert record.date == timezone.localtime(event.start_at).date()
    # A second submission (double click, second tab) changes nothing.
    response = client.post(reverse("events:held", args=[event.pk]), data, follow=True)
    assert "当前状态为「已举办」" in response.content.decode()
    assert LedgerRecord.objects.count() == 1
    with pytest.raises(WorkflowError):
        services.record_held(
            event=event, user=users.clerk, activity_type=talk, actual_audience=1, summary="x"
        )
    assert LedgerRecord.objects.count() == 1
    # The ledger's record of the held event stays with it: its delete is refused.
    response = client.post(reverse("ledger:delete", args=[record.pk]), follow=True)
    assert "随原记录保留，不能删除" in response.content.decode()
    event.refresh_from_db()
    assert event.ledger_record == record and LedgerRecord.objects.count() == 1


def test_scope_404_for_other_units(client, tree, users):
    event = make_event(tree.own, users.clerk)
    services.submit(event=event, user=users.clerk)
    client.force_login(users.sibling_clerk)
    for name in ("events:detail", "events:update"):
        assert client.get(reverse(name, args=[event.pk])).status_code == 404
    for name in ("events:decide", "events:submit", "events:held"):
        assert client.post(reverse(name, args=[event.pk])).status_code == 404
    event.refresh_from_db()
    assert event.status == EventStatus.REVIEWING


def hold(event, user):
    talk = ActivityType.objects.get(code="outreach_talk")
    services.record_held(
        event=event, user=user, activity_type=talk, actual_audience=50, summary="已举办"
    )


def test_filing_rate_equals_the_records_behind_its_url(client, tree, users, root_reviewer):
    timely = approved_event(tree, users, root_reviewer, topic="事前报批的讲座", days=-2)
    EventFiling.objects.filter(pk=timely.pk).update(
        approved_at=timely.start_at - datetime.timedelta(days=3)
    )
    late = approved_event(tree, users, root_reviewer, topic="事后补报的报告会", days=-5)
    not_held = approved_event(tree, users, root_reviewer, topic="尚未举办", days=3)
    for event in (timely, late):
        event.refresh_from_db()
        hold(event, users.clerk)
    sibling = make_event(tree.sibling, users.sibling_clerk, topic="兄弟单位讲座", days=-2)
    EventFiling.objects.filter(pk=sibling.pk).update(
        status=EventStatus.HELD, approved_at=sibling.start_at - datetime.timedelta(days=1)
    )

    today = timezone.localdate()
    result = measure(
        "event_filing_rate",
        {},
        user=SYSTEM,
        unit=tree.own,
        subtree=True,
        start=today - datetime.timedelta(days=30),
        end=today,
    )
    assert (result.count, result.total) == (1, 2)
    client.force_login(users.admin)
    listed = list(client.get(result.url).context["object_list"])
    assert listed == [EventFiling.objects.get(pk=timely.pk)]
    assert not_held.pk not in [e.pk for e in listed]


def test_calendar_shows_only_approved_events_in_scope(client, tree, users, root_reviewer):
    approved = approved_event(tree, users, root_reviewer, topic="已批准的讲座", days=0)
    make_event(tree.own, users.clerk, topic="草稿中的论坛", days=0)
    reviewing = make_event(tree.own, users.clerk, topic="审核中的研讨会", days=0)
    services.submit(event=reviewing, user=users.clerk)
    other = make_event(tree.sibling, users.sibling_clerk, topic="兄弟单位的讲座", days=0)
    EventFiling.objects.filter(pk=other.pk).update(status=EventStatus.APPROVED)

    day = timezone.localtime(approved.start_at)
    client.force_login(users.clerk)
    response = client.get(reverse("events:calendar"), {"year": day.year, "month": day.month})
    shown = [e for week in response.context["weeks"] for d in week for e in d["events"]]
    assert shown == [approved]
    page = response.content.decode()
    assert "已批准的讲座" in page
    assert "草稿中的论坛" not in page and "审核中的研讨会" not in page
    assert "兄弟单位的讲座" not in page


def test_an_event_cannot_be_held_before_its_date(client, tree, users, root_reviewer):
    event = approved_event(tree, users, root_reviewer, days=13)
    talk = ActivityType.objects.get(code="outreach_talk")
    client.force_login(users.clerk)
    data = {"activity_type": talk.pk, "actual_audience": 96, "summary": "现场互动热烈。"}
    page = client.post(reverse("events:held", args=[event.pk]), data, follow=True).content
    assert "尚未到举办日期" in page.decode() and "现场互动热烈。" in page.decode()
    event.refresh_from_db()
    assert event.status == EventStatus.APPROVED
    assert not LedgerRecord.objects.exists()

"""信息发布三审: the three signed steps, separation of duties enforced server-side against
the URLs, rejection back to the author, per-unit reviewer roles, coverage and scope."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from luoshi.accounts.models import Role
from luoshi.core.indicators import SYSTEM, measure
from luoshi.core.workflow import WorkflowStep
from luoshi.publications import services
from luoshi.publications.models import Publication, PublicationStatus, ReviewConfig
from tests.factories import make_user
from tests.test_channels import make_channel

pytestmark = pytest.mark.django_db
S = PublicationStatus


def make_item(unit, author, title="我区召开意识形态工作专题会议", **extra):
    return Publication.objects.create(
        unit=unit,
        author=author,
        created_by=author,
        title=title,
        channel_name="区委宣传部微信公众号",
        body="近日，我区召开专题会议研究部署意识形态工作。",
        **extra,
    )


@pytest.fixture
def channel(tree, users):
    return make_channel(tree.own, users.clerk, name="区委宣传部微信公众号")


@pytest.fixture
def reviewer2(tree):
    return make_user("u_reviewer2", tree.own, "reviewer")


def post_review(client, item, step, decision="approve", comment=""):
    return client.post(
        reverse("publications:review", args=[item.pk]),
        {"step": step, "decision": decision, "comment": comment},
        follow=True,
    )


def refused(response, item, status, text):
    page = response.content.decode()
    steps = WorkflowStep.objects.filter(object_id=item.pk, workflow="publications.review")
    count = steps.count()
    item.refresh_from_db()
    assert text in page, page[:3000]
    assert item.status == status
    return count


def run_review(client, item, first, second, final):
    for user, step in ((first, "first"), (second, "second"), (final, "final")):
        client.force_login(user)
        post_review(client, item, step, comment="同意")
    item.refresh_from_db()


def test_three_signed_steps_then_published(client, tree, users, reviewer2, channel):
    client.force_login(users.clerk)
    form = client.get(reverse("publications:create")).context["form"]
    assert form.fields["channel"].initial == channel.pk  # the unit's one channel, chosen
    response = client.post(
        reverse("publications:create"),
        {
            "unit": tree.own.pk,
            "title": "区委理论学习中心组开展专题学习",
            "channel": channel.pk,
            "body": "正文",
        },
    )
    assert response.status_code == 302
    item = Publication.objects.get()
    assert item.channel == channel and item.channel_name == "区委宣传部微信公众号"
    assert item.author == users.clerk and item.status == S.DRAFT
    client.post(reverse("publications:submit", args=[item.pk]))
    item.refresh_from_db()
    assert item.status == S.FIRST
    # reviewers of the first step are told; the author is not
    assert users.reviewer.notices.exists() and reviewer2.notices.exists()
    assert not users.clerk.notices.exists()

    run_review(client, item, users.reviewer, reviewer2, users.leader)
    assert item.status == S.APPROVED
    client.force_login(users.clerk)
    client.post(
        reverse("publications:publish", args=[item.pk]),
        {"url": "https://mp.weixin.qq.com/s/demo", "at": "2026-03-02T10:00"},
    )
    item.refresh_from_db()
    assert item.status == S.PUBLISHED and item.published_url.endswith("/demo")
    signed = WorkflowStep.objects.filter(object_id=item.pk, workflow="publications.review")
    assert [(s.label, s.actor) for s in signed] == [
        ("送审", users.clerk),
        ("初审通过", users.reviewer),
        ("复审通过", reviewer2),
        ("终审通过", users.leader),
        ("登记发布", users.clerk),
    ]
    assert all(s.at for s in signed)
    page = client.get(
        reverse("publications:list"), {"date_from": "2026-01-01", "date_to": "2026-12-31"}
    )
    coverage = page.context["coverage"]  # the metric, for the clerk's unit and its subtree
    assert (coverage.count, coverage.total, coverage.rate) == (1, 1, 100)
    assert [s["count"] for s in page.context["steps"]] == [1, 1, 1]
    # the list's 三审 filter: the reviewed item is 「三审齐全」, an unreviewed draft 「三审不全」
    draft = make_item(tree.own, users.clerk, title="未送审稿件")
    for value, shown in (("full", [item]), ("partial", [draft])):
        listed = client.get(reverse("publications:list"), {"coverage": value})
        assert list(listed.context["object_list"]) == shown, value


def test_forbidden_steps_are_refused_through_the_urls(client, tree, users, reviewer2):
    # The author never reviews their own item, even holding the reviewer role.
    author = make_user("u_clerk_reviewer", tree.own, "clerk", "reviewer")
    own = make_item(tree.own, author)
    services.submit(item=own, user=author)
    client.force_login(author)
    refused(post_review(client, own, "first"), own, S.FIRST, "本事项由您起草，按职责分离")

    item = make_item(tree.own, users.clerk)
    services.submit(item=item, user=users.clerk)
    # A role without the review permission.
    client.force_login(users.inspector)
    refused(post_review(client, item, "first"), item, S.FIRST, "您无权执行「初审通过」")
    # Out of order: 终审 while the item waits for 初审.
    client.force_login(users.leader)
    refused(post_review(client, item, "final"), item, S.FIRST, "当前状态为「待初审」")
    refused(
        post_review(client, item, "final", "reject", "x"), item, S.FIRST, "当前状态为「待初审」"
    )
    # The same person cannot take 初审 and then 复审.
    client.force_login(users.reviewer)
    post_review(client, item, "first")
    item.refresh_from_db()
    assert item.status == S.SECOND
    refused(post_review(client, item, "second"), item, S.SECOND, "同一人不能再办理「复审」")
    refused(post_review(client, item, "second", "reject", "再改"), item, S.SECOND, "「初审」")
    # A reviewer of a unit outside the item's line (the sibling) is out of scope: 404.
    outsider = make_user("u_sibling_reviewer", tree.sibling, "reviewer")
    client.force_login(outsider)
    assert post_review(client, item, "second").status_code == 404
    item.refresh_from_db()
    assert item.status == S.SECOND


def test_rejection_returns_to_author_with_comments(client, tree, users, reviewer2, channel):
    item = make_item(tree.own, users.clerk)
    services.submit(item=item, user=users.clerk)
    client.force_login(users.reviewer)
    post_review(client, item, "first")
    client.force_login(reviewer2)
    refused(post_review(client, item, "second", "reject"), item, S.SECOND, "须填写意见")
    post_review(client, item, "second", "reject", comment="标题表述不准确，请修改")
    item.refresh_from_db()
    assert item.status == S.RETURNED
    notice = users.clerk.notices.get()
    assert notice.body == "标题表述不准确，请修改" and notice.url == item.get_absolute_url()
    client.force_login(users.clerk)
    page = client.get(item.get_absolute_url()).content.decode()
    assert "标题表述不准确，请修改" in page
    # the author revises and resubmits; the same reviewers keep their own steps
    client.post(
        reverse("publications:update", args=[item.pk]),
        {"unit": tree.own.pk, "title": "修改后的标题", "channel": channel.pk, "body": "新正文"},
    )
    client.post(reverse("publications:submit", args=[item.pk]))
    run_review(client, item, users.reviewer, reviewer2, users.leader)
    assert item.status == S.APPROVED and item.title == "修改后的标题"


def test_reviewer_roles_are_configured_per_unit(client, tree, users, reviewer2):
    reviewer = Role.objects.get(code="reviewer")
    ReviewConfig.objects.create(
        unit=tree.own, first_role=reviewer, second_role=reviewer, final_role=reviewer
    )
    third = make_user("u_reviewer3", tree.own, "reviewer")
    third.user_permissions.add(
        *Role.objects.get(code="leader").permissions.filter(codename="final_review_publication")
    )
    item = make_item(tree.own, users.clerk)
    services.submit(item=item, user=users.clerk)
    client.force_login(users.reviewer)
    post_review(client, item, "first")
    client.force_login(reviewer2)
    post_review(client, item, "second")
    client.force_login(users.leader)
    refused(post_review(client, item, "final"), item, S.FINAL, "的审核员办理")
    client.force_login(third)
    post_review(client, item, "final")
    item.refresh_from_db()
    assert item.status == S.APPROVED


def test_scope_404(client, tree, users):
    item = make_item(tree.own, users.clerk)
    client.force_login(users.sibling_clerk)
    assert client.get(item.get_absolute_url()).status_code == 404
    assert client.get(reverse("publications:update", args=[item.pk])).status_code == 404
    assert client.post(reverse("publications:submit", args=[item.pk])).status_code == 404
    assert item not in client.get(reverse("publications:list")).context["object_list"]
    item.refresh_from_db()
    assert item.status == S.DRAFT


def test_review_coverage_equals_the_records_behind_its_url(client, tree, users, reviewer2):
    full = make_item(tree.own, users.clerk, title="三审齐全的稿件")
    services.submit(item=full, user=users.clerk)
    run_review(client, full, users.reviewer, reviewer2, users.leader)
    services.publish(item=full, user=users.clerk, url="https://example.cn/a")
    # an item recorded as published without its review steps (e.g. migrated data)
    make_item(
        tree.child,
        users.clerk,
        title="未经三审的稿件",
        status=S.PUBLISHED,
        published_at=timezone.now(),
        published_url="https://example.cn/b",
    )
    make_item(tree.own, users.clerk, title="仍在草稿")
    make_item(tree.sibling, users.sibling_clerk, status=S.PUBLISHED, published_at=timezone.now())
    today = timezone.localdate()
    start = today - datetime.timedelta(days=7)
    result = measure(
        "review_coverage", {}, user=SYSTEM, unit=tree.own, subtree=True, start=start, end=today
    )
    assert (result.count, result.total) == (1, 2)
    client.force_login(users.admin)
    response = client.get(result.url)
    assert list(response.context["object_list"]) == [full]
    own_only = measure(
        "review_coverage", {}, user=SYSTEM, unit=tree.own, subtree=False, start=start, end=today
    )
    assert (own_only.count, own_only.total) == (1, 1)
    # the list page states the same metric for the unit and dates of its filter, and its
    # two numbers open exactly the items they count
    page = client.get(
        reverse("publications:list"),
        {"unit": tree.own.pk, "date_from": start.isoformat(), "date_to": today.isoformat()},
    )
    shown = page.context["coverage"]
    assert (shown.count, shown.total, shown.rate) == (1, 2, 50)
    assert list(client.get(shown.count_url).context["object_list"]) == [full]
    assert len(client.get(shown.total_url).context["object_list"]) == 2
    assert "50.0%" in page.content.decode()


def test_the_channel_is_one_the_unit_registered(client, tree, users, channel):
    other = make_channel(tree.sibling, users.sibling_clerk, name="区教育局微信公众号")
    client.force_login(users.admin)  # sees both units' channels
    response = client.post(
        reverse("publications:create"),
        {"unit": tree.own.pk, "title": "标题", "channel": other.pk, "body": "正文"},
    )
    assert "请选择区委宣传部自己登记的阵地" in response.content.decode()
    client.force_login(users.clerk)  # the other unit's channel is not even a choice
    form = client.get(reverse("publications:create")).context["form"]
    assert list(form.fields["channel"].queryset) == [channel]
    missing = client.post(
        reverse("publications:create"), {"unit": tree.own.pk, "title": "标题", "body": "正文"}
    )
    assert "请选择发布阵地" in missing.content.decode()
    assert not Publication.objects.exists()

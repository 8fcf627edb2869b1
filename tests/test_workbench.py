"""The 待办 workbench: every role sees the steps waiting for it, each linking to the record
where the step is taken; notices are done once their step is taken."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from luoshi.core.todo import todo_count, workbench
from luoshi.events import services as events
from luoshi.events import todos as events_todos
from luoshi.inspections import services as inspections
from luoshi.notices.models import Notice
from luoshi.publications import services as publications
from luoshi.publications import todos as publications_todos
from luoshi.publications.models import Publication
from luoshi.publications.models import PublicationStatus as S
from luoshi.tasks import services
from tests.factories import make_user, pdf_upload
from tests.inspections_support import add_item, child_clerk, make_plan
from tests.tasks_support import issue, task_world
from tests.test_events import make_event
from tests.test_publications import make_item


def _groups(user):
    return {g.key: [t.title for t in g.items] for g in workbench(user)}


def _review_and_queries(user) -> tuple[list[str], int]:
    """The titles in the user's review group and the queries it took to list them (roles and
    scope are cached by a first call)."""
    workbench(user)
    with CaptureQueriesContext(connection) as captured:
        titles = _groups(user)["review"]
    return titles, len(captured.captured_queries)


def test_a_task_moves_through_the_workbenches_of_both_sides(tree, users):
    world = task_world(tree, users)
    task = issue(world, title="报送学习情况")
    news = task.assignments.get(unit=world.news)
    clerk, issuer = world.news_clerk, world.issuer

    assert _groups(clerk)["submit"] == ["报送学习情况"]
    assert _groups(clerk)["due"] == ["报送学习情况"]  # due in seven days
    assert _groups(issuer)["review"] == []

    services.submit(assignment=news, user=clerk, response="已学习。", files=[pdf_upload()])
    assert _groups(clerk)["submit"] == []
    assert _groups(issuer)["review"] == ["报送学习情况"]
    review = next(g for g in workbench(issuer) if g.key == "review").items[0]
    assert review.url == news.get_absolute_url()

    news.refresh_from_db()
    services.return_submission(assignment=news, user=issuer, comment="请补充照片。")
    assert _groups(clerk)["fix"] == ["报送学习情况"]
    assert _groups(issuer)["review"] == []
    assert todo_count(clerk) == 1


def test_the_reports_to_review_are_chosen_by_one_query_not_one_per_report(tree, users):
    """The issuer's 待采纳 rows come from one query whatever their number (it asked the
    workflow about each report: 200 queries and 0.7 s of the home page at the small scale
    preset)."""
    world = task_world(tree, users)

    def submitted(title):
        task = issue(world, title=title, evidence_required=False)
        news = task.assignments.get(unit=world.news)
        services.submit(assignment=news, user=world.news_clerk, response="已学习。", files=[])

    submitted("一")
    review, few = _review_and_queries(world.issuer)
    assert review == ["一"]
    submitted("二")
    submitted("三")
    review, many = _review_and_queries(world.issuer)
    assert set(review) == {"一", "二", "三"} and many == few


def test_nothing_of_another_unit_and_nothing_already_done(tree, users):
    world = task_world(tree, users)
    issue(world, units=[world.theory])
    assert _groups(world.news_clerk) == {"fix": [], "submit": [], "review": [], "due": []}
    assert _groups(users.sibling_clerk)["submit"] == []


def test_far_deadlines_are_not_this_week(tree, users):
    world = task_world(tree, users)
    far = timezone.localdate() + datetime.timedelta(days=30)
    issue(world, deadline=far, title="年度总结")
    groups = _groups(world.news_clerk)
    assert groups["submit"] == ["年度总结"] and groups["due"] == []


def test_the_home_page_and_the_top_bar_show_the_same_count(client, tree, users):
    world = task_world(tree, users)
    issue(world, title="报送学习情况")
    client.force_login(world.news_clerk)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="todo-submit-count">1<' in page
    assert 'data-testid="todo-count">1<' in page


def _menu_counts(page: str) -> dict[str, str]:
    found = re.findall(
        r'class="ls-menu-item[^"]*" href="([^"]+)">[^<]*<i[^>]*></i>\s*([^<]+?)\s*'
        r'<span[^>]*data-testid="menu-todo">(\d+)<',
        page,
    )
    return {label: count for _, label, count in found}


def test_the_menu_shows_each_page_s_waiting_steps_beside_its_name(client, tree, users):
    world = task_world(tree, users)
    task = issue(world, title="报送学习情况")
    issue(world, title="报送宣讲情况")
    client.force_login(world.news_clerk)
    assert _menu_counts(client.get(reverse("home")).content.decode()) == {"收件箱": "2"}

    news = task.assignments.get(unit=world.news)
    services.submit(
        assignment=news, user=world.news_clerk, response="已学习。", files=[pdf_upload()]
    )
    client.force_login(world.issuer)  # the report waits beside 我发出的任务, not the inbox
    assert _menu_counts(client.get(reverse("home")).content.decode()) == {"我发出的任务": "1"}


def test_a_notice_is_done_once_its_step_is_taken(tree, users, django_capture_on_commit_callbacks):
    world = task_world(tree, users)
    task = issue(world, title="报送学习情况")
    news = task.assignments.get(unit=world.news)
    announced = Notice.objects.filter(recipient=world.news_clerk, url=news.get_absolute_url())
    assert announced.exists() and announced.unread().exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(
            assignment=news, user=world.news_clerk, response="已学习。", files=[pdf_upload()]
        )
    assert not announced.unread().exists()


def test_rectifications_to_verify_are_those_of_the_user_s_own_teams(tree, users):
    """待核验销号: the submitted items of the plans whose team the user sits on; an inspector
    of no team is not asked about each submitted item (one query for any number of them)."""
    setup = make_plan(tree, users)
    clerk = child_clerk(tree)
    outsider = make_user("u_inspector_no_team", tree.own, "inspector")

    def submitted(text):
        item = add_item(setup, users, clerk, text=text)
        inspections.submit(item=item, user=clerk, response="已整改。", files=[pdf_upload()])

    submitted("学习记录不全")
    assert _review_and_queries(users.inspector)[0] == ["学习记录不全"]
    titles, few = _review_and_queries(outsider)
    assert titles == []
    submitted("阵地台账缺页")
    submitted("签到表缺失")
    assert set(_review_and_queries(users.inspector)[0]) == {
        "学习记录不全",
        "阵地台账缺页",
        "签到表缺失",
    }
    titles, many = _review_and_queries(outsider)
    assert titles == [] and many == few


def test_review_todos_are_not_crowded_out_by_steps_of_others(tree, users, monkeypatch):
    """The 待办 lists are cut at a limit: the query keeps only the records whose current step
    the user could take, so those of others never fill the list before the user's own."""
    monkeypatch.setattr(events_todos, "LIMIT", 2)
    monkeypatch.setattr(publications_todos, "LIMIT", 2)
    root_reviewer = make_user("u_root_reviewer", tree.root, "reviewer")
    for days in (3, 4):  # earlier, and waiting for the leader of the unit
        event = make_event(tree.own, users.clerk, topic=f"{days}日讲座", days=days)
        events.submit(event=event, user=users.clerk)
    mine = make_event(tree.own, users.clerk, topic="待区委审核的讲座", days=10)
    events.submit(event=mine, user=users.clerk)
    events.decide(event=mine, user=users.leader, approve=True)  # now the district's step
    assert _groups(root_reviewer)["review"] == ["待区委审核的讲座"]

    # 终审, which the reviewer role does not hold, comes first by id
    final = [make_item(tree.own, users.clerk, title=f"待终审稿件{n}") for n in (1, 2)]
    Publication.objects.filter(pk__in=[p.pk for p in final]).update(status=S.FINAL)
    first = make_item(tree.own, users.clerk, title="待初审稿件")
    publications.submit(item=first, user=users.clerk)
    assert _groups(users.reviewer)["review"] == ["待初审稿件"]

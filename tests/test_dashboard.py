"""驾驶舱: numbers equal the records, every number drills down to exactly those records,
the unit chooser is limited to the data scope, and the query count does not grow with the tree."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from luoshi.dashboard import selectors
from luoshi.incidents.models import Incident, IncidentStatus, Platform
from luoshi.ledger.models import ActivityType
from luoshi.risks.models import RiskArea, RiskLevel, RiskPoint, RiskStatus
from luoshi.tasks.models import AssignmentStatus, Task, TaskAssignment
from tests.factories import LedgerRecordFactory, make_unit, make_user

pytestmark = pytest.mark.django_db

URL = reverse("dashboard:index")


def listed(client, url) -> set[int]:
    """The pks a list page shows for ``url`` (all pages)."""
    pks, page = set(), 1
    while True:
        response = client.get(f"{url}&page={page}")
        assert response.status_code == 200, url
        pks |= {obj.pk for obj in response.context["object_list"]}
        paginator = response.context.get("paginator")
        if paginator is None or page >= paginator.num_pages:
            return pks
        page += 1


def count_of(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    paginator = response.context.get("paginator")
    return paginator.count if paginator is not None else len(response.context["object_list"])


def all_numbers(data: selectors.DashboardData):
    """(label, Num) of every figure, its year-earlier value and every ranking cell."""
    for panel in data.panels.values():
        for fig in panel.figures:
            for value in (fig.current, fig.previous):
                if value is None:
                    continue
                nums = [value.count, value.total] if isinstance(value, selectors.Rate) else [value]
                for num in nums:
                    yield f"{panel.key}.{fig.key}", num
        for ranking in panel.rankings:
            for row in ranking.rows:
                value = row.value
                nums = [value.count, value.total] if isinstance(value, selectors.Rate) else [value]
                for num in nums:
                    yield f"{panel.key}.rank.{ranking.key}.{row.unit.code}", num
        if panel.chart and "by_type" in panel.chart:
            for row in panel.chart["by_type"]:
                yield f"ledger.type.{row['name']}", selectors.Num(row["cur"], row["cur_url"])
                yield f"ledger.type.{row['name']}.prev", selectors.Num(row["prev"], row["prev_url"])
            for series in panel.chart["series"]:
                for point in series["data"]:
                    yield (
                        f"ledger.month.{series['name']}",
                        selectors.Num(point["value"], point["url"]),
                    )
            for point in panel.chart["previous"]:
                yield "ledger.month.previous", selectors.Num(point["value"], point["url"])
        if panel.key == "risks":
            for row in panel.extra["rows"]:
                for cell in row["cells"]:
                    yield f"risks.{row['area']}", cell


def sum_of(client, url):
    """The sum of the values a form figure's list page lists (a figure is a sum)."""
    response = client.get(url)
    assert response.status_code == 200, url
    paginator = response.context.get("paginator")
    rows = paginator.object_list if paginator is not None else response.context["object_list"]
    return sum((value.number for value in rows), 0)


def assert_drilldowns(client, data, count=None):
    """Every number equals the count of the list page it links to (a form figure: the sum of
    the values listed); returns how many urls. ``count(url, summed)`` counts a list (by
    default: its page, opened with ``client``)."""
    count = count or (lambda url, summed: sum_of(client, url) if summed else count_of(client, url))
    counts = {}
    for label, num in all_numbers(data):
        assert num.url, label
        if num.url not in counts:
            counts[num.url] = count(num.url, label.startswith("statforms."))
        assert counts[num.url] == num.value, (label, num.url)
    return len(counts)


# ---------------------------------------------------------------------------------------------
# A small tree with hand-made records


@pytest.fixture
def world(tree, users):
    """Ledger records, tasks, incidents and risks in 宣传部 (T1), 新闻科 (T11) and, out of the
    leader's scope, 区教育局 (T2); this year and last year."""
    year = timezone.localdate().year
    study = ActivityType.objects.get(code="study_group")
    talk = ActivityType.objects.get(code="outreach_talk")
    clerk = users.clerk
    for unit, activity, month, n in [
        (tree.own, study, 3, 2),
        (tree.child, study, 3, 1),
        (tree.child, talk, 5, 3),
        (tree.sibling, study, 3, 4),
    ]:
        for day in range(1, n + 1):
            LedgerRecordFactory(
                unit=unit,
                activity_type=activity,
                date=datetime.date(year, month, day),
                created_by=clerk,
            )
    for day in (1, 2):  # last year: 2 records in 新闻科
        LedgerRecordFactory(
            unit=tree.child,
            activity_type=study,
            date=datetime.date(year - 1, 3, day),
            created_by=clerk,
        )

    today = timezone.localdate()
    task = Task.objects.create(
        unit=tree.own,
        title="报送学习情况",
        requirements="报送",
        deadline=today - datetime.timedelta(days=3),
        created_by=users.unit_admin,
    )
    late = timezone.now()
    on_time = timezone.now() - datetime.timedelta(days=5)
    TaskAssignment.objects.create(task=task, unit=tree.own, status=AssignmentStatus.PENDING)
    TaskAssignment.objects.create(
        task=task,
        unit=tree.child,
        status=AssignmentStatus.SUBMITTED,
        first_submitted_at=on_time,
        submitted_at=on_time,
    )
    TaskAssignment.objects.create(task=task, unit=tree.sibling, status=AssignmentStatus.PENDING)
    later = Task.objects.create(
        unit=tree.own,
        title="报送宣讲情况",
        requirements="报送",
        deadline=today - datetime.timedelta(days=2),
        created_by=users.unit_admin,
    )
    TaskAssignment.objects.create(
        task=later,
        unit=tree.child,
        status=AssignmentStatus.SUBMITTED,
        first_submitted_at=late,
        submitted_at=late,
    )

    platform = Platform.objects.get(code="short_video")
    for unit, status in [
        (tree.own, IncidentStatus.CLOSED),
        (tree.child, IncidentStatus.REGISTERED),
        (tree.sibling, IncidentStatus.REGISTERED),
    ]:
        Incident.objects.create(
            unit=unit,
            responsible_unit=unit,
            title="不实视频",
            discovered_at=timezone.now() - datetime.timedelta(hours=10),
            responded_at=timezone.now() - datetime.timedelta(hours=6),
            platform=platform,
            summary="短视频平台出现不实视频。",
            status=status,
        )

    online = RiskArea.objects.get(code="online")
    red = RiskLevel.objects.get(code="red")
    for unit, status in [
        (tree.own, RiskStatus.IDENTIFIED),
        (tree.child, RiskStatus.CONTROLLING),
        (tree.child, RiskStatus.RESOLVED),
        (tree.sibling, RiskStatus.IDENTIFIED),
    ]:
        RiskPoint.objects.create(
            unit=unit, area=online, level=red, description="风险", measures="措施", status=status
        )
    return tree


def this_year():
    return selectors.period_for(timezone.localdate().year)


def test_figures_count_the_subtree_and_drill_down_to_exactly_those_records(client, world, users):
    data = selectors.dashboard(users.leader, world.own, this_year())
    ledger = data.panels["ledger"]
    assert ledger.figure("records").current.value == 6  # 2 + 1 + 3; 区教育局's 4 are not below
    assert ledger.figure("records").previous.value == 2
    assert ledger.figure("records").trend == "up"
    (rank,) = ledger.rankings[0].rows  # one direct child: 新闻科
    assert (rank.unit, rank.value.value, rank.rank) == (world.child, 4, 1)

    tasks = data.panels["tasks"]
    assert tasks.figure("assigned").current.value == 3
    assert tasks.figure("open").current.value == 1
    assert tasks.figure("overdue").current.value == 1
    on_time = tasks.figure("on_time").current
    assert (on_time.count.value, on_time.total.value, on_time.value) == (1, 3, Decimal("33.3"))

    incidents = data.panels["incidents"]
    assert incidents.figure("incidents").current.value == 2
    assert incidents.figure("open").current.value == 1
    assert incidents.extra["response_hours"] == 4

    assert data.panels["risks"].figure("open").current.value == 2  # resolved one not counted

    client.force_login(users.leader)
    assert assert_drilldowns(client, data) > 20
    # the list behind the ledger number holds exactly the records of 宣传部 and 新闻科
    records = listed(client, ledger.figure("records").current.url)
    from luoshi.ledger.models import LedgerRecord

    expected = LedgerRecord.objects.filter(
        unit__in=[world.own, world.child], date__year=this_year().year
    )
    assert records == set(expected.values_list("pk", flat=True))


def test_the_page_shows_the_numbers_with_their_links(client, world, users):
    client.force_login(users.leader)
    response = client.get(URL)
    assert response.status_code == 200
    data = response.context["data"]
    assert data.unit == world.own
    html = response.content.decode()
    records = data.panels["ledger"].figure("records").current
    assert f'href="{records.url.replace("&", "&amp;")}" data-testid="fig-ledger-records">6<' in html
    assert "chart-ledger-month" in html and "dashboard-charts" in html
    assert 'data-testid="ranking-ledger"' in html
    assert "区委宣传部" in html and "新闻科" in html
    assert "区教育局" not in html  # the sibling is out of the leader's scope


def test_a_leader_picks_a_unit_below_and_gets_404_outside_scope(client, world, users):
    client.force_login(users.leader)
    response = client.get(URL, {"unit": world.child.pk})
    assert response.status_code == 200
    assert response.context["data"].unit == world.child
    assert response.context["data"].panels["ledger"].figure("records").current.value == 4
    assert client.get(URL, {"unit": world.sibling.pk}).status_code == 404
    assert client.get(URL, {"unit": world.root.pk}).status_code == 404
    assert client.get(URL, {"unit": "abc"}).status_code == 404
    assert client.get(reverse("dashboard:duty"), {"unit": world.sibling.pk}).status_code == 404


def test_period_chooser_quarter_month_and_year_on_year(client, world, users):
    year = timezone.localdate().year
    client.force_login(users.leader)
    response = client.get(URL, {"year": year, "quarter": 2})
    data = response.context["data"]
    assert (data.period.start, data.period.end) == (
        datetime.date(year, 4, 1),
        datetime.date(year, 6, 30),
    )
    assert (data.previous.start, data.previous.end) == (
        datetime.date(year - 1, 4, 1),
        datetime.date(year - 1, 6, 30),
    )
    assert data.panels["ledger"].figure("records").current.value == 3  # the May talks
    response = client.get(URL, {"year": year, "month": 3})
    records = response.context["data"].panels["ledger"].figure("records")
    assert (records.current.value, records.previous.value) == (3, 2)
    assert assert_drilldowns(client, response.context["data"]) > 10
    # quarter and month together: refused with a message, the year is shown
    response = client.get(URL, {"year": year, "quarter": 1, "month": 5})
    assert response.status_code == 200
    assert "季度与月份只能选择其一" in response.content.decode()
    assert response.context["data"].period.start == datetime.date(year, 1, 1)


def test_permission_and_menu(client, world, users):
    client.force_login(users.clerk)  # 录入员 has no dashboard permission
    assert client.get(URL).status_code == 403
    assert 'data-testid="home-dashboard"' not in client.get(reverse("home")).content.decode()
    client.force_login(users.leader)
    home = client.get(reverse("home")).content.decode()
    assert f'href="{URL}"' in home and "驾驶舱" in home
    assert 'data-testid="home-dashboard"' in home
    for role in ("admin", "unit_admin", "leader", "inspector"):
        assert getattr(users, role).has_perm("dashboard.view_dashboard"), role
    client.logout()
    assert client.get(URL).status_code == 302  # to the login page


def test_panels_need_their_module_permission(world, users, tree):
    """A dashboard user without a module's view permission does not see that module."""
    from luoshi.accounts.models import Role

    role = Role.objects.create(name="只看驾驶舱", code="dash_only", data_scope="subtree")
    from django.contrib.auth.models import Permission

    role.permissions.add(
        Permission.objects.get(codename="view_dashboard"),
        Permission.objects.get(codename="view_ledgerrecord"),
    )
    user = make_user("u_dash_only", tree.own)
    user.groups.add(role)
    data = selectors.dashboard(user, tree.own, this_year())
    assert set(data.panels) == {"ledger"}


def _grow(parent, prefix, n):
    """``n`` children under ``parent``, each with a record and a child of its own."""
    study = ActivityType.objects.get(code="study_group")
    for i in range(n):
        unit = make_unit(f"{prefix}{i}", f"{prefix}{i}", parent=parent)
        parent.refresh_from_db()
        grandchild = make_unit(f"{prefix}{i}x", f"{prefix}{i}X", parent=unit)
        LedgerRecordFactory(unit=grandchild, activity_type=study, date=timezone.localdate())


def _queries(client, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(captured.captured_queries), response


def test_query_count_does_not_grow_with_the_tree(client, world, users):
    client.force_login(users.leader)
    _queries(client)  # warm the content-type cache
    _grow(world.child, "S", 1)
    small, _response = _queries(client)
    world.own.refresh_from_db()
    _grow(world.own, "B", 15)
    large, response = _queries(client)
    assert len(response.context["data"].children) == 16
    assert response.context["data"].panels["ledger"].figure("records").current.value == 6 + 16
    assert large == small
    assert large <= 30  # auth/session/permissions ~8, then ~1 query per panel (see docs)
    # the selectors alone, once the user's permissions, roles and unit are loaded: one
    # query for the units (children and lineage), ONE for the rollup rows of every panel's
    # metrics (metrics.tables), two live counts of the part of this month the due-only
    # metrics cover (按时报送率, 逾期未报: until yesterday), two for the ledger chart (by
    # type, the types' names), one live count each for the metrics no rollup answers
    # (平均响应用时, 逾期未整改), four for the risk heat map (areas, levels, the
    # ``risks_open`` breakdown, and its total: points of a level no longer offered count
    # too), one to find the year's assessment, one for the forms' latest accepted figures
    # (统计报表)
    leader = users.leader
    leader.has_perm("dashboard.view_dashboard")
    selectors.resolve_unit(leader)  # loads the roles and the user's unit
    with CaptureQueriesContext(connection) as captured:
        selectors.dashboard(leader, world.own, this_year())
    assert len(captured.captured_queries) == 14

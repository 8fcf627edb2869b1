"""The 整改事项 list's line and the 整改统计 page state metrics (``rectification_rate``,
``rectifications_overdue``): each number equals the count of the list its link opens, for
the user reading it — items of another plan, past their deadline, and of an inspected unit
outside the user's unit scope (seen as the inspecting team) included."""

import datetime
import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from luoshi.core import metrics
from luoshi.inspections.models import (
    INSPECTING_SIDE,
    Finding,
    InspectionResult,
    RectificationItem,
    RectificationStatus,
)
from tests.factories import make_unit
from tests.inspections_support import make_plan
from tests.metrics_support import numbers_equal_their_lists

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _item(plan, unit, owner, *, days=5, status=RectificationStatus.PENDING):
    result = plan.results.get(unit=unit)
    finding = Finding.objects.create(
        unit=unit, created_by=owner, result=result, plan=plan, description="问题"
    )
    return RectificationItem.objects.create(
        unit=unit,
        created_by=owner,
        finding=finding,
        owner=owner,
        status=status,
        deadline=TODAY + datetime.timedelta(days=days),
    )


@pytest.fixture
def world(tree, users):
    """An inspection of 新闻科 (and its 一组) and of 区教育局 (outside the inspector's unit
    scope: seen as the team), and another inspection of 新闻科."""
    group = make_unit("新闻科一组", "T111", parent=tree.child)
    setup = make_plan(tree, users, units=[tree.child, group, tree.sibling])
    plan, owner = setup.plan, users.clerk
    closed = RectificationStatus.CLOSED
    _item(plan, tree.child, owner, status=closed)
    _item(plan, tree.child, owner, status=RectificationStatus.SUBMITTED)
    _item(plan, tree.child, owner, days=-3)  # past its deadline: 逾期
    _item(plan, tree.child, owner, days=-3, status=RectificationStatus.RETURNED)
    _item(plan, tree.child, owner, days=-3, status=closed)  # past, but closed: not 逾期
    _item(plan, group, owner)
    _item(plan, group, owner, days=-1)
    _item(plan, tree.sibling, owner, days=-2)
    _item(plan, tree.sibling, owner, status=closed)
    other = make_plan(tree, users, title="另一次督查").plan
    _item(other, tree.child, owner, days=40)
    _item(other, tree.child, owner, days=-5, status=closed)
    return plan, other, group


def test_item_list_line_equals_its_lists(client, tree, users, world):
    plan, other, group = world
    client.force_login(users.inspector)
    year = {"deadline_from": f"{TODAY.year - 1}-01-01", "deadline_to": f"{TODAY.year + 1}-12-31"}
    cases = [
        ({}, 11, 4, 4),  # every item the inspector may open, 区教育局's too
        ({"plan": plan.pk}, 9, 3, 4),
        ({"plan": other.pk}, 2, 1, 0),
        ({"unit": tree.child.pk}, 9, 3, 3),  # 新闻科 with 一组, both plans
        ({"unit": tree.child.pk, "unit_scope": "own", "plan": plan.pk}, 5, 2, 2),
        ({"unit": tree.sibling.pk, "unit_scope": "own"}, 2, 1, 1),  # outside the unit scope
        ({"unit": group.pk, **year}, 2, 0, 1),
    ]
    for query, total, closed, overdue in cases:
        response = client.get(reverse("inspections:items"), query)
        line, page = response.context["line"], response.content.decode()
        assert not line["narrowed"]
        assert (line["rate"].total, line["rate"].count, line["overdue"].count) == (
            total,
            closed,
            overdue,
        ), query
        assert response.context["paginator"].count == total  # the line is of the rows listed
        numbers_equal_their_lists(client, page, [line["rate"], line["overdue"]])


def test_item_list_line_says_when_the_table_is_narrowed_further(client, users, world):
    client.force_login(users.inspector)
    response = client.get(reverse("inspections:items"), {"status": "pending"})
    assert response.context["line"]["narrowed"]
    assert response.context["line"]["rate"].total == 11
    assert "不按其他筛选条件" in response.content.decode()


def test_summary_figuresnumbers_equal_their_lists(client, tree, users, world):
    _plan, _other, group = world
    client.force_login(users.inspector)
    response = client.get(reverse("inspections:summary"), {"unit": tree.own.pk})
    summary, page = response.context["summary"], response.content.decode()
    rows = {row.unit: row for row in summary["rows"]}
    assert list(rows) == [tree.child, group]  # units with items of their own, in tree order
    child = rows[tree.child]
    assert (child.rate.total, child.rate.count, child.overdue.count) == (7, 3, 2)
    assert (child.subtree_rate.total, child.subtree_rate.count) == (9, 3)
    assert child.subtree_rate.text == "33.3%"
    assert (rows[group].rate.total, rows[group].overdue.count) == (2, 1)
    # the subtree of 区委宣传部: not 区教育局, which is outside it
    assert (summary["rate"].total, summary["rate"].count, summary["overdue"].count) == (9, 3, 3)
    values = [summary["rate"], summary["overdue"]]
    for row in rows.values():
        values += [row.rate, row.overdue, row.subtree_rate]
        assert html.escape(row.rate.count_url) in page  # 已销号, beside 本单位问题
    numbers_equal_their_lists(client, page, values)
    # the same metric the dashboard and the reports read, for the same unit and period
    same = metrics.value(
        "rectification_rate",
        user=users.inspector,
        unit=tree.child,
        subtree=False,
        start=None,
        end=None,
    )
    assert (same.count, same.total) == (child.rate.count, child.rate.total)


def _inspect(plan, unit, user):
    plan.inspected_units.add(unit)
    plan.results.create(unit=unit, created_by=user)


def test_summary_of_the_whole_tree(client, tree, users, world):
    plan, _other, _group = world
    done = make_unit("已整改科", "T21", parent=tree.sibling)
    _inspect(plan, done, users.inspector)
    _item(plan, done, users.clerk, days=-1, status=RectificationStatus.CLOSED)
    client.force_login(users.admin)
    response = client.get(reverse("inspections:summary"), {"unit": tree.root.pk})
    summary = response.context["summary"]
    rows = {row.unit: row for row in summary["rows"]}
    assert (rows[tree.sibling].rate.total, rows[tree.sibling].overdue.count) == (2, 1)
    assert (rows[tree.sibling].subtree_rate.total, rows[tree.sibling].subtree_rate.count) == (3, 2)
    assert (rows[done].rate.text, rows[done].overdue.count) == ("100.0%", 0)
    assert (summary["rate"].total, summary["overdue"].count) == (12, 4)
    values = [summary["rate"], summary["overdue"], rows[done].overdue, rows[done].rate]
    numbers_equal_their_lists(client, response.content.decode(), values)


def _summary_queries(client, unit) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("inspections:summary"), {"unit": unit.pk})
    assert response.status_code == 200
    return len(queries)


def test_summary_query_count_is_constant_in_the_number_of_units(client, tree, users, world):
    plan, _other, _group = world
    client.force_login(users.inspector)
    _summary_queries(client, tree.own)  # warm the per-process caches
    before = _summary_queries(client, tree.own)
    for code in range(4):
        unit = make_unit(f"新增科{code}", f"T16{code}", parent=tree.own)
        _inspect(plan, unit, users.inspector)
        _item(plan, unit, users.clerk, days=-1)
    rows = client.get(reverse("inspections:summary"), {"unit": tree.own.pk}).context["summary"]
    assert len(rows["rows"]) == 6
    assert _summary_queries(client, tree.own) == before


def test_inspected_units_are_counted_for_the_inspecting_unit(client, tree, users, world):
    """被督查单位 (the reports' 「督查单位N家次」) counts each unit each plan inspected under
    the plan's unit (督查单位), a unit inspected twice twice, and opens exactly those results;
    being inspected is no figure of the inspected unit. A plan begun in another year is not
    counted in this one."""
    plan, other, group = world
    year = (datetime.date(TODAY.year, 1, 1), datetime.date(TODAY.year, 12, 31))

    def value(user, unit, subtree, period=(None, None)):
        start, end = period
        return metrics.value(
            "inspected_units", user=user, unit=unit, subtree=subtree, start=start, end=end
        )

    assert value(users.admin, tree.own, False).count == 4  # 新闻科 twice, 一组, 区教育局
    assert value(users.admin, tree.root, True).count == 4
    assert value(users.admin, tree.root, False).count == 0
    assert value(users.admin, tree.child, True).count == 0  # inspected, not inspecting
    other.starts_on = datetime.date(TODAY.year - 1, 12, 20)
    other.save(update_fields=["starts_on"])
    counted = value(users.admin, tree.own, True, year)
    assert counted.count == 3
    client.force_login(users.admin)
    listed = client.get(counted.url)
    assert listed.status_code == 200
    units = sorted(r.unit.name for r in listed.context["object_list"])
    assert units == sorted([tree.child.name, group.name, tree.sibling.name])
    # the inspecting team member and a clerk of the inspected 区教育局: each figure is its list
    for user in (users.inspector, users.sibling_clerk):
        seen = value(user, tree.own, True)
        client.force_login(user)
        assert client.get(seen.url).context["paginator"].count == seen.count, user
    assert value(users.sibling_clerk, tree.own, True).count == 1  # its own result only


def test_the_inspected_list_by_inspecting_unit_only_its_own(client, tree, users, world):
    """仅本单位 on 被督查单位 means the plans of that unit, not the results of that unit."""
    client.force_login(users.admin)
    url = reverse("inspections:results")
    own = client.get(url, {"unit": tree.own.pk, "unit_scope": "own"})
    assert own.context["paginator"].count == 4
    inspected = client.get(url, {"unit": tree.child.pk, "unit_scope": "own"})
    assert inspected.context["paginator"].count == 0
    page = client.get(reverse("inspections:plans")).content.decode()
    assert f'href="{url}"' in page  # reached from the plans' page


def test_results_seen_from_the_inspecting_side_stay_so_and_keep_who_may_open_them(
    tree, users, world
):
    """``seen_from`` places the records under another unit through every further filter,
    and never widens ``for_user``: a clerk of 区教育局 still opens its own result only."""
    seen = InspectionResult.objects.seen_from(INSPECTING_SIDE)
    chained = seen.filter(plan__isnull=False).select_related("plan").order_by("pk")
    assert chained.placement == INSPECTING_SIDE and chained.spec == InspectionResult.scope_spec
    assert chained.in_subtree(tree.own).count() == 4  # under 宣传部, the inspecting unit
    assert InspectionResult.objects.in_subtree(tree.own).count() == 3  # under the inspected
    visible = chained.for_user(users.sibling_clerk)
    assert [r.unit for r in visible] == [tree.sibling]

"""The home page's year figures (台账记录, 无佐证记录, 受众人次, and each activity type's
records and records without evidence) come from the metric layer over every record the user
may open: each equals the list its link opens, a unit's people see only their own scope's
figures, and the figures cost a fixed number of queries however many records there are."""

import datetime
import html

import pytest
from django.db import connection
from django.db.models import Q, Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from luoshi.accounts.models import Role
from luoshi.core import metrics, rollups
from luoshi.core.scope import DataScope, exact_scope
from luoshi.ledger.models import ActivityType, LedgerRecord
from luoshi.ledger.selectors import ledger_summary
from tests.factories import LedgerRecordFactory, make_unit, make_user
from tests.list_support import list_queryset
from tests.metrics_support import listed, numbers_equal_their_lists

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year
DAY = datetime.date(YEAR, 3, 1)


@pytest.fixture
def ledger(tree):
    """Records of this year in every unit of the tree (two types, some with evidence, some
    with an audience), and one of last year."""
    study, talk = ActivityType.objects.order_by("order")[:2]
    for unit, count in ((tree.root, 1), (tree.own, 3), (tree.child, 2), (tree.sibling, 4)):
        LedgerRecordFactory.create_batch(
            count, unit=unit, date=DAY, activity_type=study, audience_count=10
        )
        LedgerRecordFactory(unit=unit, date=DAY, activity_type=talk, audience_count=None)
    evidenced = LedgerRecord.objects.filter(
        Q(unit=tree.own) | Q(unit=tree.sibling, activity_type=study)
    )
    with rollups.tracking(LedgerRecord, list(evidenced.values_list("pk", flat=True))):
        evidenced.update(has_evidence=True)  # as ``refresh_has_evidence`` does
    LedgerRecordFactory(unit=tree.own, date=datetime.date(YEAR - 1, 3, 1), activity_type=study)
    return study, talk


def _figures(summary) -> list:
    values = [summary["records"], summary["without_evidence"]]
    for row in summary["by_type"]:
        values += [row["records"], row["without_evidence"]]
    return values


def _home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.context["summary"], response.content.decode()


def test_every_home_figure_equals_the_list_its_link_opens(client, tree, users, ledger):
    summary, page = _home(client, users.leader)  # 宣传部 and 新闻科
    assert summary["records"].count == 7 and summary["without_evidence"].count == 3
    numbers_equal_their_lists(client, page, _figures(summary))
    assert [row["records"].count for row in summary["by_type"]] == [5, 2]
    assert [row["without_evidence"].count for row in summary["by_type"]] == [2, 1]

    audience = summary["audience"]
    assert audience.count == 50  # five records of 10; the ones without a number add nothing
    assert html.escape(audience.url) in page
    listed_sum = list_queryset(users.leader, audience.url).aggregate(n=Sum("audience_count"))
    assert listed_sum["n"] == audience.count


def _custom_user(tree):
    """An inspector of 宣传部 whose role reads 新闻科 and 区教育局 (自定义单位): two disjoint
    units, no single unit's subtree."""
    role = Role.objects.create(name="督查两单位", code="t-two", data_scope=DataScope.CUSTOM)
    role.permissions.set(Role.objects.get(code="inspector").permissions.all())
    role.custom_units.set([tree.child, tree.sibling])
    return make_user("u_two", tree.own, "t-two")


USERS = {
    "child_leader": lambda users, tree: make_user("u_child_leader", tree.child, "leader"),
    "sibling_clerk": lambda users, tree: users.sibling_clerk,
    "admin": lambda users, tree: users.admin,
    "custom": lambda users, tree: _custom_user(tree),
}


@pytest.mark.parametrize(
    ("who", "records", "missing"),
    [
        ("child_leader", 3, 3),  # 新闻科 alone (its leader's scope: 本单位及以下)
        ("sibling_clerk", 5, 1),  # 区教育局 (本单位)
        ("admin", 14, 6),  # 全部
        ("custom", 8, 4),  # 新闻科 and 区教育局
    ],
)
def test_home_figures_are_those_of_the_users_scope(
    client, tree, users, ledger, who, records, missing
):
    user = USERS[who](users, tree)
    summary, page = _home(client, user)
    assert (summary["records"].count, summary["without_evidence"].count) == (records, missing)
    assert listed(client, summary["records"].url) == records
    numbers_equal_their_lists(client, page, _figures(summary))


def test_home_figures_cost_the_same_queries_for_one_record_as_for_many(users, tree):
    """Two grouped counts (records and records without evidence, by type and in all), one
    sum (受众人次) and the names of the types found, whatever the number of records, units
    and types."""
    LedgerRecordFactory(unit=tree.own, date=DAY)
    ledger_summary(users.leader, YEAR)  # the user's roles and scope, cached per request
    with CaptureQueriesContext(connection) as few:
        ledger_summary(users.leader, YEAR)
    for kind in ActivityType.objects.all()[:4]:
        for unit in (tree.own, tree.child):
            LedgerRecordFactory.create_batch(3, unit=unit, date=DAY, activity_type=kind)
    with CaptureQueriesContext(connection) as many:
        summary = ledger_summary(users.leader, YEAR)
    assert summary["records"].count == LedgerRecord.objects.for_user(users.leader).count()
    assert len(many.captured_queries) == len(few.captured_queries) <= 4


def test_records_without_evidence_by_type_over_a_subtree_read_from_the_rollups(
    client, tree, users, ledger
):
    """Over a subtree at depth ≤ 3 and whole months, ``by_dimension`` reads the rollup rows;
    a metric of the records NOT counted there (``rollup_rest``: 无佐证 = records − 有佐证)
    reads them as such, by type as in all, equal to the lists its links open."""
    study, talk = ledger
    year = [(datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31))]
    with CaptureQueriesContext(connection) as captured:
        found = metrics.by_dimension(
            "ledger_without_evidence",
            user=users.admin,
            unit=tree.root,
            periods=year,
            with_total=True,
        )
    assert "rollup" in captured.captured_queries[-1]["sql"]
    counts = {dim: values[0].count for dim, values in found.items()}
    assert counts == {metrics.ALL_DIMENSIONS: 6, study.pk: 3, talk.pk: 3}
    client.force_login(users.admin)
    for values in found.values():
        assert listed(client, values[0].url) == values[0].count


def test_the_scope_a_figure_names_is_exactly_what_the_user_may_open(tree, users):
    """One unit's subtree (本单位及以下; 全部 under a single top unit) or one unit (本单位):
    named, so its figures can read the rollups; anything else is read with ``for_user``."""
    assert exact_scope(users.leader) == (tree.own, True)
    assert exact_scope(users.sibling_clerk) == (tree.sibling, False)
    assert exact_scope(users.admin) == (tree.root, True)
    assert exact_scope(_custom_user(tree)) is None
    make_unit("另一个区", "X0")  # a second top unit: 全部 is no single subtree any more
    assert exact_scope(users.admin) is None

"""Every aggregate counts only records the user could open (issue 13, item 6).

A user whose role reaches 本单位 only, asking for the figures 「含下级单位」, must get its own
unit's figures: the records of the units below are 404 for it, so their counts are too. The
same user with a 本单位及以下 role sees the subtree. Checked at the mechanism (every registered
indicator) and at each consumer: duty progress (page + API), the dashboard, report generation.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from luoshi.accounts.models import Role
from luoshi.api import services as api_services
from luoshi.core import indicators
from luoshi.core.scope import DataScope
from luoshi.duty import services as duty_services
from luoshi.duty.selectors import latest_pack
from luoshi.ledger.models import ActivityType
from luoshi.reports import services
from luoshi.reports.engine import generate
from luoshi.reports.models import Report, ReportKind
from tests.factories import LedgerRecordFactory, make_user

YEAR = timezone.localdate().year
OWN, CHILD = 3, 2  # study_group records of 宣传部 and of its 新闻科


@pytest.fixture
def world(tree):
    kind = ActivityType.objects.get(code="study_group")
    for day in range(1, OWN + 1):
        LedgerRecordFactory(unit=tree.own, activity_type=kind, date=datetime.date(YEAR, 1, day))
    for day in range(1, CHILD + 1):
        LedgerRecordFactory(unit=tree.child, activity_type=kind, date=datetime.date(YEAR, 2, day))
    LedgerRecordFactory(unit=tree.sibling, activity_type=kind, date=datetime.date(YEAR, 3, 1))
    duty_list = duty_services.generate_duty_list(
        unit=tree.own, year=YEAR, pack=latest_pack("yishixingtai")
    )
    return tree, duty_list


def _user(tree, username, scope):
    """A leader's permissions with the given data scope, in 宣传部."""
    leader = Role.objects.get(code="leader")
    role = Role.objects.create(name=f"领导（{scope}）", code=f"leader_{scope}", data_scope=scope)
    role.permissions.set(leader.permissions.all())
    role.permissions.add(*Role.objects.get(code="clerk").permissions.all())
    return make_user(username, tree.own, role.code)


@pytest.fixture
def unit_only(world):
    return _user(world[0], "u_unit_only", DataScope.UNIT)


@pytest.fixture
def subtree_user(world):
    return _user(world[0], "u_subtree", DataScope.SUBTREE)


def _year():
    return {"start": datetime.date(YEAR, 1, 1), "end": datetime.date(YEAR, 12, 31)}


def test_every_indicator_counts_only_what_the_user_may_open(world, unit_only, subtree_user):
    tree, _list = world
    params = {"ledger_count": {"activity_type": "study_group"}}
    for kind in indicators.kinds():
        args = {"unit": tree.own, **_year()}
        subtree = indicators.measure(
            kind, params.get(kind, {}), user=unit_only, subtree=True, **args
        )
        own = indicators.measure(kind, params.get(kind, {}), user=unit_only, subtree=False, **args)
        assert (subtree.count, subtree.total) == (own.count, own.total), kind
    study = indicators.measure(
        "ledger_count",
        params["ledger_count"],
        user=unit_only,
        subtree=True,
        unit=tree.own,
        **_year(),
    )
    assert study.count == OWN
    wide = indicators.measure(
        "ledger_count",
        params["ledger_count"],
        user=subtree_user,
        subtree=True,
        unit=tree.own,
        **_year(),
    )
    assert wide.count == OWN + CHILD


def _study_row(response):
    rows = [row for _area, rows in response.context["groups"] for row in rows]
    return next(row for row in rows if row.item.code == "study_group")


def test_duty_progress_page_subtree_counts_own_unit_for_a_unit_only_user(
    client, world, unit_only, subtree_user
):
    _tree, duty_list = world
    url = duty_list.get_absolute_url() + "?scope=subtree"
    client.force_login(unit_only)
    assert _study_row(client.get(url)).count == OWN
    item = duty_list.items.get(code="study_group")
    page = client.get(item.get_absolute_url() + "?scope=subtree")
    assert page.context["progress"].count == OWN
    client.force_login(subtree_user)
    assert _study_row(client.get(url)).count == OWN + CHILD


def _api_study_count(client, user, duty_list):
    until = timezone.now() + datetime.timedelta(days=1)
    key = api_services.create_token(user=user, name="进度", expires_at=until)[1]
    response = client.get(
        f"/api/duty-lists/{duty_list.pk}/progress/?subtree=1",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert response.status_code == 200
    row = next(r for r in response.json() if r["code"] == "study_group")
    return row["count"]


def test_duty_progress_api_subtree_counts_own_unit_for_a_unit_only_user(
    client, world, unit_only, subtree_user
):
    _tree, duty_list = world
    assert _api_study_count(client, unit_only, duty_list) == OWN
    assert _api_study_count(client, subtree_user, duty_list) == OWN + CHILD


def test_dashboard_subtree_panels_count_own_unit_for_a_unit_only_user(
    client, world, unit_only, subtree_user
):
    tree, _list = world
    query = {"unit": tree.own.pk, "year": YEAR}
    client.force_login(unit_only)
    duty = client.get(reverse("dashboard:duty"), query).context["duty"]
    assert next(r for r in duty.rows if r.item.code == "study_group").count == OWN
    page = client.get(reverse("dashboard:index"), query)
    assert page.context["panels"]["ledger"].figure("records").current.value == OWN
    client.force_login(subtree_user)
    duty = client.get(reverse("dashboard:duty"), query).context["duty"]
    assert next(r for r in duty.rows if r.item.code == "study_group").count == OWN + CHILD


def _generate(client, tree):
    data = {
        "unit": tree.own.pk,
        "year": YEAR,
        "kind": ReportKind.ANNUAL_SUMMARY,
        "subtree": "on",
    }
    return client.post(reverse("reports:report_create"), data)


def test_report_including_subordinate_units_is_refused_beyond_scope(
    client, world, unit_only, subtree_user
):
    tree, _list = world
    client.force_login(unit_only)
    response = _generate(client, tree)
    assert response.status_code == 200 and not Report.objects.exists()
    assert "不能生成含下级单位的报告" in response.context["form"].errors["subtree"][0]
    client.force_login(subtree_user)
    assert _generate(client, tree).status_code == 302
    report = Report.objects.get()
    assert report.latest_version.facts["ledger:study_group"]["value"] == OWN + CHILD


def test_report_engine_counts_own_unit_for_a_unit_only_user(world, unit_only, subtree_user):
    """Below the form: the engine itself (and so regenerating a stored subtree report)
    counts only what the generating user may open."""
    tree, _list = world
    report = services.create_report(
        user=subtree_user, unit=tree.own, year=YEAR, kind=ReportKind.ANNUAL_SUMMARY, subtree=True
    )
    assert report.latest_version.facts["ledger:study_group"]["value"] == OWN + CHILD
    version, _kept = services.regenerate(report, user=unit_only, base=1)
    assert version.facts["ledger:study_group"]["value"] == OWN
    draft = generate(tree.own, YEAR, ReportKind.ANNUAL_SUMMARY, user=unit_only, subtree=True)
    assert draft.facts["ledger:study_group"]["value"] == OWN

"""驾驶舱 figures cached per scope (``luoshi.core.figure_cache``): a second view of the same
unit, period and audience is read from the cache; a write committed in between shows at
once; users who may see different things never share an entry; the scope still decides
404. Transactional tests: the data generation is raised when a transaction commits."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from luoshi.accounts.models import Role
from luoshi.core import figure_cache, rollups
from luoshi.ledger.models import ActivityType, LedgerRecord
from tests.factories import PASSWORD, LedgerRecordFactory, make_user

pytestmark = pytest.mark.django_db(transaction=True)

URL = reverse("dashboard:index")
WALL = reverse("dashboard:wall")
DUTY = reverse("dashboard:duty")


@pytest.fixture
def records(tree, users):
    """Two records in 宣传部 (T1) and three in its 新闻科 (T11), this year."""
    study = ActivityType.objects.get(code="study_group")
    day = timezone.localdate().replace(day=1)
    for unit, n in ((tree.own, 2), (tree.child, 3)):
        for _ in range(n):
            LedgerRecordFactory(unit=unit, activity_type=study, date=day, created_by=users.clerk)
    return study


def view(client, url=URL, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode(), len(captured.captured_queries)


def records_figure(html: str) -> int:
    found = re.search(r'data-testid="fig-ledger-records">([\d,]+)<', html)
    assert found, "no 台账记录 figure on the page"
    return int(found.group(1).replace(",", ""))


def role_user(name, unit, scope, *codenames):
    role = Role.objects.create(name=name, code=name, data_scope=scope)
    role.permissions.add(*Permission.objects.filter(codename__in=["view_dashboard", *codenames]))
    user = make_user(name, unit)
    user.groups.add(role)
    return user


def test_a_second_view_of_the_same_scope_is_read_from_the_cache(client, users, records):
    client.force_login(users.leader)
    first, computed = view(client)
    second, cached = view(client)
    assert records_figure(first) == records_figure(second) == 5
    assert cached <= computed // 2, (computed, cached)
    assert 'data-testid="figures-as-of"' in second and "数据截至" in second
    # 刷新 recomputes (and the wall and the duty panel are cached the same way)
    _refreshed, recomputed = view(client, refresh=1)
    assert recomputed > cached + 5, (recomputed, cached)
    for url in (WALL, DUTY):
        _page, wall_computed = view(client, url)
        _page, wall_cached = view(client, url)
        assert wall_cached < wall_computed, url


def test_a_record_written_through_its_page_shows_on_the_next_view(client, tree, users, records):
    client.force_login(users.leader)
    assert records_figure(view(client)[0]) == 5
    client.force_login(users.clerk)
    posted = client.post(
        reverse("ledger:create"),
        {
            "unit": tree.own.pk,
            "activity_type": records.pk,
            "date": timezone.localdate().replace(day=1).isoformat(),
            "title": "宣传部专题学习",
            "summary": "学习。",
        },
    )
    assert posted.status_code == 302
    client.force_login(users.leader)
    assert records_figure(view(client)[0]) == 6


def test_a_bulk_write_without_signals_raises_the_generation_through_the_rollups(
    tree, users, records
):
    before = figure_cache.generation()
    pks = list(LedgerRecord.objects.values_list("pk", flat=True))
    with transaction.atomic(), rollups.tracking(LedgerRecord, pks):
        LedgerRecord.objects.filter(pk__in=pks).update(date=datetime.date(2001, 1, 1))
        assert figure_cache.generation() == before  # not before the commit
    assert figure_cache.generation() > before  # a record is a figure  # once per transaction


def test_users_who_may_see_different_panels_or_records_do_not_share(client, tree, users, records):
    ledger_only = role_user("dash_ledger", tree.own, "subtree", "view_ledgerrecord")
    own_only = role_user("dash_unit", tree.own, "unit", "view_ledgerrecord")
    client.force_login(users.leader)
    leader_page, _n = view(client)
    assert 'data-testid="panel-tasks"' in leader_page and records_figure(leader_page) == 5
    client.force_login(ledger_only)
    page, _n = view(client)
    assert 'data-testid="panel-tasks"' not in page and records_figure(page) == 5
    client.force_login(own_only)  # 本单位: its own two records, not 新闻科's three
    assert records_figure(view(client, unit=tree.own.pk)[0]) == 2


def test_a_unit_outside_the_scope_is_404_even_when_its_figures_are_cached(
    client, tree, users, records
):
    client.force_login(users.admin)  # 全部
    assert view(client, unit=tree.sibling.pk)[0]
    client.force_login(users.leader)
    assert client.get(URL, {"unit": tree.sibling.pk}).status_code == 404
    assert client.get(WALL, {"unit": tree.sibling.pk}).status_code == 404
    assert client.get(DUTY, {"unit": tree.sibling.pk}).status_code == 404


def test_a_transaction_that_changed_data_neither_reads_nor_fills_the_cache(tree, records):
    computed = []

    def compute():
        computed.append(1)
        return "figures"

    figure_cache.cached("test", (1,), compute)
    figure_cache.cached("test", (1,), compute)
    assert len(computed) == 1
    with transaction.atomic():
        LedgerRecordFactory(unit=tree.own, activity_type=records, date=timezone.localdate())
        assert figure_cache.pending()
        figure_cache.cached("test", (1,), compute)
    assert len(computed) == 2
    figure_cache.cached("test", (1,), compute)  # a new generation: computed once more
    assert len(computed) == 3


def test_a_savepoint_rolled_back_leaves_the_transaction_s_change_pending(tree, records):
    with transaction.atomic():
        LedgerRecordFactory(unit=tree.own, activity_type=records, date=timezone.localdate())
        with pytest.raises(RuntimeError), transaction.atomic():
            LedgerRecordFactory(unit=tree.own, activity_type=records, date=timezone.localdate())
            raise RuntimeError
        assert figure_cache.pending()
    assert not figure_cache.pending()


def test_signing_in_keeps_every_scope_s_cached_figures(client, users, records):
    """A sign-in writes its own bookkeeping (last_login, the session record, the login log):
    none of it is a figure, so the morning's sign-ins do not empty the cache."""
    before = figure_cache.generation()
    signed_in = client.post(
        reverse("login"), {"username": users.leader.username, "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert figure_cache.generation() == before
    LedgerRecordFactory(unit=users.leader.unit, activity_type=records, created_by=users.clerk)
    assert figure_cache.generation() > before  # a record is a figure


def unit_options(html: str) -> list[str]:
    chooser = re.search(r'<select name="unit" id="id_unit"[^>]*>(.*?)</select>', html, re.S)
    assert chooser, "no unit chooser"
    return [name.strip("　") for name in re.findall(r"<option[^>]*>([^<]*)</option>", chooser[1])]


def test_the_unit_chooser_lists_the_scope_s_ancestors_and_the_cached_children(
    client, tree, users, records
):
    """The chooser's children are cached with the figures; its ancestors are the reader's
    own: a 宣传部 user and an administrator who share the 宣传部 figures see each their own
    upper half (the 区委 only for the one whose scope reaches it)."""
    client.force_login(users.leader)  # 本单位及下级 at 宣传部
    params = {"unit": tree.own.pk}
    for _ in range(2):  # computed, then read from the cache
        assert unit_options(view(client, **params)[0]) == [tree.own.name, tree.child.name]
    client.force_login(users.admin)  # 全部单位
    assert unit_options(view(client, **params)[0]) == [
        tree.root.name,
        tree.own.name,
        tree.child.name,
    ]

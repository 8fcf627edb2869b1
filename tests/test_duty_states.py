"""The progress badges of a duty list 「已完成 / 进行中 / 滞后 N」 (its page and the dashboard's
责任清单 panel) are the metric ``duty_items`` by progress state, and each opens the item list
of exactly the items it counts (they were a tally in Python, each linking to the whole list).
"""

import datetime
import html
import re
from io import BytesIO
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from luoshi.accounts.models import Role
from luoshi.core import metrics
from luoshi.core.scope import DataScope
from luoshi.duty import selectors, services
from luoshi.duty.models import DutyCheck
from luoshi.duty.selectors import BEHIND, DONE, INACTIVE, ON_TRACK, latest_pack
from luoshi.ledger.models import ActivityType
from tests.factories import LedgerRecordFactory, make_user
from tests.list_support import list_queryset
from tests.metrics_support import listed, numbers_equal_their_lists

YEAR = timezone.localdate().year
JULY = datetime.date(YEAR, 7, 15)
BADGES = (DONE, ON_TRACK, BEHIND)


def record(unit, code, day):
    return LedgerRecordFactory(
        unit=unit, activity_type=ActivityType.objects.get(code=code), date=day
    )


@pytest.fixture
def mid_year(monkeypatch):
    """Progress is measured as of 15 July of this year: by the list's page, the dashboard
    and the item list its badges open alike."""
    monkeypatch.setattr(selectors, "timezone", SimpleNamespace(localdate=lambda: JULY))


@pytest.fixture
def duty_list(tree, users, mid_year):
    """宣传部's list with items in every state, some measured differently with its subtree:
    专题研究 2/2 and 五纳入 ticked: 已完成; 通报 met in the first half, the second open:
    进行中; 中心组学习 0/12 by July: 滞后; 文明实践 monthly: 滞后 for the unit alone, 进行中
    with 新闻科's records of every month so far; 述职 dropped: 不考核."""
    pack = latest_pack("yishixingtai")
    made = services.generate_duty_list(unit=tree.own, year=YEAR, pack=pack, user=users.unit_admin)
    record(tree.own, "special_meeting", datetime.date(YEAR, 2, 1))
    record(tree.own, "special_meeting", datetime.date(YEAR, 3, 1))
    record(tree.own, "briefing", datetime.date(YEAR, 3, 5))
    for month in range(1, 7):
        record(tree.child, "civic_practice", datetime.date(YEAR, month, 8))
    ticked = made.items.get(code="five_inclusions")
    for sub in ticked.checklist:
        DutyCheck.objects.create(
            item=ticked,
            key=sub["code"],
            done=True,
            recorded_by=users.clerk,
            recorded_at=timezone.now(),
        )
    services.drop_item(
        item=made.items.get(code="duty_report"), reason="本年不适用", user=users.unit_admin
    )
    return made


def badges(page: str, prefix: str) -> dict[str, tuple[int, str]]:
    """{state: (number, link)} of the badges a page shows (``data-testid`` ``prefix-state``)."""
    found = {}
    for state in BADGES:
        testid = f"{prefix}-{state.replace('_', '-')}"
        tag = re.search(rf'<a [^>]*data-testid="{testid}"[^>]*>[^<]*?(\d+)</a>', page)
        assert tag is not None, f"no badge {testid} with a link"
        href = re.search(r'href="([^"]*)"', tag.group(0))
        assert href is not None, testid
        found[state] = (int(tag.group(1)), html.unescape(href.group(1)))
    return found


def _listed_codes(user, url: str) -> set[str]:
    return set(list_queryset(user, url).values_list("code", flat=True))


@pytest.mark.parametrize("subtree", [False, True])
def test_list_badges_equal_the_items_their_links_open(client, users, duty_list, subtree):
    client.force_login(users.leader)
    url = duty_list.get_absolute_url() + ("?scope=subtree" if subtree else "")
    response = client.get(url)
    page = response.content.decode()
    rows = [row for _area, rows in response.context["groups"] for row in rows]
    for state, (number, link) in badges(page, "state").items():
        in_state = {row.item.code for row in rows if row.status == state}
        assert listed(client, link) == number == len(in_state) >= 1, state
        assert _listed_codes(users.leader, link) == in_state, (state, subtree)
    states = response.context["states"]
    for state in (*BADGES, INACTIVE):
        value = states[state]
        assert value.count >= 1, state  # an item in every state
        numbers_equal_their_lists(client, page, [value])
        shown = {row.item.code for row in rows if row.status == state}
        assert _listed_codes(users.leader, value.count_url) == shown, (state, subtree)
    assert sum(v.count for v in states.values()) == len(rows)
    civic = next(row for row in rows if row.item.code == "civic_practice")
    assert civic.status == (ON_TRACK if subtree else BEHIND)


def test_dashboard_badges_equal_the_items_their_links_open(client, users, duty_list, tree):
    client.force_login(users.leader)
    response = client.get(reverse("dashboard:duty"), {"unit": tree.own.pk, "year": YEAR})
    assert response.status_code == 200
    panel = response.context["duty"]
    page = response.content.decode()
    for state, (number, link) in badges(page, "duty").items():
        assert listed(client, link) == number == panel.tally[state].count, state
    for state in BADGES:
        value = panel.tally[state]
        assert value.count == sum(1 for row in panel.rows if row.status == state) >= 1, state
        numbers_equal_their_lists(client, page, [value])
        shown = {row.item.code for row in panel.rows if row.status == state}
        assert _listed_codes(users.leader, value.count_url) == shown, state
    query = parse_qs(urlsplit(panel.tally[ON_TRACK].count_url).query)
    assert query == {"duty_list": [str(duty_list.pk)], "scope": ["subtree"], "state": [ON_TRACK]}


def test_state_filter_needs_a_list_the_user_may_open(client, users, duty_list, tree):
    """A state is measured list by list for the user who opens it: without a list the filter
    selects nothing, and a user outside the list's scope sees none of its items."""
    items = metrics.of_object("duty_items", user=users.leader, params={"duty_list": duty_list.pk})
    client.force_login(users.leader)
    assert listed(client, items.count_url) == items.count == duty_list.items.count()
    assert listed(client, reverse("duty:items") + "?state=behind") == 0
    client.force_login(users.sibling_clerk)
    assert listed(client, reverse("duty:items") + f"?duty_list={duty_list.pk}&state=behind") == 0


def test_a_state_asked_without_the_measured_states_selects_nothing(duty_list, users):
    """A hand-written param (a form's prefill, an API caller) never breaks a page."""
    asked = {"duty_list": duty_list.pk, "state": DONE}
    assert metrics.of_object("duty_items", user=users.leader, params=asked).count == 0
    every = metrics.of_object("duty_items", user=users.leader, params={"duty_list": duty_list.pk})
    assert every.count == duty_list.items.count() > 0


def test_a_reader_sees_only_the_items_he_may_open(client, users, tree, mid_year):
    """A 仅本人 reader who generated a list sees its rows as he may open them: not a custom
    item another person added (its page is a 404 for him), and the badges add up to the rows."""
    role = Role.objects.create(name="仅本人领导", code="self_leader", data_scope=DataScope.SELF)
    role.permissions.set(Permission.objects.filter(codename__in=["view_dutylist", "view_dutyitem"]))
    me = make_user("selfy", tree.own, "self_leader")
    made = services.generate_duty_list(unit=tree.own, year=YEAR, pack=latest_pack(), user=me)
    other = services.add_custom_item(
        duty_list=made,
        user=users.unit_admin,
        name="外加事项",
        area_name="",
        owner="",
        target_type="count",
        target_value=1,
        period="year",
    )
    client.force_login(me)
    response = client.get(made.get_absolute_url())
    rows = [row for _area, group in response.context["groups"] for row in group]
    assert other.pk not in {row.item.pk for row in rows}
    assert sum(v.count for v in response.context["states"].values()) == len(rows) > 0
    assert client.get(other.get_absolute_url()).status_code == 404


def test_the_item_list_exports_exactly_the_items_of_a_badge(client, users, duty_list):
    """The Excel of 「滞后」's list holds exactly the items the badge counts, by name."""
    client.force_login(users.leader)
    response = client.get(duty_list.get_absolute_url())
    value = response.context["states"][BEHIND]
    rows = [row for _area, group in response.context["groups"] for row in group]
    behind = sorted(row.item.name for row in rows if row.status == BEHIND)
    download = client.get(value.count_url + "&export=xlsx")
    assert download.status_code == 200
    sheet = load_workbook(BytesIO(download.content)).active
    header = [cell.value for cell in sheet[1]]
    names = sorted(
        row[header.index("责任项")] for row in sheet.iter_rows(min_row=2, values_only=True)
    )
    assert names == behind and len(names) == value.count >= 1


def test_the_state_is_chosen_within_a_list(client, users, duty_list):
    """Without a list the page offers no 进度状态 (it would select nothing) and says why when
    one is asked for; within a list it is a choice, and the heading names the list."""
    client.force_login(users.leader)
    page = client.get(reverse("duty:items"))
    assert page.context["filter"].form["state"].is_hidden
    assert "state-needs-list" not in page.content.decode()
    asked = client.get(reverse("duty:items") + "?state=behind").content.decode()
    assert "请从责任清单页面的进度统计进入" in asked
    within = client.get(reverse("duty:items"), {"duty_list": duty_list.pk, "state": BEHIND})
    assert not within.context["filter"].form["state"].is_hidden
    assert f'data-testid="duty-list">{duty_list.unit.name}{YEAR}年' in within.content.decode()
    assert "请从责任清单页面的进度统计进入" not in within.content.decode()


def test_with_the_subtree_the_target_is_the_sum_of_the_targets_below(client, users, tree):
    """含下级: an item's 目标 on the item list (and its export) is the list page's: its own
    target and the sum of the same item's targets on the lists below."""
    pack = latest_pack("yishixingtai")
    own = services.generate_duty_list(unit=tree.own, year=YEAR, pack=pack)
    services.generate_duty_list(unit=tree.child, year=YEAR, pack=pack)
    client.force_login(users.leader)
    query = {"duty_list": own.pk, "scope": "subtree"}
    page = client.get(reverse("duty:items"), query)
    study = next(i for i in page.context["object_list"] if i.code == "study_group")
    assert "下级合计：2 个单位目标之和" in study.target_label
    assert "下级合计" in page.content.decode()
    export = client.get(reverse("duty:items"), {**query, "export": "xlsx"})
    sheet = load_workbook(BytesIO(export.content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row]
    assert any("2 个单位目标之和" in c for c in cells)
    alone = client.get(reverse("duty:items"), {"duty_list": own.pk, "scope": "own"})
    assert not any("下级合计" in i.target_label for i in alone.context["object_list"])

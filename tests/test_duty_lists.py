"""Duty lists: generation, live progress that matches the records behind its links (own unit
and subtree; year, half-year and monthly periods), manual items, scope, signing, the
subtree overview and its Excel export, adjustments."""

import datetime
from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from luoshi.accounts.models import ResponsibilityPosition
from luoshi.core.indicators import SYSTEM
from luoshi.duty import services
from luoshi.duty.models import DutyCheck, DutyStatus
from luoshi.duty.selectors import BEHIND, DONE, ON_TRACK, item_progress, latest_pack
from luoshi.ledger.models import ActivityType
from tests.factories import LedgerRecordFactory, png_upload

YEAR = timezone.localdate().year


def record(unit, code, day, **extra):
    return LedgerRecordFactory(
        unit=unit, activity_type=ActivityType.objects.get(code=code), date=day, **extra
    )


@pytest.fixture
def pack(db):
    return latest_pack("yishixingtai")


@pytest.fixture
def duty_list(tree, users, pack):
    ResponsibilityPosition.objects.create(
        unit=tree.own, year=YEAR, position="primary", user=users.leader
    )
    ResponsibilityPosition.objects.create(
        unit=tree.own, year=YEAR, position="member", user=users.reviewer
    )
    ResponsibilityPosition.objects.create(
        unit=tree.own, year=YEAR, position="member", user=users.inspector
    )
    return services.generate_duty_list(unit=tree.own, year=YEAR, pack=pack, user=users.unit_admin)


def rows_by_code(response):
    return {row.item.code: row for _area, rows in response.context["groups"] for row in rows}


def listed_count(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.context["page_obj"].paginator.count


def test_generate_is_idempotent_with_default_assignees(duty_list, tree, pack, users):
    again = services.generate_duty_list(unit=tree.own, year=YEAR, pack=pack)
    assert again.pk == duty_list.pk
    codes = list(duty_list.items.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == pack.items.filter(is_area=False).count()
    assert list(duty_list.items.get(code="study_group").assignees.all()) == [users.leader]
    members = set(duty_list.items.get(code="duty_report").assignees.all())
    assert members == {users.reviewer, users.inspector}
    assert not duty_list.items.get(code="civic_practice").assignees.exists()  # owner: unit


def test_progress_equals_the_records_behind_the_link(client, duty_list, tree, users):
    for month in (1, 2, 3):
        record(tree.own, "study_group", datetime.date(YEAR, month, 10))
    record(tree.child, "study_group", datetime.date(YEAR, 4, 10))
    record(tree.child, "study_group", datetime.date(YEAR, 5, 10))
    record(tree.sibling, "study_group", datetime.date(YEAR, 5, 10))
    record(tree.own, "study_group", datetime.date(YEAR - 1, 12, 10))  # last year
    record(tree.own, "special_meeting", datetime.date(YEAR, 2, 1))
    client.force_login(users.leader)

    own = rows_by_code(client.get(duty_list.get_absolute_url()))["study_group"]
    assert (own.count, own.summary) == (3, "3/12")
    assert listed_count(client, own.url) == 3

    response = client.get(duty_list.get_absolute_url() + "?scope=subtree")
    sub = rows_by_code(response)["study_group"]
    assert (sub.count, sub.summary) == (5, "5/12")
    assert listed_count(client, sub.url) == 5
    assert sub.url in response.content.decode().replace("&amp;", "&")

    meeting = rows_by_code(response)["special_meeting"]
    assert meeting.summary == "1/2" and listed_count(client, meeting.url) == 1


def test_half_year_periods(duty_list, tree, client, users):
    record(tree.own, "briefing", datetime.date(YEAR, 3, 5))
    item = duty_list.items.get(code="briefing")
    progress = item_progress(item, user=SYSTEM, today=datetime.date(YEAR, 9, 1))
    h1, h2 = progress.periods
    assert (h1.label, h1.count, h1.state) == ("上半年", 1, "met")
    assert (h2.label, h2.count, h2.state) == ("下半年", 0, "open")
    assert progress.status == ON_TRACK
    assert progress.summary == "上半年✔ 下半年…"
    client.force_login(users.leader)
    assert listed_count(client, h1.url) == 1 and listed_count(client, h2.url) == 0

    after = item_progress(item, user=SYSTEM, today=datetime.date(YEAR + 1, 1, 5))
    assert after.summary == "上半年✔ 下半年✘"
    assert after.status == BEHIND
    record(tree.own, "briefing", datetime.date(YEAR, 11, 5))
    assert item_progress(item, user=SYSTEM, today=datetime.date(YEAR + 1, 1, 5)).status == DONE


def test_monthly_periods(duty_list, tree, client, users):
    for month in (1, 2, 4):
        record(tree.own, "civic_practice", datetime.date(YEAR, month, 8))
    record(tree.child, "civic_practice", datetime.date(YEAR, 3, 8))
    item = duty_list.items.get(code="civic_practice")
    progress = item_progress(item, user=SYSTEM, today=datetime.date(YEAR, 5, 15))
    states = [p.state for p in progress.periods]
    assert states[:6] == ["met", "met", "missed", "met", "open", "future"]
    assert progress.summary == "3/12 个月达标"
    assert progress.status == BEHIND
    assert progress.count == 3
    client.force_login(users.leader)
    assert listed_count(client, progress.url) == 3
    assert listed_count(client, progress.periods[3].url) == 1

    subtree = item_progress(item, user=SYSTEM, subtree=True, today=datetime.date(YEAR, 5, 15))
    assert [p.state for p in subtree.periods][:4] == ["met", "met", "met", "met"]
    assert subtree.status == ON_TRACK


def test_manual_item_ticked_with_evidence(client, duty_list, users, monkeypatch):
    from luoshi.core import metrics

    # every kind of the default pack is measured now: unregister one as if its module were
    # not installed, so the item falls back to a manual tick
    monkeypatch.delitem(metrics._REGISTRY, "risk_screening")
    item = duty_list.items.get(code="risk_screening")
    assert item.is_manual
    client.force_login(users.clerk)
    page = client.get(item.get_absolute_url())
    assert page.status_code == 200 and "手工填报" in page.content.decode()
    response = client.post(
        reverse("duty:item_record", args=[item.pk]), {"done": ["Y"], "note": "已排查3个风险点"}
    )
    assert response.status_code == 302
    check = DutyCheck.objects.get(item=item, key="Y")
    assert check.done and check.recorded_by == users.clerk and check.note == "已排查3个风险点"
    assert item_progress(item, user=SYSTEM).status == DONE

    upload = client.post(
        reverse("evidence:upload", args=[_content_type(item), item.pk]),
        {"files": [png_upload("排查台账.png")]},
    )
    assert upload.status_code == 302
    assert item.evidence.filter(is_current=True).count() == 1


def _content_type(obj):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(type(obj)).pk


def test_checklist_item(client, duty_list, users):
    item = duty_list.items.get(code="five_inclusions")
    client.force_login(users.clerk)
    codes = [s["code"] for s in item.checklist]
    client.post(reverse("duty:item_record", args=[item.pk]), {"done": codes[:3]})
    progress = item_progress(item, user=SYSTEM)
    assert (progress.count, progress.total, progress.summary) == (3, 5, "3/5 项")
    assert progress.status == ON_TRACK
    client.post(reverse("duty:item_record", args=[item.pk]), {"done": codes})
    assert item_progress(item, user=SYSTEM).status == DONE


def test_sibling_duty_list_is_404(client, tree, pack, users, duty_list):
    other = services.generate_duty_list(unit=tree.sibling, year=YEAR, pack=pack)
    item = other.items.first()
    client.force_login(users.unit_admin)
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(item.get_absolute_url()).status_code == 404
    assert client.post(reverse("duty:sign", args=[other.pk])).status_code == 404
    assert client.get(reverse("duty:item_drop", args=[item.pk])).status_code == 404
    listed = client.get(reverse("duty:list")).context["object_list"]
    assert list(listed) == [duty_list]


def test_overview_only_shows_units_in_scope_and_exports(client, tree, pack, users, duty_list):
    services.generate_duty_list(unit=tree.sibling, year=YEAR, pack=pack)
    services.generate_duty_list(unit=tree.child, year=YEAR, pack=pack)
    record(tree.own, "study_group", datetime.date(YEAR, 1, 10))
    client.force_login(users.leader)
    response = client.get(reverse("duty:overview"))
    assert response.status_code == 200
    units = [row.unit for row in response.context["rows"]]
    assert units == [tree.own, tree.child]
    own_row = response.context["rows"][0]
    assert own_row.cells["study_group"].summary == "1/12"

    children = client.get(reverse("duty:overview"), {"unit": tree.own.pk})
    assert [row.unit for row in children.context["rows"]] == [tree.child]

    export = client.get(reverse("duty:overview"), {"export": "xlsx"})
    assert export.status_code == 200
    sheet = openpyxl.load_workbook(BytesIO(export.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "单位" and "理论学习中心组学习" in rows[0]
    column = rows[0].index("理论学习中心组学习")
    assert [r[0] for r in rows[1:]] == [tree.own.name, tree.child.name]
    assert rows[1][column].startswith("1/12")


def test_sign_needs_the_permission_a_position_and_only_once(client, duty_list, users):
    url = reverse("duty:sign", args=[duty_list.pk])
    client.force_login(users.clerk)  # no 签署 permission
    response = client.post(url, follow=True)
    assert "您无权执行「签署责任书」" in response.content.decode()
    client.force_login(users.unit_admin)  # the permission, but no position in the unit
    response = client.post(url, follow=True)
    assert f"责任书须由本单位{YEAR}年度的第一责任人或直接责任人签署" in response.content.decode()
    duty_list.refresh_from_db()
    assert duty_list.status == DutyStatus.DRAFT
    assert not response.context["steps"]  # no sign button for them

    client.force_login(users.leader)
    client.post(url)
    duty_list.refresh_from_db()
    assert duty_list.status == DutyStatus.SIGNED
    assert duty_list.signed_by == users.leader and duty_list.signed_at is not None

    again = client.post(url, follow=True)
    assert "当前状态为「已签署」，不能执行「签署责任书」" in again.content.decode()
    duty_list.refresh_from_db()
    assert duty_list.signed_by == users.leader

    # a signed pledge is not adjusted
    client.force_login(users.unit_admin)
    item = duty_list.items.get(code="study_group")
    refused = client.post(
        reverse("duty:item_drop", args=[item.pk]), {"reason": "不适用"}, follow=True
    )
    assert "责任书已签署" in refused.content.decode()
    item.refresh_from_db()
    assert not item.is_dropped
    # nor is an item added to it: the refusal is said on the list's page, nothing written
    items = duty_list.items.count()
    added = client.post(
        reverse("duty:item_create", args=[duty_list.pk]),
        {"area_name": "理论武装", "name": "读书班", "owner": "direct", "target_type": "count",
         "target_value": "4", "period": "year"},
        follow=True,
    )  # fmt: skip
    assert added.redirect_chain[-1][0] == duty_list.get_absolute_url()
    assert "责任书已签署" in added.content.decode() and "已增加责任项" not in added.content.decode()
    assert duty_list.items.count() == items
    # and the form is not offered in vain: its page says so on the list's page
    offered = client.get(reverse("duty:item_create", args=[duty_list.pk]), follow=True)
    assert offered.redirect_chain[-1][0] == duty_list.get_absolute_url()
    assert "责任书已签署" in offered.content.decode()


def test_a_stale_adjust_page_never_overwrites_another_change(client, duty_list, users):
    """Two admins open the target page of one item; the second save is refused (its input
    kept), and so is dropping the item from a page opened before that change."""
    client.force_login(users.unit_admin)
    item = duty_list.items.get(code="study_group")
    target_url = reverse("duty:item_target", args=[item.pk])
    drop_url = reverse("duty:item_drop", args=[item.pk])
    version = client.get(target_url).context["form"]["version"].value()
    assert client.get(drop_url).context["form"]["version"].value() == version
    first = {"target_override": "15", "override_reason": "甲：另加3次专题", "version": version}
    assert client.post(target_url, first).status_code == 302
    second = {"target_override": "20", "override_reason": "乙：另加8次", "version": version}
    page = client.post(target_url, second)
    assert "该记录已被他人修改" in page.content.decode() and "乙：另加8次" in page.content.decode()
    dropped = client.post(drop_url, {"reason": "不适用", "version": version})
    assert "该记录已被他人修改" in dropped.content.decode()
    item.refresh_from_db()
    assert item.target == 15 and not item.is_dropped


def test_adjust_pages(client, duty_list, users):
    client.force_login(users.unit_admin)
    item = duty_list.items.get(code="study_group")
    client.post(
        reverse("duty:item_target", args=[item.pk]),
        {"target_override": "15", "override_reason": "中心组学习每月不少于1次另加3次专题"},
    )
    item.refresh_from_db()
    assert item.target == 15
    assert item_progress(item, user=SYSTEM).summary == "0/15"

    meeting = duty_list.items.get(code="special_meeting")
    client.post(reverse("duty:item_drop", args=[meeting.pk]), {"reason": "与上级合并召开"})
    meeting.refresh_from_db()
    assert meeting.is_dropped and meeting.drop_reason == "与上级合并召开"

    response = client.post(
        reverse("duty:item_create", args=[duty_list.pk]),
        {
            "area_name": "理论武装",
            "name": "青年干部读书班",
            "owner": "direct",
            "target_type": "count",
            "target_value": "4",
            "period": "year",
            "activity_type": ActivityType.objects.get(code="training").pk,
        },
    )
    assert response.status_code == 302
    custom = duty_list.items.get(is_custom=True)
    assert custom.code == "C01" and custom.indicator_kind == "ledger_count"

    client.post(reverse("duty:item_assign", args=[item.pk]), {"assignees": [users.clerk.pk]})
    assert list(item.assignees.all()) == [users.clerk]


@pytest.mark.parametrize(
    "name, args",
    [
        ("duty:list", False),
        ("duty:create", False),
        ("duty:overview", False),
        ("duty:packs", False),
        ("duty:detail", True),
        ("duty:item_create", True),
    ],
)
def test_pages_render(client, duty_list, users, name, args):
    client.force_login(users.unit_admin)
    url = reverse(name, args=[duty_list.pk] if args else [])
    assert client.get(url).status_code == 200


def test_item_and_pack_pages_render(client, duty_list, users, pack):
    client.force_login(users.unit_admin)
    for item in duty_list.items.all():
        assert client.get(item.get_absolute_url()).status_code == 200
    assert client.get(pack.get_absolute_url()).status_code == 200
    item = duty_list.items.first()
    for name in ("duty:item_drop", "duty:item_target", "duty:item_assign"):
        assert client.get(reverse(name, args=[item.pk])).status_code == 200


def test_generate_through_the_page(client, tree, pack, users):
    client.force_login(users.unit_admin)
    data = {"unit": tree.child.pk, "year": YEAR, "pack": pack.pk}
    first = client.post(reverse("duty:create"), data)
    second = client.post(reverse("duty:create"), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]


def test_clerk_may_view_but_not_adjust(client, duty_list, users):
    client.force_login(users.clerk)
    assert client.get(duty_list.get_absolute_url()).status_code == 200
    item = duty_list.items.first()
    assert client.get(reverse("duty:item_drop", args=[item.pk])).status_code == 403
    assert client.get(reverse("duty:create")).status_code == 403


def test_channel_checks_feed_the_quarterly_duty_item(duty_list, tree, users):
    from tests.test_channels import check, make_channel

    board = make_channel(
        tree.own, users.clerk, name="政务公开栏", opened_on=datetime.date(YEAR, 1, 2)
    )
    account = make_channel(
        tree.own, users.clerk, name="示范宣传", opened_on=datetime.date(YEAR, 1, 2)
    )
    check(board, users.clerk, datetime.date(YEAR, 2, 10))
    check(account, users.clerk, datetime.date(YEAR, 3, 20))
    check(board, users.clerk, datetime.date(YEAR, 5, 8))
    item = duty_list.items.get(code="channel_checks")
    q1, q2, *_rest = item_progress(item, user=SYSTEM, today=datetime.date(YEAR, 7, 1)).periods
    assert (q1.count, q1.total, q1.state) == (2, 2, "met")
    assert (q2.count, q2.total, q2.state) == (1, 2, "missed")


def test_progress_asks_once_per_measured_item_for_all_its_periods(duty_list, tree, users):
    """Monthly, quarterly, half-yearly and yearly items alike: one query per measured item
    (its periods and the year together), the 台账 items all together, plus the items, their
    checks and the subtree's targets; never one query per item and period."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from luoshi.duty.selectors import list_progress

    duty_list = type(duty_list).objects.select_related("unit").get(pk=duty_list.pk)
    july = datetime.date(YEAR, 7, 15)
    with CaptureQueriesContext(connection) as captured:
        rows = list_progress(duty_list, user=users.leader, subtree=True, today=july)
    measured = [r for r in rows if not r.manual and r.periods]
    assert any(len(r.periods) == 12 for r in measured)  # a monthly item: 7 periods measured
    ledger_items = sum(1 for r in measured if r.item.indicator_kind == "ledger_count")
    assert ledger_items >= 5
    # the 台账 items together: their activity types' ids, the rollup rows of the whole
    # months and the live count of the month begun; every other item: one query; once: the
    # user's data scope, items, checks, assignees (prefetch), subtree targets (2), a content
    # type. 15 queries for the 14 measured items of the default pack.
    assert len(captured.captured_queries) <= len(measured) - ledger_items + 3 + 7


@pytest.mark.parametrize("subtree", [False, True])
def test_ledger_items_are_measured_together_and_state_their_own_figures(
    duty_list, tree, users, subtree
):
    """The 台账 items of a list (one per activity type, every period kind) are measured by
    one query together: adding more adds no query, and each states what measuring it alone
    states (counts, period states, links)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from luoshi.duty.selectors import list_progress

    july = datetime.date(YEAR, 7, 15)
    for code, day in (("study_group", 2), ("training", 3), ("outreach_talk", 5)):
        record(tree.own, code, datetime.date(YEAR, day, 10))
        record(tree.child, code, datetime.date(YEAR, day, 20))

    def run():
        fresh = type(duty_list).objects.select_related("unit").get(pk=duty_list.pk)
        with CaptureQueriesContext(connection) as captured:
            rows = list_progress(fresh, user=users.leader, subtree=subtree, today=july)
        return rows, len(captured.captured_queries)

    run()  # caches warmed (the user's scope, content types)
    _rows, before = run()
    types = ActivityType.objects.exclude(code__in=["study_group", "training"])[:3]
    for n, activity_type in enumerate(types):
        services.add_custom_item(
            duty_list=duty_list,
            user=users.unit_admin,
            name=f"自定活动{n}",
            area_name="本单位增加",
            owner="primary",
            target_type="count",
            target_value=1,
            period=["year", "half", "month"][n],
            activity_type=activity_type,
        )
    rows, after = run()
    assert after == before
    for row in rows:
        alone = item_progress(row.item, user=users.leader, subtree=subtree, today=july)
        assert (row.count, row.total, row.url, row.status) == (
            alone.count,
            alone.total,
            alone.url,
            alone.status,
        ), row.item.code
        assert [(p.count, p.state, p.url) for p in row.periods] == [
            (p.count, p.state, p.url) for p in alone.periods
        ], row.item.code

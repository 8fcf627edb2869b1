"""The 落实情况总览 (units × items): every cell equals the item's own progress page
(``item_progress``: counts, totals, links, status, targets and period states, own and
subtree), while the page asks the metric layer once per column for all its units, so its
queries do not grow with the number of units."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.duty import services
from luoshi.duty.models import TargetType
from luoshi.duty.selectors import item_progress, latest_pack, overview
from luoshi.ledger.models import ActivityType
from tests.factories import LedgerRecordFactory, make_unit

YEAR = datetime.date.today().year
TODAY = datetime.date(YEAR, 7, 15)


def record(unit, code, day):
    return LedgerRecordFactory(
        unit=unit, activity_type=ActivityType.objects.get(code=code), date=day
    )


@pytest.fixture
def pack(db):
    return latest_pack("yishixingtai")


def _lists(units, pack, user):
    return [services.generate_duty_list(unit=u, year=YEAR, pack=pack, user=user) for u in units]


@pytest.fixture
def district(tree, users, pack):
    """tree.own with three more children (one with a child of its own), every unit with
    its list; records in several units and periods; an overridden target; a ticked manual
    item and checklist; a custom item."""
    extra = [make_unit(f"科室{i}", f"TX{i}", parent=tree.own) for i in range(3)]
    for unit in extra:
        unit.refresh_from_db()
    grandchild = make_unit("科室0一组", "TX01", parent=extra[0])
    tree.own.refresh_from_db()
    units = [tree.own, tree.child, *extra, grandchild]
    lists = _lists(units, pack, users.unit_admin)
    for i, unit in enumerate(units):
        for month in range(1, 2 + i):
            record(unit, "study_group", datetime.date(YEAR, month, 10))
    record(grandchild, "training", datetime.date(YEAR, 6, 3))
    item = lists[2].items.get(code="study_group")
    services.override_target(item=item, value=Decimal(4), reason="试点", user=users.unit_admin)
    manual = lists[1].items.get(code="special_meeting")  # ticked by hand on this list
    type(manual).objects.filter(pk=manual.pk).update(indicator_kind="manual")
    manual.refresh_from_db()
    services.record_checks(
        item=manual, keys=["year"], done={"year"}, note="", user=users.unit_admin
    )
    checklist = lists[0].items.filter(target_type=TargetType.CHECKLIST).first()
    services.record_checks(
        item=checklist,
        keys=[s["code"] for s in checklist.checklist],
        done={checklist.checklist[0]["code"]},
        note="",
        user=users.unit_admin,
    )
    services.add_custom_item(
        duty_list=lists[3],
        user=users.unit_admin,
        name="青年干部读书班",
        area_name="理论武装",
        owner="direct",
        target_type="count",
        target_value=4,
        period="year",
        activity_type=ActivityType.objects.get(code="training"),
    )
    return units


def _shape(progress):
    periods = [(p.key, p.count, p.total, p.url, p.met, p.state) for p in progress.periods]
    return (
        progress.count,
        progress.total,
        progress.url,
        progress.status,
        progress.manual,
        progress.target,
        progress.summary,
        progress.subtree_target,
        progress.target_units,
        periods,
    )


def test_every_cell_is_the_items_own_progress(tree, users, district):
    for parent in (False, True):
        for subtree in (False, True):
            _compare(tree, users, district, parent=parent, subtree=subtree)


def _compare(tree, users, district, *, parent, subtree):
    columns, rows = overview(
        users.leader,
        year=YEAR,
        pack_code="yishixingtai",
        parent=tree.own if parent else None,
        subtree=subtree,
        today=TODAY,
    )
    assert len(rows) == (4 if parent else 6)
    kinds = set()
    counted = set()
    for row in rows:
        assert row.duty_list is not None
        items = {i.code: i for i in row.duty_list.items.all() if not i.is_custom}
        assert set(row.cells) == set(items)  # the custom item is not a column
        for code, cell in row.cells.items():
            alone = item_progress(
                type(items[code]).objects.get(pk=items[code].pk),
                user=users.leader,
                subtree=subtree,
                today=TODAY,
            )
            assert _shape(cell) == _shape(alone), (row.unit.name, code)
            kinds.add((cell.item.target_type, cell.manual))
            if code == "study_group":
                counted.add(cell.count)
    assert {
        (TargetType.COUNT, False),
        (TargetType.RATE, False),
        (TargetType.CHECKLIST, True),
    } <= kinds
    assert any(manual for _type, manual in kinds if _type != TargetType.CHECKLIST)
    assert len(counted) > 2  # the units' figures differ: each cell is its own unit's
    if subtree:
        first = next(r for r in rows if r.unit == district[2])  # 科室0 and its 一组
        assert first.cells["study_group"].count == 3 + 6
        assert first.cells["study_group"].target_units == 2


def _queries(tree, users, subtree):
    with CaptureQueriesContext(connection) as captured:
        overview(
            users.leader,
            year=YEAR,
            pack_code="yishixingtai",
            parent=tree.own,
            subtree=subtree,
            today=TODAY,
        )
    return len(captured.captured_queries)


@pytest.mark.parametrize("subtree", [False, True])
def test_queries_do_not_grow_with_the_units(tree, users, pack, subtree):
    extra = [make_unit(f"科室{i}", f"TQ{i}", parent=tree.own) for i in range(4)]
    tree.own.refresh_from_db()
    _lists([tree.child, extra[0]], pack, users.unit_admin)
    for unit in (tree.child, extra[0]):
        record(unit, "study_group", datetime.date(YEAR, 2, 1))
    _queries(tree, users, subtree)  # caches warmed (the user's scope, content types)
    two = _queries(tree, users, subtree)
    _lists(extra[1:], pack, users.unit_admin)
    for unit in extra[1:]:
        record(unit, "study_group", datetime.date(YEAR, 3, 1))
    five = _queries(tree, users, subtree)
    assert five == two
    measured = {
        (i.indicator_kind, str(i.indicator_params), i.period)
        for i in pack.items.filter(is_area=False, is_retired=False)
        if not i.is_area and i.indicator_kind not in ("", "manual", "checklist")
    }
    # ≤ 1 query per column, the 台账 columns' activity type ids from one query, + fixed
    assert two <= len(measured) + 1 + 12

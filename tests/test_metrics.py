"""The metric layer: one definition of each rate (issue 15, items 1-3).

按时率 counts only items whose deadline has passed; a rate with nothing below the line is
「—」 (None), never 0% or 100%; over a subtree a count is compared with the subtree's target;
「本期无应办事项」 is not 已完成.
"""

import datetime

from django.utils import timezone

from luoshi.core import metrics
from luoshi.core.indicators import SYSTEM
from luoshi.duty import services as duty_services
from luoshi.duty.selectors import DONE, NONE_DUE, item_progress, latest_pack, list_progress
from luoshi.ledger.models import ActivityType
from luoshi.reports.engine.facts import FactBook
from luoshi.tasks.models import TaskAssignment
from tests.factories import LedgerRecordFactory
from tests.tasks_support import issue, task_world

TODAY = timezone.localdate()
YEAR = TODAY.year


def test_every_rate_and_count_is_registered_once_with_its_wording():
    found = metrics.registry()
    for key in (
        "ledger_count",
        "evidence_completeness",
        "task_series",
        "review_coverage",
        "event_filing_rate",
        "incident_closure_rate",
        "rectification_rate",
        "risk_screening",
        "channel_check_rate",
    ):
        metric = found[key]
        assert metric.label and metric.measure_word in {
            "次",
            "篇",
            "人",
            "起",
            "项",
            "个",
            "条",
            "场",
        }
        assert metric.list_url and metric.description
        assert not metric.is_rate or (metric.count_label and metric.total_label)


def test_on_time_rate_counts_only_tasks_whose_deadline_has_passed(tree, users):
    world = task_world(tree, users)
    yesterday = TODAY - datetime.timedelta(days=1)
    due = issue(world, deadline=yesterday, title="已到期的报送")
    issue(world, deadline=TODAY, title="今天截止的报送")  # not yet due: not counted
    on_time = TaskAssignment.objects.get(task=due, unit=world.news)
    on_time.first_submitted_at = timezone.now() - datetime.timedelta(days=2)
    on_time.save(update_fields=["first_submitted_at"])
    start = yesterday - datetime.timedelta(days=30)
    value = metrics.value(
        "task_series", user=SYSTEM, unit=tree.own, subtree=True, start=start, end=TODAY
    )
    assert (value.count, value.total) == (1, 2)
    assert value.rate == 50
    assert f"deadline_to={yesterday.isoformat()}" in value.total_url


def test_a_rate_with_nothing_to_count_is_not_applicable(tree, users):
    start, end = datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31)
    value = metrics.value(
        "rectification_rate", user=SYSTEM, unit=tree.own, subtree=True, start=start, end=end
    )
    assert (value.count, value.total, value.rate, value.text) == (0, 0, None, "—")
    book = FactBook(tree.own, YEAR, user=SYSTEM, subtree=True, today=TODAY)
    assert book.get("rectification_rate").value is None
    assert book.get("rectification_rate").text == "—"
    assert book.get("tasks_rate").text == "—"


def test_nothing_due_is_not_coloured_as_done(tree, users):
    duty_list = duty_services.generate_duty_list(
        unit=tree.own, year=YEAR, pack=latest_pack("yishixingtai")
    )
    item = duty_list.items.get(code="rectification")  # a rate: 整改完成率 100%
    progress = item_progress(item, user=SYSTEM, today=TODAY)
    assert progress.status == NONE_DUE != DONE
    assert progress.status_label == "本期无应办事项"
    assert progress.periods[0].state == "empty" and not progress.periods[0].met


def test_a_subtree_count_is_compared_with_the_subtree_target(tree, users):
    pack = latest_pack("yishixingtai")
    own_list = duty_services.generate_duty_list(unit=tree.own, year=YEAR, pack=pack)
    duty_services.generate_duty_list(unit=tree.child, year=YEAR, pack=pack)
    kind = ActivityType.objects.get(code="study_group")
    for unit, day in ((tree.own, 3), (tree.child, 4), (tree.child, 5)):
        LedgerRecordFactory(unit=unit, activity_type=kind, date=datetime.date(YEAR, 1, day))
    rows = {r.item.code: r for r in list_progress(own_list, user=SYSTEM, subtree=True)}
    study = rows["study_group"]
    own_target = own_list.items.get(code="study_group").target
    assert study.count == 3
    assert study.goal == 2 * own_target  # the targets of 宣传部 and 新闻科
    assert study.summary == f"3/{int(2 * own_target)}"
    assert "2 个单位目标之和" in study.target
    alone = {r.item.code: r for r in list_progress(own_list, user=SYSTEM)}["study_group"]
    assert alone.goal == own_target and alone.summary == f"1/{int(own_target)}"


def test_one_subtree_condition_when_the_scope_covers_the_subtree(tree, users):
    """A 本单位及以下 leader's subtree figure: the scope's ``path LIKE`` is not added on top of
    the subtree's (issue 15 item 4); a narrower user still gets the scope condition."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # part of a month: counted live (whole months of the subtree come from the rollups)
    days = (datetime.date(YEAR, 1, 1), datetime.date(YEAR, 1, 15))
    for user, likes in ((users.leader, 1), (users.clerk, 1)):
        with CaptureQueriesContext(connection) as captured:
            metrics.value(
                "ledger_count", user=user, unit=tree.own, subtree=True, start=days[0], end=days[1]
            )
        sql = captured.captured_queries[-1]["sql"]
        # a path prefix: LIKE on PostgreSQL, a range on SQLite (which then uses the index)
        assert sql.count("LIKE") + sql.count('"path" < ') == likes, sql
    assert metrics.covers(users.leader, tree.child) and not metrics.covers(users.leader, tree.root)
    assert not metrics.covers(users.clerk, tree.own)


def test_a_parameter_narrows_the_figure_and_its_link_alike(tree, users):
    """One ``Narrow`` declaration: the records counted and the list the number opens are
    narrowed by the same value (an activity type, outlet levels; a unit's own)."""
    study = ActivityType.objects.get(code="study_group")
    publicity = ActivityType.objects.get(code="publicity")
    for kind, level in ((study, ""), (publicity, "central"), (publicity, "city")):
        LedgerRecordFactory(
            unit=tree.own, activity_type=kind, outlet_level=level, date=datetime.date(YEAR, 2, 1)
        )
    LedgerRecordFactory(unit=tree.child, activity_type=study, date=datetime.date(YEAR, 2, 2))
    period = {"start": datetime.date(YEAR, 1, 1), "end": datetime.date(YEAR, 12, 31)}

    def figure(params, unit=tree.own):
        found = metrics.value(
            "ledger_count", user=SYSTEM, unit=unit, subtree=True, params=params, **period
        )
        return found.count, found.url

    assert figure({})[0] == 4
    count, url = figure({"activity_type": "study_group"})
    assert count == 2 and f"activity_type={study.pk}" in url
    count, url = figure({"activity_type": "publicity", "outlet_level": ("central",)})
    assert count == 1 and "outlet_level=central" in url and f"activity_type={publicity.pk}" in url
    count, url = figure({"activity_type": ""})  # an empty value narrows nothing
    assert count == 4 and "activity_type" not in url

    risk_metric = metrics.get("risk_points")
    own = risk_metric.list_filters({"unit": tree.child.pk}, None, None)
    assert own["unit"] == tree.child.pk and own["unit_scope"] == "own"
    assert "unit" not in risk_metric.list_filters({}, None, None)

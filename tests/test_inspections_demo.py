"""load_demo adds two inspections: the 区委's with findings in every rectification state, and
the 区委宣传部's over the 阵地 of three other units (so that it has a 督查通报 to write)."""

import re

from luoshi.core import metrics
from luoshi.core.indicators import SYSTEM
from luoshi.inspections.models import InspectionPlan, RectificationItem, RectificationStatus
from luoshi.reports import engine
from luoshi.reports.models import ReportKind
from luoshi.units.models import Unit
from tests.factories import DEMO_TODAY as TODAY


def test_demo_inspection(demo_district):
    plan = InspectionPlan.objects.get(unit__code="D00")
    assert plan.results.count() == 3
    assert all(r.total_score is not None for r in plan.results.all())
    items = RectificationItem.objects.filter(finding__plan=plan)
    statuses = set(items.values_list("status", flat=True))
    assert statuses == set(RectificationStatus.values)
    one = {"user": SYSTEM, "params": {"plan": plan.pk}, "today": TODAY}
    rate = metrics.of_object("rectification_rate", **one)
    assert (rate.total, rate.count) == (6, 2)
    assert metrics.of_object("rectifications_overdue", **one).count == 1


def test_the_publicity_department_inspects_and_has_a_bulletin(demo_district):
    publicity = Unit.objects.get(code="D02")
    plan = InspectionPlan.objects.get(unit=publicity)
    assert {u.code for u in plan.inspected_units.all()} == {"D06", "D09", "D10"}
    assert all(r.total_score is not None for r in plan.results.all())
    found = RectificationItem.objects.filter(finding__plan=plan).count()
    assert found == 6
    for subtree in (False, True):
        draft = engine.generate(
            publicity,
            TODAY.year,
            ReportKind.INSPECTION_BULLETIN,
            user=SYSTEM,
            subtree=subtree,
            today=TODAY,
        )
        text = "".join(s["text"] for s in draft.content["sections"])
        assert draft.content["addressee"] == "区融媒体中心、南湖街道、青石镇"
        assert f"共发现问题{found}个" in text
        problems = next(s for s in draft.content["sections"] if s["key"] == "problems")
        assert sum(int(n) for n in re.findall(r"发现问题(\d+)个", problems["text"])) == found
        assert "第1名区融媒体中心" in text
        assert "区融媒体中心：发现问题1个。个别新媒体账号管理员" in text  # one: no 「①」
        assert "南湖街道：发现问题2个。①" in text
        assert "示范区委" not in draft.content["addressee"]
        assert "区教育局" not in text  # the 区委's own inspection is not the 宣传部's


def test_the_bulletin_ranks_before_it_requires_and_groups_problems_by_plan(demo_district):
    """督查基本情况, 好的做法, 存在的问题, 督查得分排名, 整改要求; with several plans (the 区委's
    subtree ran two) each plan's problems come under a line naming it."""
    draft = engine.generate(
        Unit.objects.get(code="D00"),
        TODAY.year,
        ReportKind.INSPECTION_BULLETIN,
        user=SYSTEM,
        subtree=True,
        today=TODAY,
    )
    keys = [s["key"] for s in draft.content["sections"] if s["level"] == 1]
    assert keys == ["basics", "good", "problems", "ranking", "requirements"]
    plans = InspectionPlan.objects.filter(unit__code__in=["D00", "D02"])
    assert plans.count() == 2
    problems = next(s for s in draft.content["sections"] if s["key"] == "problems")["text"]
    lines = problems.splitlines()
    for plan in plans:
        lead = f"“{plan.title}”发现的问题："
        assert lead in lines, (lead, problems)
    assert lines[0].endswith("发现的问题：")  # a lead line before any unit's problems

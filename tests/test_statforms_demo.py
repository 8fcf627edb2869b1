"""load_demo adds the quarterly 意识形态工作统计表 of 区委宣传部: past quarters filled (some
late, one returned), this quarter open, and the accepted figures readable as metrics."""

import datetime

from luoshi.accounts.models import User
from luoshi.core import metrics
from luoshi.core.indicators import SYSTEM
from luoshi.statforms.models import FormTask, StatForm
from luoshi.statforms.selectors import aggregate
from luoshi.tasks.models import AssignmentStatus
from luoshi.units.models import Unit
from tests.factories import DEMO_TODAY as TODAY


def test_demo_statistics_form(demo_district):
    form = StatForm.objects.get(code="ideology_quarterly")
    assert form.unit.name == "区委宣传部" and form.latest_published().number == 1
    tasks = list(FormTask.objects.filter(version__form=form).order_by("period_end"))
    assert [t.period_label for t in tasks] == [f"2026年第{q}季度" for q in "一二三四"]
    recipients = {a.unit.code for a in tasks[0].task.assignments.all()}
    assert recipients == {"D01", "D03", "D04", "D05", "D06", "D07", "D08", "D09", "D10"}
    third = aggregate(tasks[2], SYSTEM)
    statuses = {line.assignment.unit.code: line.assignment.status for line in third.lines}
    assert statuses["D09"] == AssignmentStatus.RETURNED
    assert [u.code for u in third.missing] == ["D09"]
    late = {line.assignment.unit.code for line in third.lines if not line.assignment.on_time()}
    assert late == {"D01", "D08"}
    current = aggregate(tasks[3], SYSTEM)
    assert len(current.missing) == 7  # two units have reported this quarter so far
    rate = next(s for f, s in zip(third.fields, third.sums, strict=True) if f.code == "rate")
    assert rate.endswith("%") and 50 < float(rate[:-1]) < 100


def test_demo_figures_are_metrics_for_a_street(demo_district):
    leader = User.objects.get(username="cgjd_leader")
    street = Unit.objects.get(code="D07")
    value = metrics.value(
        "statform_rate",
        user=leader,
        unit=street,
        subtree=True,
        start=datetime.date(2026, 7, 1),
        end=datetime.date(2026, 9, 30),
        params={"figure": "xxqg_downloads", "of": "party_members"},
        today=TODAY,
    )
    assert value.total > value.count > 0 and value.rate is not None

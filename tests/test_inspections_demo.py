"""load_demo adds one inspection with findings in every rectification state, idempotently."""

import datetime

from luoshi.core import demo
from luoshi.inspections.models import InspectionPlan, RectificationItem, RectificationStatus
from luoshi.inspections.selectors import stats_of

TODAY = datetime.date(2026, 11, 24)


def test_demo_inspection(db):
    demo.build_demo(today=TODAY)
    plan = InspectionPlan.objects.get()
    assert plan.results.count() == 3
    assert all(r.total_score is not None for r in plan.results.all())
    statuses = set(RectificationItem.objects.values_list("status", flat=True))
    assert statuses == set(RectificationStatus.values)
    stats = stats_of(RectificationItem.objects.all(), TODAY)
    assert stats.total == 6 and stats.closed == 2 and stats.overdue == 1
    second = demo.build_demo(today=TODAY)
    assert second.added.get("inspections") == 0
    assert RectificationItem.objects.count() == 6

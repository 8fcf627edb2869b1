"""load_demo adds one inspection with findings in every rectification state."""

from luoshi.inspections.models import InspectionPlan, RectificationItem, RectificationStatus
from luoshi.inspections.selectors import stats_of
from tests.factories import DEMO_TODAY as TODAY


def test_demo_inspection(demo_district):
    plan = InspectionPlan.objects.get()
    assert plan.results.count() == 3
    assert all(r.total_score is not None for r in plan.results.all())
    statuses = set(RectificationItem.objects.values_list("status", flat=True))
    assert statuses == set(RectificationStatus.values)
    stats = stats_of(RectificationItem.objects.all(), TODAY)
    assert stats.total == 6 and stats.closed == 2 and stats.overdue == 1

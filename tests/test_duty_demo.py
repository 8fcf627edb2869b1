"""load_demo gives the top two levels of the demo district this year's duty lists, whose
ledger-fed items show the demo's records as progress (a second run adds nothing:
``tests/test_demo.py``)."""

from luoshi.core.indicators import SYSTEM
from luoshi.duty.models import DutyList
from luoshi.duty.selectors import item_progress
from luoshi.ledger.models import LedgerRecord
from luoshi.units.models import Unit


def test_demo_duty_lists(demo_district):
    top = Unit.objects.filter(code__startswith="D", depth__lte=2)
    lists = DutyList.objects.filter(year=2026)
    assert DutyList.objects.count() == lists.count() == top.count() > 5
    assert set(lists.values_list("unit", flat=True)) == set(top.values_list("pk", flat=True))

    publicity = lists.get(unit__code="D02")
    item = publicity.items.get(code="study_group")
    progress = item_progress(item, user=SYSTEM, today=demo_district.today)
    records = LedgerRecord.objects.filter(
        unit=publicity.unit, activity_type__code="study_group", date__year=2026
    ).count()
    assert progress.count == records > 0

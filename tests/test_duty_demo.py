"""load_demo gives the top two levels of the demo district this year's duty lists, whose
ledger-fed items show the demo's records as progress; a second run adds nothing."""

import datetime

from luoshi.core import demo
from luoshi.core.indicators import SYSTEM
from luoshi.duty.models import DutyList
from luoshi.duty.selectors import item_progress
from luoshi.ledger.models import LedgerRecord
from luoshi.units.models import Unit

TODAY = datetime.date(2026, 11, 24)


def test_demo_duty_lists(db):
    first = demo.build_demo(today=TODAY)
    top = Unit.objects.filter(code__startswith="D", depth__lte=2)
    assert first.added["duty_lists"] == top.count() > 5
    lists = DutyList.objects.filter(year=2026)
    assert set(lists.values_list("unit", flat=True)) == set(top.values_list("pk", flat=True))

    publicity = lists.get(unit__code="D02")
    item = publicity.items.get(code="study_group")
    progress = item_progress(item, user=SYSTEM, today=TODAY)
    records = LedgerRecord.objects.filter(
        unit=publicity.unit, activity_type__code="study_group", date__year=2026
    ).count()
    assert progress.count == records > 0

    again = demo.build_demo(today=TODAY)
    assert again.added["duty_lists"] == 0
    assert DutyList.objects.filter(year=2026).count() == lists.count()

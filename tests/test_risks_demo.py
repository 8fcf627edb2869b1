"""load_demo adds risks in every state, one screening campaign and 分析研判 meetings."""

import datetime

from luoshi.core.indicators import SYSTEM, measure
from luoshi.risks.models import AnalysisMeeting, Campaign, RiskPoint, RiskStatus
from luoshi.risks.selectors import campaign_overview
from luoshi.units.models import Unit
from tests.factories import DEMO_TODAY as TODAY


def test_demo_risks(demo_district):
    assert set(RiskPoint.objects.values_list("status", flat=True)) == set(RiskStatus.values)
    campaign = Campaign.objects.get()
    result = campaign_overview(campaign, SYSTEM, today=TODAY)
    assert result["total"].count == 10 and result["completed"].count == 3
    assert result["with_risks"].count == 2 and result["declared_none"].count == 1
    meetings = AnalysisMeeting.objects.all()
    assert meetings.count() == 2
    assert all(m.ledger_record.activity_type.code == "analysis" for m in meetings)
    root = Unit.objects.get(code="D00")
    year = (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    screened = measure(
        "risk_screening", {}, user=SYSTEM, unit=root, subtree=True, start=year[0], end=year[1]
    )
    assert screened.count == 3

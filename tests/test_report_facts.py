"""Facts of the report engine that must survive being stored as JSON (issue 16)."""

import datetime

from django.utils import timezone

from luoshi.assessment import services as assessment_services
from luoshi.assessment.models import Assessment, AssessmentStatus
from luoshi.duty.selectors import latest_pack
from luoshi.ledger.models import ActivityType
from luoshi.reports import services
from luoshi.reports.models import ReportKind
from tests.factories import LedgerRecordFactory

YEAR = 2025


def _published_assessment(tree, users):
    kind = ActivityType.objects.get(code="study_group")
    for month in range(1, 10):
        LedgerRecordFactory(unit=tree.own, activity_type=kind, date=datetime.date(YEAR, month, 9))
    assessment = assessment_services.create_assessment(
        unit=tree.root, year=YEAR, pack=latest_pack(), user=users.admin, targets=[tree.own]
    )
    assessment_services.compute(assessment=assessment, user=users.admin)
    for score in assessment.scores.filter(auto_score__isnull=True, excluded=False):
        assessment_services.set_manual_score(
            score=score, value=score.points, reason="督查核实", user=users.admin
        )
    Assessment.objects.filter(pk=assessment.pk).update(
        status=AssessmentStatus.PUBLISHED, published_at=timezone.now(), published_by=users.admin
    )
    return assessment


def test_annual_summary_after_the_assessment_is_published(tree, users):
    """The year-end order: publish the 考核, then write the 年度工作总结 (was a 500:
    ``Object of type Decimal is not JSON serializable``)."""
    _published_assessment(tree, users)
    report = services.create_report(
        user=users.admin, unit=tree.own, year=YEAR, kind=ReportKind.ANNUAL_SUMMARY
    )
    facts = report.latest_version.facts
    assert facts["assessment_score"]["value"] > 0
    assert facts["assessment_score"]["text"] == f"{facts['assessment_score']['value']:g}分"
    assert facts["assessment_rank"]["value"] == 1
    version, _kept = services.regenerate(report, user=users.admin, base=1)
    assert version.number == 2
    assert version.facts["assessment_score"] == facts["assessment_score"]
    assert "得分" in " ".join(s["text"] for s in version.content["sections"])

"""load_demo computes an assessment of the demo district's direct units (a second run
adds nothing: ``tests/test_demo.py``)."""

from luoshi.assessment.models import Assessment, AssessmentScore
from luoshi.assessment.selectors import ranking
from luoshi.ledger.models import LedgerRecord
from luoshi.units.models import Unit


def test_demo_assessment(demo_district):
    assessment = Assessment.objects.get()
    assert assessment.unit.code == "D00" and assessment.status == "computed"
    direct = Unit.objects.filter(code__startswith="D", depth=2)
    assert set(assessment.targets.all()) == set(direct) and direct.count() > 5
    rows = ranking(assessment)
    assert len(rows) == direct.count() and all(r.grade for r in rows) and rows[0].total > 0

    # The study-group score of 宣传部 follows from its ledger records (deduction rule).
    score = assessment.scores.get(unit__code="D02", code="study_group")
    count = LedgerRecord.objects.filter(
        unit=score.unit, activity_type__code="study_group", date__year=2026
    ).count()
    assert score.auto_score == max(10 - max(12 - count, 0), 0)
    assert AssessmentScore.objects.filter(assessment=assessment).exists()

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


def test_an_activity_type_an_administrator_adds_reaches_the_report(tree, users):
    """The 12 built-in codes are not hard-coded in the engine: a new type with its wording
    (动宾说法, 量词, 工作方面) is counted and written under its area."""
    from luoshi.ledger.models import ActivityType
    from luoshi.reports.engine import generate

    kind = ActivityType.objects.create(
        code="net_civility",
        name="网络文明",
        order=99,
        report_phrase="开展网络文明宣传活动",
        measure_word="场",
        report_area="outreach",
    )
    for day in (3, 4):
        LedgerRecordFactory(unit=tree.own, activity_type=kind, date=datetime.date(YEAR, 5, day))
    draft = generate(tree.own, YEAR, ReportKind.ANNUAL_SUMMARY, user=users.admin)
    outreach = next(s for s in draft.content["sections"] if s["key"] == "area.outreach")
    assert "此外，开展网络文明宣传活动2场。" in outreach["text"]
    fact = draft.facts["ledger:net_civility"]
    assert (fact["value"], fact["unit"], fact["label"]) == (2, "场", "开展网络文明宣传活动")
    study = ActivityType.objects.get(code="study_group")
    assert (study.report_phrase, study.measure_word) == ("召开党委理论学习中心组学习", "次")


def test_the_first_shipped_wording_is_upgraded_but_an_administrators_is_kept(db):
    from luoshi.ledger.models import ActivityType
    from luoshi.ledger.wording import ensure_report_wording

    ActivityType.objects.filter(code="study_group").update(report_phrase="党委理论学习中心组学习")
    ActivityType.objects.filter(code="training").update(report_phrase="组织开展专题轮训")
    ensure_report_wording(ActivityType)
    phrases = dict(ActivityType.objects.values_list("code", "report_phrase"))
    assert phrases["study_group"] == "召开党委理论学习中心组学习"
    assert phrases["training"] == "组织开展专题轮训"


def test_the_ledger_facts_cost_the_same_queries_however_many_activity_types(tree, users):
    """Every activity type's count of the year comes from one query (the report names each
    type in its area): an administrator adding types adds no query to a report."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from luoshi.reports.engine import generate

    def queries() -> tuple[int, dict]:
        with CaptureQueriesContext(connection) as captured:
            draft = generate(tree.own, YEAR, ReportKind.ANNUAL_SUMMARY, user=users.admin)
        return len(captured.captured_queries), draft.facts

    study = ActivityType.objects.get(code="study_group")
    LedgerRecordFactory(unit=tree.own, activity_type=study, date=datetime.date(YEAR, 4, 2))
    queries()  # caches warmed (content types, the user's scope)
    before, _facts = queries()
    for n in range(3):
        kind = ActivityType.objects.create(
            code=f"extra{n}",
            name=f"新增活动{n}",
            order=100 + n,
            report_phrase=f"开展新增活动{n}",
            measure_word="场",
            report_area="outreach",
        )
        LedgerRecordFactory(unit=tree.own, activity_type=kind, date=datetime.date(YEAR, 6, n + 1))
    after, facts = queries()
    assert after == before
    assert [facts[f"ledger:extra{n}"]["value"] for n in range(3)] == [1, 1, 1]
    assert facts["ledger:study_group"]["value"] == 1

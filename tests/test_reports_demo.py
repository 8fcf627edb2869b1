"""The demo district: all five kinds generate for the district with its subtree, their
numbers are the counts of the records, and (once rendering is in) they come out as .docx
and .pdf in both scripts with those numbers in the text."""

from django.urls import reverse

from luoshi.core.indicators import SYSTEM
from luoshi.core.script import to_traditional
from luoshi.ledger.models import LedgerRecord
from luoshi.reports import engine, services
from luoshi.reports.demo import DEMO_UNIT, ensure_baselines, ensure_reports
from luoshi.reports.engine.facts import Fact
from luoshi.reports.models import Baseline, Report, ReportKind
from luoshi.units.models import Unit
from tests.factories import DEMO_TODAY as TODAY
from tests.report_checks import docx_text, pdf_text, rendering_available, squeeze


def test_demo_district_reports(demo_district, tmp_path):
    root = Unit.objects.get(code="D00")
    units = {u.code: u for u in Unit.objects.all()}
    from luoshi.accounts.models import User

    logins = {u.username: u for u in User.objects.all()}
    # build_demo imported last year's summary of 区委宣传部 through the real importer into a
    # baseline and generated this year's summary; running the hooks again adds nothing
    assert Baseline.objects.filter(unit__code=DEMO_UNIT, year=TODAY.year - 1).count() == 1
    assert Report.objects.count() == 1
    added = {}
    ensure_baselines(today=TODAY, units=units, logins=logins, added=added)
    ensure_reports(today=TODAY, units=units, logins=logins, added=added)
    assert added == {"baselines": 0, "reports": 0} and Report.objects.count() == 1
    # … and this year's generated summary compares against it
    report = Report.objects.get()
    assert report.unit.code == DEMO_UNIT and report.subtree
    facts = report.latest_version.facts
    compared = [
        f
        for f in facts.values()
        if f["previous_source"] == "baseline" and f["extra"].get("compared")
    ]
    assert compared, "no fact compared with the imported baseline"
    baseline = Baseline.objects.get(unit=report.unit, year=2025)
    metrics = {m["activity"]: m["value"] for m in baseline.data["metrics"]}
    text = "".join(s["text"] for s in report.latest_version.content["sections"])
    for fact in compared:
        assert fact["previous"] in metrics.values()
        assert engine_compare(fact) in text

    year_records = LedgerRecord.objects.filter(date__year=2026)
    render = rendering_available()
    for kind in ReportKind.values:
        draft = engine.generate(root, 2026, kind, user=SYSTEM, subtree=True, today=TODAY)
        for key, fact in draft.facts.items():
            if key.startswith("ledger:"):
                code = key.split(":")[1]
                assert fact["value"] == year_records.filter(activity_type__code=code).count()
        stated = [k for s in draft.content["sections"] for k in s["facts"]]
        assert stated, kind
        if kind == ReportKind.ANNUAL_SUMMARY:
            study = year_records.filter(activity_type__code="study_group").count()
            text = next(s for s in draft.content["sections"] if s["key"] == "area.study")["text"]
            assert f"全区各级党组织共开展理论学习中心组学习{study}次" in text
        if not render:
            continue
        for script in ("simplified", "traditional"):
            docx = squeeze(docx_text(services.render(draft.content, fmt="docx", script=script)))
            pdf = squeeze(
                pdf_text(services.render(draft.content, fmt="pdf", script=script), tmp_path)
            )
            for key in stated:
                number = squeeze(draft.facts[key]["text"])
                if script == "traditional":
                    number = to_traditional(number)
                assert number in docx, (kind, script, key)
                assert number in pdf, (kind, script, key)


def engine_compare(fact: dict) -> str:
    """「较上年增加3次」 as the engine writes it (full-width punctuation)."""
    from luoshi.reports.engine.facts import compare
    from luoshi.reports.engine.kinds import full_width

    keys = ("key", "label", "value", "unit", "url", "records", "previous", "previous_source")
    return full_width(compare(Fact(**{k: fact[k] for k in keys})))


def _published_assessment():
    from django.utils import timezone

    from luoshi.assessment.models import Assessment, AssessmentStatus

    assessment = Assessment.objects.get(year=2026)
    Assessment.objects.filter(pk=assessment.pk).update(
        status=AssessmentStatus.PUBLISHED, published_at=timezone.now()
    )
    return assessment


def test_demo_assessment_result_in_the_target_units_summary(demo_district):
    from luoshi.assessment.selectors import ranking

    assessment = _published_assessment()
    row = next(r for r in ranking(assessment) if r.scores)
    draft = engine.generate(row.unit, 2026, ReportKind.ANNUAL_SUMMARY, user=SYSTEM, today=TODAY)
    text = next(s for s in draft.content["sections"] if s["key"] == "area.responsibility")["text"]
    rank = draft.facts["assessment_rank"]
    assert rank["value"] == row.rank
    assert f"排第{row.rank}名" in text and assessment.name in text
    assert rank["url"] == reverse("assessment:sheet", args=[assessment.pk, row.unit.pk])

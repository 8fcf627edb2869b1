"""``manage.py load_demo``: the demo district is complete, realistic, deterministic and idempotent.

The district is built once per run, by ``load_demo --if-empty`` on the empty test database
(fixture ``demo_district`` in ``tests/conftest.py``); the feature's own demo tests read the
same district. The one idempotency test of the whole demo is here.
"""

import datetime
import hashlib
from io import StringIO

from django.apps import apps
from django.core.management import call_command
from django.db.models import Max

from luoshi.accounts.models import Position, ResponsibilityPosition, Role, User
from luoshi.assessment.models import AssessmentScore
from luoshi.core.defaults import ROLES
from luoshi.core.workflow import WorkflowStep
from luoshi.demo import district as demo
from luoshi.evidence.models import Evidence
from luoshi.ledger.models import LedgerRecord
from luoshi.ledger.plugin import ACTIVITY_TYPES
from luoshi.units.models import Unit, UnitYearStat
from tests.factories import DEMO_TODAY, make_unit

TODAY = DEMO_TODAY.isoformat()


def _counts():
    """Rows of every model of the platform's apps (history tables included)."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model.__module__.startswith("luoshi.")
        and model._meta.managed
        and model._meta.label != "audit.OperationLog"  # the log of the run itself
    }


def _run(*args):
    out = StringIO()
    call_command("load_demo", *args, "--date", TODAY, stdout=out)
    return out.getvalue()


def test_load_demo_builds_a_complete_district(demo_district):
    output = demo_district.output  # an empty database: --if-empty built the demo
    assert "演示数据已生成" in output
    assert demo.PASSWORD in output and "http://127.0.0.1:8000" in output

    # units: at least 30, three levels, stable codes, a headcount for this and last year
    assert Unit.objects.count() >= 30
    assert Unit.objects.aggregate(Max("depth"))["depth__max"] == 3
    root = Unit.objects.get(code="D00")
    assert root.is_root() and root.unit_type.code == "district_committee"
    assert Unit.objects.get_parent(Unit.objects.get(code="D02")) == root
    assert Unit.objects.get_parent(Unit.objects.get(code="D0701")).code == "D07"
    for unit in Unit.objects.all():
        years = set(unit.year_stats.values_list("year", flat=True))
        assert years == {2025, 2026}, unit

    # a login for every default role, all with the printed password
    for code, *_rest in ROLES:
        assert User.objects.filter(groups__in=Role.objects.filter(code=code)).exists(), code
    clerks = User.objects.filter(groups__role__code="clerk")
    assert {u.unit.code for u in clerks} >= {"D02", "D03", "D07"}
    for username, *_rest in demo.LOGINS:
        user = User.objects.get(username=username)
        assert user.check_password(demo.PASSWORD), username
        assert user.full_name and user.title
        assert username in output

    # responsibility positions of the year
    assert ResponsibilityPosition.objects.filter(
        unit=root, year=2026, position=Position.PRIMARY
    ).exists()
    assert ResponsibilityPosition.objects.filter(
        unit__code="D02", year=2026, position=Position.DIRECT
    ).exists()

    # a year of records of every activity type, none after "today"
    records = LedgerRecord.objects.all()
    assert 300 <= records.count() <= 600
    used = set(records.values_list("activity_type__code", flat=True))
    assert used == {code for code, *_rest in ACTIVITY_TYPES}
    assert records.aggregate(Max("date"))["date__max"] <= datetime.date(2026, 11, 24)
    assert not records.filter(date__year__lt=2026).exists()
    published = records.filter(activity_type__code="publicity")
    assert not published.filter(outlet_name="").exists()
    assert set(published.values_list("outlet_level", flat=True)) == {
        "central",
        "province",
        "city",
        "county",
    }
    clerk = User.objects.get(username="xcb_clerk")
    assert set(records.filter(unit__code="D02").values_list("created_by", flat=True)) == {clerk.pk}
    assert records.first().history.exists()

    # about 80 % carry a genuine evidence file stored privately, hash matching
    with_evidence = records.filter(evidence__isnull=False).distinct().count()
    assert with_evidence / records.count() > 0.7
    assert UnitYearStat.objects.exists() and Evidence.objects.exists()
    for evidence in Evidence.objects.all():
        with evidence.file.open("rb") as handle:
            content = handle.read()
        assert hashlib.sha256(content).hexdigest() == evidence.sha256
        assert content[:4] in (b"%PDF", b"\x89PNG")
        assert evidence.content_type_detected in ("application/pdf", "image/png")


def test_a_second_load_adds_and_changes_nothing(demo_district):
    """Idempotent: every module's part of the demo (records, tasks, risks, inspections,
    duty lists, the assessment, reports …) is found and left as it is; --if-empty on a full
    database does nothing."""
    before = _counts()
    assert before["tasks.Task"] and before["risks.RiskPoint"] and before["duty.DutyList"]
    scores = sorted(AssessmentScore.objects.values_list("pk", "auto_score"))
    output = _run()
    assert "新增 0" in output
    # … except the log line of the run's recomputation of the (unpublished) assessment
    step = WorkflowStep.objects.latest("pk")
    assert step.transition == "compute" and step.content_type.model == "assessment"
    before["core.WorkflowStep"] += 1
    assert _counts() == before
    assert sorted(AssessmentScore.objects.values_list("pk", "auto_score")) == scores
    output = _run("--if-empty")
    assert "跳过" in output and "xcb_clerk" in output
    assert _counts() == before


def test_if_empty_leaves_a_non_empty_database_alone(db):
    make_unit("某单位", "X1", type_code="other")
    output = _run("--if-empty")
    assert "跳过" in output
    assert Unit.objects.count() == 1
    assert not LedgerRecord.objects.exists()
    assert not User.objects.exists()


def test_the_plan_is_deterministic():
    first, second = demo.plan_year(2026), demo.plan_year(2026)
    assert [(p.unit_code, p.date, p.title) for p in first] == [
        (p.unit_code, p.date, p.title) for p in second
    ]
    assert len({(p.unit_code, p.activity, p.date, p.title) for p in first}) == len(first)

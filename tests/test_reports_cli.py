"""``manage.py generate_report``: all five kinds as .docx/.pdf; clear Chinese errors."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from luoshi.core.indicators import SYSTEM
from luoshi.core.script import to_traditional
from luoshi.ledger.models import ActivityType, LedgerRecord
from luoshi.reports import engine
from luoshi.reports.models import Report, ReportKind
from tests.factories import LedgerRecordFactory
from tests.inspections_support import add_item, child_clerk, make_plan
from tests.report_checks import docx_text, needs_rendering, pdf_text, squeeze
from tests.risks_support import make_risk

YEAR = datetime.date.today().year


@pytest.fixture
def records(tree):
    for code, count in (("study_group", 4), ("publicity", 2), ("outreach_talk", 3)):
        kind = ActivityType.objects.get(code=code)
        for i in range(count):
            LedgerRecordFactory(
                unit=tree.own if i % 2 else tree.child,
                activity_type=kind,
                date=datetime.date(YEAR, 1 + i, 3),
            )
    return tree


def _run(*args):
    out = StringIO()
    call_command("generate_report", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--unit", "NOPE", "--year", str(YEAR), "--kind", "annual_summary"],
            "找不到单位编码「NOPE」",
        ),
        (["--unit", "T1", "--year", str(YEAR), "--kind", "poem"], "未知的报告类型「poem」"),
        (["--unit", "T1", "--year", "1899", "--kind", "annual_summary"], "年度须在 2000 至"),
        (
            ["--unit", "T1", "--year", str(YEAR), "--kind", "annual_summary", "--format", "odt"],
            "输出格式须为 docx 或 pdf",
        ),
        (
            ["--unit", "T1", "--year", str(YEAR), "--kind", "annual_summary", "--script", "x"],
            "字形须为 simplified",
        ),
    ],
)
def test_bad_input_is_a_clear_chinese_error_and_writes_nothing(tree, tmp_path, args, message):
    output = tmp_path / "out.docx"
    with pytest.raises(CommandError, match=message):
        _run(*args, "-o", str(output))
    assert not output.exists() and not Report.objects.exists()


@needs_rendering
@pytest.mark.parametrize("kind", ReportKind.values)
@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_every_kind_renders_with_the_numbers_of_the_records(records, users, tmp_path, kind, fmt):
    if kind == ReportKind.RISK_SCREENING:
        make_risk(records.own, level="red")
    if kind == ReportKind.INSPECTION_BULLETIN:  # a bulletin is about an inspection run
        add_item(make_plan(records, users), users, child_clerk(records))
    output = tmp_path / f"{kind}.{fmt}"
    _run(
        "--unit",
        "T1",
        "--year",
        str(YEAR),
        "--kind",
        kind,
        "--format",
        fmt,
        "--subtree",
        "-o",
        str(output),
    )
    data = output.read_bytes()
    text = docx_text(data) if fmt == "docx" else pdf_text(data, tmp_path)
    draft = engine.generate(records.own, YEAR, kind, user=SYSTEM, subtree=True)
    stated = {k for s in draft.content["sections"] for k in s["facts"]}
    assert stated, kind
    for key in stated:
        fact = draft.facts[key]
        assert squeeze(fact["text"]) in squeeze(text), (kind, key)
        if key.startswith("ledger:"):  # a count of records is the count of the records
            code = key.removeprefix("ledger:")
            assert fact["value"] == LedgerRecord.objects.filter(activity_type__code=code).count()
    if kind in (ReportKind.ANNUAL_SUMMARY, ReportKind.SPECIAL_REPORT):
        assert draft.facts["ledger:study_group"]["value"] == 4
        assert "4次" in text
    assert squeeze(draft.title) in squeeze(text)
    assert not Report.objects.exists()  # without --save nothing is stored


@needs_rendering
def test_traditional_script_and_save(records, tmp_path):
    output = tmp_path / "t.docx"
    _run(
        "--unit",
        "T1",
        "--year",
        str(YEAR),
        "--kind",
        "annual_summary",
        "--subtree",
        "--script",
        "traditional",
        "--save",
        "-o",
        str(output),
    )
    text = docx_text(output.read_bytes())
    assert to_traditional("共开展理论学习中心组学习4次") in text
    report = Report.objects.get()
    assert report.subtree and report.versions.count() == 1

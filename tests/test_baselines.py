"""Baselines: a parsed past report saved for a unit-year (service, command, web import)."""

import io
from pathlib import Path

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from luoshi.reports.baseline_forms import SIGNING_SALT
from luoshi.reports.baselines import BaselineExists, baseline_for, save_baseline
from luoshi.reports.importing import parse_file
from luoshi.reports.models import Baseline, ReportKind

SEEDS = Path(__file__).parent / "fixtures" / "report_seeds"
SEED_001 = next(SEEDS.glob("001_*.txt"))
SEED_002 = next(SEEDS.glob("002_*.txt"))


@pytest.fixture
def parsed():
    return parse_file(SEED_001)[1]


def login(client, user):
    client.force_login(user)
    return client


# --- service ---


def test_round_trip_parse_save_compare(tree, users, parsed):
    baseline = save_baseline(
        unit=tree.own,
        year=2024,
        kind="annual_summary",
        parsed=parsed,
        user=users.clerk,
        source_name="a.txt",
    )
    stored = Baseline.objects.get(pk=baseline.pk)
    assert stored.data["metrics"] == parsed["metrics"]
    assert stored.data["sections"] == parsed["sections"]
    assert stored.data["problems"] == parsed["problems"] and stored.data["plans"] == parsed["plans"]
    assert stored.text == parsed["text"] and stored.title == "局2024年意识形态工作总结"
    assert stored.created_by == users.clerk
    # What the report engine of 2025 reads for year-on-year comparison.
    previous = baseline_for(unit=tree.own, year=2024, kind=ReportKind.ANNUAL_SUMMARY)
    assert previous == stored
    by_activity = {
        m["activity"]: (m["value"], m["unit"], m["approx"]) for m in previous.data["metrics"]
    }
    assert by_activity["召开党委理论学习中心组"] == (15, "次", False)
    for metric in previous.data["metrics"]:
        assert {"activity", "value", "unit", "approx", "source"} <= set(metric)
    assert baseline_for(unit=tree.own, year=2023) is None


def test_out_of_scope_unit_refused(tree, users, parsed):
    with pytest.raises(PermissionDenied):
        save_baseline(
            unit=tree.sibling, year=2024, kind="annual_summary", parsed=parsed, user=users.clerk
        )
    assert not Baseline.objects.exists()


def test_view_only_role_cannot_save(tree, users, parsed):
    with pytest.raises(PermissionDenied):
        save_baseline(
            unit=tree.own, year=2024, kind="annual_summary", parsed=parsed, user=users.leader
        )
    assert not Baseline.objects.exists()


def test_existing_baseline_replaced_only_when_asked(tree, users, parsed):
    save_baseline(
        unit=tree.own, year=2024, kind="annual_summary", parsed=parsed, user=users.unit_admin
    )
    other = parse_file(SEED_002)[1]
    with pytest.raises(BaselineExists):
        save_baseline(
            unit=tree.own, year=2024, kind="annual_summary", parsed=other, user=users.unit_admin
        )
    assert Baseline.objects.get().title == "局2024年意识形态工作总结"
    save_baseline(
        unit=tree.own,
        year=2024,
        kind="annual_summary",
        parsed=other,
        user=users.unit_admin,
        replace=True,
    )
    assert Baseline.objects.count() == 1
    assert Baseline.objects.get().data["metrics"] == other["metrics"]
    # another kind of the same unit-year is a different baseline
    save_baseline(
        unit=tree.own, year=2024, kind="special_report", parsed=other, user=users.unit_admin
    )
    assert Baseline.objects.count() == 2


# --- command ---


def test_command_save(tree, users, capsys):
    call_command(
        "import_report", str(SEED_001), "--save", "--unit", "T1", "--user", users.clerk.username
    )
    baseline = Baseline.objects.get()
    assert (baseline.unit, baseline.year, baseline.kind) == (tree.own, 2024, "annual_summary")
    assert baseline.source_name == SEED_001.name
    assert len(baseline.data["metrics"]) == 5


def test_command_save_refusals_write_nothing(tree, users):
    args = [str(SEED_001), "--save", "--user", users.clerk.username]
    with pytest.raises(CommandError, match="数据范围"):
        call_command("import_report", *args, "--unit", "T2")
    with pytest.raises(CommandError, match="找不到单位"):
        call_command("import_report", *args, "--unit", "NOPE")
    with pytest.raises(CommandError, match="--unit"):
        call_command("import_report", str(SEED_001), "--save")
    seed_000 = next(SEEDS.glob("000_*.txt"))  # no year in it
    with pytest.raises(CommandError, match="--year"):
        call_command(
            "import_report", str(seed_000), "--save", "--unit", "T1", "--user", users.clerk.username
        )
    assert not Baseline.objects.exists()
    call_command(
        "import_report",
        str(seed_000),
        "--save",
        "--unit",
        "T1",
        "--user",
        users.clerk.username,
        "--year",
        "2023",
    )
    assert Baseline.objects.get().kind == "research_report"


# --- web import: upload → preview (nothing saved) → confirm ---


def upload(client, path=SEED_001, **extra):
    data = {
        "unit": extra.pop("unit"),
        "year": extra.pop("year", ""),
        "file": SimpleUploadedFile(path.name, path.read_bytes()),
    }
    return client.post(reverse("reports:baseline_import"), data)


def test_upload_preview_then_confirm(client, tree, users):
    login(client, users.clerk)
    response = upload(client, unit=tree.own.pk)
    assert response.status_code == 200
    page = response.content.decode()
    assert "局2024年意识形态工作总结" in page
    assert "全年共召开党委理论学习中心组15次" in page  # metrics table with source spans
    assert "一是文化宣传专业人才较为缺乏" in page and "（一）提高政治站位，强化思想认识" in page
    assert "老秘网_材夜思范文" in page  # the removed boilerplate is shown, struck through
    assert not Baseline.objects.exists()  # nothing saved before confirmation
    payload = response.context["form"].initial["payload"]
    confirm = client.post(
        reverse("reports:baseline_import_confirm"),
        {"payload": payload, "unit": tree.own.pk, "year": 2024, "kind": "annual_summary"},
    )
    baseline = Baseline.objects.get()
    assert confirm.status_code == 302 and confirm.url == reverse(
        "reports:baseline_detail", args=[baseline.pk]
    )
    assert baseline.source_name == SEED_001.name
    assert baseline.data["metrics"] == parse_file(SEED_001)[1]["metrics"]
    detail = client.get(confirm.url).content.decode()
    assert "上稿" in detail and "212" in detail


def test_user_corrects_year_and_kind(client, tree, users):
    login(client, users.clerk)
    response = upload(client, path=next(SEEDS.glob("000_*.txt")), unit=tree.own.pk)
    payload = response.context["form"].initial["payload"]
    assert response.context["form"].initial["year"] is None
    client.post(
        reverse("reports:baseline_import_confirm"),
        {"payload": payload, "unit": tree.own.pk, "year": 2021, "kind": "special_report"},
    )
    baseline = Baseline.objects.get()
    assert (baseline.year, baseline.kind, baseline.data["year"]) == (2021, "special_report", 2021)


def test_tampered_payload_is_refused(client, tree, users, parsed):
    login(client, users.clerk)
    forged = signing.dumps(
        {"parsed": parsed, "source_name": "x"}, salt="another salt", compress=True
    )
    response = client.post(
        reverse("reports:baseline_import_confirm"),
        {"payload": forged, "unit": tree.own.pk, "year": 2024, "kind": "annual_summary"},
    )
    assert response.status_code == 302
    assert not Baseline.objects.exists()


def test_confirm_for_out_of_scope_unit_is_refused(client, tree, users, parsed):
    login(client, users.clerk)
    payload = signing.dumps(
        {"parsed": parsed, "source_name": "x"}, salt=SIGNING_SALT, compress=True
    )
    response = client.post(
        reverse("reports:baseline_import_confirm"),
        {"payload": payload, "unit": tree.sibling.pk, "year": 2024, "kind": "annual_summary"},
    )
    assert response.status_code == 400  # not a choice of the unit field
    assert not Baseline.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.xls", b"\xd0\xcf\x11\xe0", "只支持"),
        ("a.pdf", b"%PDF-1.4", "无法读取 .pdf"),
        ("a.docx", b"not a docx", "无法读取"),
        ("a.txt", b"", "空"),
        ("a.txt", "你好".encode(), "不像一份工作报告"),
    ],
)
def test_bad_uploads(client, tree, users, name, data, message):
    login(client, users.clerk)
    response = client.post(
        reverse("reports:baseline_import"),
        {"unit": tree.own.pk, "file": SimpleUploadedFile(name, data)},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Baseline.objects.exists()


def test_docx_upload(client, tree, users):
    import docx

    document = docx.Document()
    for text in [
        "某局2022年意识形态工作总结",
        "一、主要工作",
        "全年共召开专题会议6次，开展宣讲活动30余场。",
        "二、存在的问题",
        "一是学习研讨的深度还不够，联系实际不紧密。二是网络阵地管理力量薄弱，队伍建设有待加强。",
    ]:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    login(client, users.clerk)
    response = client.post(
        reverse("reports:baseline_import"),
        {"unit": tree.own.pk, "file": SimpleUploadedFile("总结.docx", buffer.getvalue())},
    )
    assert response.status_code == 200
    metrics = response.context["parsed"]["metrics"]
    assert [(m["value"], m["unit"], m["approx"]) for m in metrics] == [
        (6, "次", False),
        (30, "场", True),
    ]


def test_permissions_and_scope(client, tree, users, parsed):
    mine = save_baseline(
        unit=tree.own, year=2024, kind="annual_summary", parsed=parsed, user=users.unit_admin
    )
    theirs = save_baseline(
        unit=tree.sibling, year=2024, kind="annual_summary", parsed=parsed, user=users.sibling_clerk
    )
    login(client, users.clerk)
    listing = client.get(reverse("reports:baseline_list"))
    assert list(listing.context["object_list"]) == [mine]
    assert client.get(reverse("reports:baseline_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("reports:baseline_detail", args=[theirs.pk])).status_code == 404
    client.logout()
    login(client, users.leader)
    assert client.get(reverse("reports:baseline_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("reports:baseline_import")).status_code == 403
    client.logout()
    assert client.get(reverse("reports:baseline_list")).status_code == 302  # to login


# --- demo hook ---


def test_demo_hook_imports_last_year_once(tree, users):
    import datetime

    from luoshi.reports.demo import ensure_baselines

    added = {}
    kwargs = {
        "today": datetime.date(2026, 11, 24),
        "units": {"D02": tree.own},
        "logins": {"xcb_admin": users.unit_admin},
        "added": added,
    }
    ensure_baselines(**kwargs)
    ensure_baselines(**kwargs)
    baseline = Baseline.objects.get()
    assert added["baselines"] == 1
    assert (baseline.unit, baseline.year, baseline.kind) == (tree.own, 2025, "annual_summary")
    metrics = {m["activity"]: m["value"] for m in baseline.data["metrics"]}
    assert metrics["召开部务会理论学习中心组"] == 12
    assert len(baseline.data["problems"]) == 3 and len(baseline.data["plans"]) == 3
    assert "[打印本页]" not in baseline.text


def test_delete_needs_permission(client, tree, users, parsed):
    baseline = save_baseline(
        unit=tree.own, year=2024, kind="annual_summary", parsed=parsed, user=users.unit_admin
    )
    url = reverse("reports:baseline_delete", args=[baseline.pk])
    login(client, users.clerk)
    assert client.post(url).status_code == 403
    client.force_login(users.unit_admin)
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not Baseline.objects.exists()


def test_next_years_target_and_a_part_are_not_last_years_figure(tree):
    """A past report's 「省级以上媒体刊发15篇」 (a part) and 「不少于100篇」 (next year's target)
    are not the figure this year's report compares with; last year's total is."""
    import datetime

    from luoshi.ledger.models import ActivityType
    from luoshi.reports.engine import generate
    from luoshi.reports.importing import parse_text
    from tests.factories import LedgerRecordFactory

    year = 2026
    LedgerRecordFactory(
        unit=tree.sibling,
        activity_type=ActivityType.objects.get(code="publicity"),
        date=datetime.date(year, 3, 5),
    )
    parsed = parse_text(
        "某局2025年意识形态工作总结\n一、工作情况\n"
        "在省级以上媒体刊发稿件15篇，全年在各级媒体刊发稿件共86篇。\n"
        "二、下一步打算\n（一）全年刊发稿件不少于100篇。\n"
    )
    Baseline.objects.create(
        unit=tree.sibling, year=year - 1, kind=ReportKind.ANNUAL_SUMMARY, text="…", data=parsed
    )
    draft = generate(tree.sibling, year, ReportKind.ANNUAL_SUMMARY)
    assert draft.facts["ledger:publicity"]["previous"] == 86

"""数据包上报: export a unit-year, import it into another database; all or nothing, idempotent."""

import datetime
import hashlib
import io
import json
import shutil
import zipfile

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from luoshi.audit.models import OperationLog
from luoshi.channels.models import Channel, ChannelType
from luoshi.channels.services import create_channel, record_check
from luoshi.duty.services import ensure_default_pack, generate_duty_list, record_checks
from luoshi.evidence.models import Evidence
from luoshi.evidence.services import attach_file, attach_link
from luoshi.exchange.importer import import_package
from luoshi.exchange.models import Deployment, ImportedObject
from luoshi.exchange.registry import check_registry
from luoshi.exchange.selectors import FIGURES
from luoshi.ledger.models import LedgerRecord
from luoshi.risks.models import RiskArea, RiskLevel, RiskPoint
from luoshi.risks.services import register_risk, take_step
from luoshi.tasks.models import Task, TaskAssignment
from luoshi.units.models import Unit, UnitYearStat
from tests.factories import LedgerRecordFactory, make_unit, pdf_upload, png_upload

YEAR = 2026


def build_unit_year(tree, users):
    """Work of 宣传部 (T1) and its 新闻科 (T11) in 2026 across several modules, with files."""
    clerk = users.clerk
    UnitYearStat.objects.create(unit=tree.own, year=YEAR, party_members=42)
    records = [
        LedgerRecordFactory(unit=tree.own, created_by=clerk, date=datetime.date(YEAR, m, 10))
        for m in (1, 3, 5)
    ]
    LedgerRecordFactory(unit=tree.child, created_by=clerk, date=datetime.date(YEAR, 2, 2))
    LedgerRecordFactory(unit=tree.own, created_by=clerk, date=datetime.date(YEAR - 1, 6, 1))
    LedgerRecordFactory(unit=tree.sibling, date=datetime.date(YEAR, 6, 1))  # not in the package
    attach_file(owner=records[0], uploaded=png_upload(), user=clerk)
    attach_file(owner=records[1], uploaded=pdf_upload(), user=clerk)
    attach_link(owner=records[2], url="https://example.org/a", title="报道链接", user=clerk)

    duty_list = generate_duty_list(unit=tree.own, year=YEAR, pack=ensure_default_pack())
    checklist_item = duty_list.items.filter(target_type="checklist").first()
    if checklist_item is not None:
        keys = [c["code"] for c in checklist_item.checklist]
        record_checks(item=checklist_item, keys=keys, done=set(keys[:1]), note="已完成", user=clerk)

    task = Task.objects.create(
        unit=tree.own, created_by=users.unit_admin, title="报送一季度工作情况",
        requirements="按模板报送", deadline=datetime.date(YEAR, 4, 10),
    )  # fmt: skip
    task.recipient_units.add(tree.child)
    TaskAssignment.objects.create(task=task, unit=tree.child, created_by=users.unit_admin)

    channel = create_channel(
        channel=Channel(
            unit=tree.own,
            channel_type=ChannelType.objects.get(code="wechat"),
            name="宣传部公众号",
            account="xcb",
            administrator=clerk,
            opened_on=datetime.date(YEAR - 2, 1, 1),
        ),
        user=clerk,
    )
    record_check(
        channel=channel, user=clerk, checked_on=datetime.date(YEAR, 3, 1), checker=clerk,
        result="ok", findings="运行正常", files=[png_upload("检查截图.png")],
    )  # fmt: skip

    risk = register_risk(
        risk=RiskPoint(
            unit=tree.own,
            area=RiskArea.objects.get(code="online"),
            level=RiskLevel.objects.get(code="yellow"),
            description="公众号留言管理不到位",
            measures="加强留言审核",
            identified_on=datetime.date(YEAR, 2, 1),
        ),
        user=clerk,
    )
    take_step(risk=risk, step="control", user=users.unit_admin, comment="落实管控措施")


def evidence_bytes():
    storage = Evidence._meta.get_field("file").storage
    result = {}
    for evidence in Evidence.objects.filter(kind="file"):
        with storage.open(evidence.file.name, "rb") as handle:
            result[(evidence.title, evidence.sha256)] = handle.read()
    return result


def row_counts():
    from django.apps import apps

    return {
        m._meta.label_lower: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.app_label not in {"sessions", "admin"}
    }


def export_to(path, unit_code, *, subtree=True, user=None):
    args = ["export_package", "--unit", unit_code, "--year", str(YEAR), "-o", str(path)]
    if subtree:
        args.append("--subtree")
    if user:
        args += ["--user", user]
    call_command(*args, stdout=io.StringIO())
    return path


def rewrite(path, change, *, fix_checksums=True):
    """Copy the package at ``path`` with ``change(members)`` applied; returns the new bytes."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    change(members)
    manifest = json.loads(members["manifest.json"])
    if fix_checksums:
        manifest["checksums"] = {
            name: hashlib.sha256(data).hexdigest()
            for name, data in members.items()
            if name != "manifest.json"
        }
    members["manifest.json"] = json.dumps(manifest).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    out.seek(0)
    return out


def as_foreign():
    """Make this database a different deployment from the one that exported the package."""
    Deployment.objects.update(key="another-deployment")


def test_every_link_of_every_exported_model_is_mapped(db):
    assert check_registry() == []


@pytest.mark.django_db(transaction=True)
def test_round_trip_into_a_fresh_database(tree, users, tmp_path):
    build_unit_year(tree, users)
    before = FIGURES(tree.own, YEAR, True)
    files_before = evidence_bytes()
    assert before["counts"]["ledger.ledgerrecord"] == 4  # T1 ×3 + T11, not 2025, not T2
    assert before["counts"]["core.workflowstep"] >= 1
    assert len(files_before) == 3
    package = export_to(tmp_path / "t1.zip", "T1")

    call_command("flush", interactive=False)  # a fresh database (defaults recreated)
    shutil.rmtree(settings.EVIDENCE_ROOT, ignore_errors=True)
    assert not LedgerRecord.objects.exists() and not Unit.objects.exists()
    make_unit("上级区委", "T0", type_code="district_committee")

    out = io.StringIO()
    call_command("import_package", str(package), "--parent", "T0", stdout=out)
    assert "0 条更新，0 条未变" in out.getvalue()
    own = Unit.objects.get(code="T1")
    assert Unit.objects.get_parent(own).code == "T0"
    assert Unit.objects.get_parent(Unit.objects.get(code="T11")) == own
    assert UnitYearStat.objects.get(unit=own, year=YEAR).party_members == 42
    after = FIGURES(own, YEAR, True)
    assert after == before
    assert evidence_bytes() == files_before
    clerk = LedgerRecord.objects.filter(unit=own).first().created_by
    assert clerk.username == "u_clerk" and not clerk.is_active and not clerk.has_usable_password()

    counts = row_counts()
    out = io.StringIO()
    call_command("import_package", str(package), stdout=out)
    assert out.getvalue().startswith("已导入：0 条新增，0 条更新，")
    # nothing changed but the operation log's entry for this import
    counts["audit.operationlog"] += 1
    assert row_counts() == counts
    assert OperationLog.objects.order_by("-id").first().object_repr == "导入数据包：T1 2026 年"
    assert FIGURES(own, YEAR, True) == before


def test_a_newer_package_updates_instead_of_duplicating(tree, users, tmp_path):
    build_unit_year(tree, users)
    package = export_to(tmp_path / "first.zip", "T11")
    record = LedgerRecord.objects.get(unit=tree.child)
    record.title = "改过的标题"
    record.save()
    newer = export_to(tmp_path / "second.zip", "T11")
    as_foreign()
    parent = make_unit("上级", "UP")
    # the upper deployment has no T11: it is created under UP
    for code in ("T11",):
        Unit.objects.filter(code=code).update(code=f"old-{code}")
    with open(package, "rb") as f:
        first = import_package(f, parent=parent)
    assert first.ok, first.problems
    assert first.new["ledger.ledgerrecord"] == 1
    with open(newer, "rb") as f:
        second = import_package(f, parent=parent)
    assert second.ok, second.problems
    assert second.updated == {"ledger.ledgerrecord": 1}
    assert sum(second.new.values()) == 0
    imported = LedgerRecord.objects.get(unit__code="T11")
    assert imported.title == "改过的标题"


def test_tampered_member_is_refused_and_nothing_is_written(tree, users, tmp_path):
    build_unit_year(tree, users)
    package = export_to(tmp_path / "t1.zip", "T1")
    as_foreign()
    before = row_counts()

    def tamper(members):
        members["records/ledger.ledgerrecord.json"] = members[
            "records/ledger.ledgerrecord.json"
        ].replace("三楼会议室".encode(), "四楼会议室".encode())

    report = import_package(rewrite(package, tamper, fix_checksums=False), parent=tree.root)
    assert not report.ok
    assert [str(p) for p in report.problems] == [
        "records/ledger.ledgerrecord.json：SHA-256 校验值不符，文件已被篡改或损坏"
    ]
    assert row_counts() == before


def test_a_row_failing_validation_refuses_the_whole_package(tree, users, tmp_path):
    build_unit_year(tree, users)
    package = export_to(tmp_path / "t1.zip", "T1")
    as_foreign()
    before = row_counts()

    def unknown_type(members):
        rows = json.loads(members["records/ledger.ledgerrecord.json"])
        rows[1]["fields"]["activity_type"] = ["no_such_type"]
        rows[2]["fields"]["actual_participants"] = 99  # more than expected: model validation
        members["records/ledger.ledgerrecord.json"] = json.dumps(rows).encode()

    report = import_package(rewrite(package, unknown_type), parent=tree.root)
    messages = [str(p) for p in report.problems]
    assert messages == [
        "records/ledger.ledgerrecord.json 第 2 条 字段“活动类型”：活动类型“no_such_type”在本系统不存在",
        "records/ledger.ledgerrecord.json 第 3 条：实到人数不能多于应到人数。",
    ]
    assert row_counts() == before
    assert not ImportedObject.objects.exists()


def test_dry_run_reports_without_writing(tree, users, tmp_path):
    build_unit_year(tree, users)
    package = export_to(tmp_path / "t1.zip", "T1")
    as_foreign()
    before = row_counts()
    with open(package, "rb") as f:
        report = import_package(f, parent=tree.root, dry_run=True)
    assert report.ok and report.new["ledger.ledgerrecord"] == 4
    assert row_counts() == before


def _zip(members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    out.seek(0)
    return out


def test_zip_bomb_and_path_traversal_are_refused(db):
    bomb = import_package(_zip({"manifest.json": b"{}", "records/x.json": b"\0" * 30_000_000}))
    assert [str(p) for p in bomb.problems] == ["records/x.json：压缩比异常（疑似压缩炸弹）"]
    escape = import_package(_zip({"manifest.json": b"{}", "../../etc/evil": b"x"}))
    assert [str(p) for p in escape.problems] == [
        "../../etc/evil：成员路径不安全（绝对路径或包含 ..）"
    ]
    absolute = import_package(_zip({"manifest.json": b"{}", "/tmp/evil": b"x"}))
    assert "成员路径不安全" in str(absolute.problems[0])


def test_wrong_version_and_own_packages_are_refused(tree, users, tmp_path):
    build_unit_year(tree, users)
    package = export_to(tmp_path / "t1.zip", "T1")
    with open(package, "rb") as f:
        own = import_package(f, parent=tree.root)
    assert [str(p) for p in own.problems] == [
        "manifest.json 字段“source”：这是本系统导出的数据包，不能导回本系统"
    ]

    def future(members):
        manifest = json.loads(members["manifest.json"])
        manifest["version"] = 2
        members["manifest.json"] = json.dumps(manifest).encode()

    report = import_package(rewrite(package, future))
    assert "不支持的格式版本 2" in str(report.problems[0])


def test_out_of_scope_export_is_404_on_the_page_and_an_error_on_the_command(
    client, tree, users, tmp_path
):
    client.force_login(users.unit_admin)
    url = reverse("exchange:export")
    assert client.get(url).status_code == 200
    response = client.post(url, {"unit": tree.sibling.pk, "year": YEAR, "subtree": "on"})
    assert response.status_code == 404
    with pytest.raises(CommandError, match="不在用户 u_unit_admin 的数据范围内"):
        export_to(tmp_path / "x.zip", "T2", user="u_unit_admin")
    client.force_login(users.clerk)
    assert client.get(url).status_code == 403


def test_export_download_then_import_through_the_pages(client, tree, users, tmp_path):
    build_unit_year(tree, users)
    client.force_login(users.unit_admin)
    response = client.post(
        reverse("exchange:export"), {"unit": tree.child.pk, "year": YEAR, "subtree": ""}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="luoshi-T11-2026')
    data = b"".join(response.streaming_content)
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("manifest.json"))
    assert manifest["root_unit"] == "T11" and manifest["counts"]["ledger.ledgerrecord"] == 1
    assert OperationLog.objects.filter(model_label="exchange.package", user=users.unit_admin)

    as_foreign()
    Unit.objects.filter(code="T11").update(code="T11-old")
    upload = io.BytesIO(data)
    upload.name = "t11.zip"
    response = client.post(reverse("exchange:import"), {"package": upload, "parent": tree.own.pk})
    assert response.status_code == 200
    assert (
        "校验通过，确认后将导入：3 条新增"
    )  # record, task issued by T1, assignment in response.content.decode()
    assert not Unit.objects.filter(code="T11").exists()  # the check wrote nothing
    token = response.context["token"]
    response = client.post(reverse("exchange:import_confirm"), {"token": token})
    assert "已导入：3 条新增" in response.content.decode()
    assert Unit.objects.get_parent(Unit.objects.get(code="T11")) == tree.own
    assert LedgerRecord.objects.filter(unit__code="T11").count() == 1
    log = OperationLog.objects.filter(model_label="exchange.package").order_by("-id").first()
    assert log.object_repr == "导入数据包：T11 2026 年" and log.user == users.unit_admin

    # the same package again: nothing new
    upload.seek(0)
    response = client.post(reverse("exchange:import"), {"package": upload, "parent": tree.own.pk})
    assert "0 条新增，0 条更新，3 条未变" in response.content.decode()


def test_import_under_a_unit_outside_the_scope_is_404(client, tree, users, tmp_path):
    client.force_login(users.unit_admin)
    page = client.get(reverse("exchange:import")).content.decode()
    assert f'value="{tree.own.pk}"' in page and f'value="{tree.sibling.pk}"' not in page
    upload = io.BytesIO(b"not a zip")
    upload.name = "x.zip"
    response = client.post(
        reverse("exchange:import"), {"package": upload, "parent": tree.sibling.pk}
    )
    assert response.status_code == 404


def test_existing_unit_outside_the_importers_scope_is_refused(tree, users, tmp_path):
    build_unit_year(tree, users)
    package = export_to(tmp_path / "t2.zip", "T2")
    as_foreign()
    with open(package, "rb") as f:
        report = import_package(f, user=users.unit_admin, parent=tree.own)
    assert [str(p) for p in report.problems] == [
        "units.json 第 1 条 字段“code”：单位 T2 已存在但不在您的管理范围内"
    ]


def test_menu_shows_the_pages_to_unit_admins_only(client, users):
    client.force_login(users.unit_admin)
    assert reverse("exchange:export") in client.get(reverse("home")).content.decode()
    client.force_login(users.clerk)
    assert reverse("exchange:export") not in client.get(reverse("home")).content.decode()


def test_a_refused_package_shows_the_problems_and_no_confirm_button(client, tree, users):
    client.force_login(users.unit_admin)
    upload = io.BytesIO(b"not a zip")
    upload.name = "x.zip"
    response = client.post(reverse("exchange:import"), {"package": upload, "parent": tree.own.pk})
    page = response.content.decode()
    assert "数据包有 1 处问题，未写入任何数据。" in page
    assert "数据包：不是有效的 zip 文件" in page
    assert 'data-testid="confirm"' not in page
    response = client.post(reverse("exchange:import_confirm"), {"token": "0" * 32})
    assert response.status_code == 404


def test_total_size_and_member_count_limits(db, monkeypatch):
    import os

    from luoshi.exchange import importer

    monkeypatch.setattr(importer, "MAX_UNPACKED_BYTES", 1000)
    monkeypatch.setattr(importer, "MAX_MEMBERS", 3)
    big = import_package(_zip({"manifest.json": b"{}", "evidence/a": os.urandom(2000)}))
    assert [str(p) for p in big.problems] == ["数据包：解压后大小 2002 字节超过上限 1000"]
    many = import_package(_zip({f"records/{i}.json": b"[]" for i in range(4)}))
    assert [str(p) for p in many.problems] == ["数据包：成员数 4 超过上限 3"]

"""数据包上报: export a unit-year, import it into another database; all or nothing, idempotent."""

import datetime
import hashlib
import io
import json
import shutil
import zipfile

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.urls import reverse

from luoshi.audit.models import OperationLog
from luoshi.channels.models import Channel
from luoshi.channels.services import close_channel, record_check
from luoshi.core.workflow import WorkflowStep
from luoshi.duty.services import ensure_default_pack, generate_duty_list, record_checks
from luoshi.evidence.models import Evidence
from luoshi.evidence.services import attach_file, attach_link
from luoshi.exchange.export import Collector, serialize
from luoshi.exchange.importer import import_package
from luoshi.exchange.models import Deployment, ImportedObject
from luoshi.exchange.registry import check_registry, exported_fields
from luoshi.exchange.selectors import FIGURES
from luoshi.ledger.models import LedgerRecord
from luoshi.risks.models import RiskArea, RiskLevel, RiskPoint
from luoshi.risks.services import register_risk, take_step
from luoshi.tasks.models import Task, TaskAssignment
from luoshi.units.models import Unit, UnitYearStat
from tests.factories import LedgerRecordFactory, make_channel, make_unit, pdf_upload, png_upload

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

    channel = make_channel(
        tree.own, clerk, name="宣传部公众号", account="xcb", opened_on=datetime.date(YEAR - 2, 1, 1)
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
        if m._meta.managed and m._meta.app_label not in {"sessions", "admin"}
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


@pytest.fixture(autouse=True)
def _jobs_run_at_once(settings):
    """The pages check and import in background jobs; here a job runs as soon as it is
    queued (``test_the_page_checks_and_imports_in_the_background_queue``: the real queue)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def upload_package(client, data, parent, name="package.zip"):
    """Upload on the import page and follow to the job page with the check's report."""
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(
        reverse("exchange:import"), {"package": upload, "parent": parent.pk}, follow=True
    )


def confirm(client, token):
    return client.post(reverse("exchange:import_confirm"), {"token": token}, follow=True)


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
    assert before["dashboard"][("ledger", "records")] == 4  # the dashboard counts them too
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


def test_a_package_exported_before_the_app_label_rename_still_imports(tree, users, tmp_path):
    """阵地管理 was labelled ``channels``: its members, row keys, content types and workflow
    names in an older package are read under today's ``luoshi_channels``."""
    build_unit_year(tree, users)
    channel = Channel.objects.get(unit=tree.own)
    close_channel(
        channel=channel,
        user=users.unit_admin,
        reason="停止运营",
        closed_on=datetime.date(YEAR, 6, 1),
    )
    package = export_to(tmp_path / "t1.zip", "T1", subtree=False)

    def old_labels(members):
        for name in list(members):
            data = members.pop(name).replace(b"luoshi_channels", b"channels")
            members[name.replace("luoshi_channels.", "channels.")] = data

    old = rewrite(package, old_labels).getvalue()
    assert "records/channels.channel.json" in zipfile.ZipFile(io.BytesIO(old)).namelist()
    assert b"luoshi_channels" not in old
    as_foreign()
    Unit.objects.filter(code="T1").update(code="old-T1")
    parent = make_unit("上级", "UP")
    report = import_package(io.BytesIO(old), parent=parent)
    assert report.ok, report.problems
    assert report.new["luoshi_channels.channel"] == 1
    assert report.new["luoshi_channels.channelcheck"] == 1
    imported = Channel.objects.get(unit__code="T1")
    assert imported.status == "closed" and imported.pk != channel.pk
    assert imported.checks.get().evidence.count() == 1
    step = WorkflowStep.objects.get(
        content_type=ContentType.objects.get_for_model(Channel), object_id=imported.pk
    )
    assert step.workflow == "luoshi_channels.channel" and step.comment == "停止运营"

    again = import_package(io.BytesIO(old), parent=parent)  # the keys were kept current
    assert again.ok and sum(again.new.values()) == 0


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
    name = "records/ledger.ledgerrecord.json"
    bomb = import_package(_zip({"manifest.json": b"{}", name: b"\0" * 30_000_000}))
    assert [str(p) for p in bomb.problems] == [f"{name}：压缩比异常（疑似压缩炸弹）"]
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
    response = upload_package(client, data, tree.own)
    assert response.status_code == 200
    # the record, the task issued by T1 and the assignment
    assert "校验通过，确认后将导入：3 条新增" in response.content.decode()
    assert not Unit.objects.filter(code="T11").exists()  # the check wrote nothing
    token = response.context["result"]["token"]
    response = confirm(client, token)
    assert "已导入：3 条新增" in response.content.decode()
    assert Unit.objects.get_parent(Unit.objects.get(code="T11")) == tree.own
    assert LedgerRecord.objects.filter(unit__code="T11").count() == 1
    log = OperationLog.objects.filter(model_label="exchange.package").order_by("-id").first()
    assert log.object_repr == "导入数据包：T11 2026 年" and log.user == users.unit_admin

    # the same package again: nothing new
    response = upload_package(client, data, tree.own)
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
    response = upload_package(client, b"not a zip", tree.own)
    page = response.content.decode()
    assert "数据包有 1 处问题，未写入任何数据。" in page
    assert "数据包：不是有效的 zip 文件" in page
    assert 'data-testid="confirm"' not in page
    response = client.post(reverse("exchange:import_confirm"), {"token": "0" * 32})
    assert response.status_code == 404


def test_total_size_and_member_count_limits(db, settings):
    import os

    settings.EXCHANGE_MAX_UNPACKED_BYTES = 1000
    settings.EXCHANGE_MAX_MEMBERS = 3
    big = import_package(_zip({"manifest.json": b"{}", "evidence/" + "a" * 64: os.urandom(2000)}))
    assert [str(p) for p in big.problems] == ["数据包：解压后大小 2002 字节超过上限 1000"]
    many = import_package(_zip({f"records/a.m{i}.json": b"[]" for i in range(4)}))
    assert [str(p) for p in many.problems] == ["数据包：成员数 4 超过上限 3"]


# --------------------------------------------------------------------------- scope of every row


def _rows(members, label):
    return json.loads(members[f"records/{label}.json"])


def _put(members, label, rows):
    members[f"records/{label}.json"] = json.dumps(rows).encode()


def _change_rows(label, change):
    def apply(members):
        rows = _rows(members, label)
        change(rows, members)
        _put(members, label, rows)

    return apply


def foreign_package(tree, users, tmp_path, subtree=True):
    """T1's package of 2026 as another deployment's: this database becomes the importer."""
    build_unit_year(tree, users)
    package = export_to(tmp_path / "t1.zip", "T1", subtree=subtree)
    as_foreign()
    return package


def _import_as(user, data, **kwargs):
    return import_package(data, user=user, **kwargs)


def test_a_row_of_a_unit_outside_the_scope_refuses_the_whole_package(tree, users, tmp_path):
    """Attack: the unit admin of T1 edits a row to point at the sibling unit T2."""
    package = foreign_package(tree, users, tmp_path)
    before = row_counts()

    def elsewhere(rows, members):
        rows[1]["fields"]["unit"] = ["T2"]

    report = _import_as(
        users.unit_admin, rewrite(package, _change_rows("ledger.ledgerrecord", elsewhere))
    )
    assert [str(p) for p in report.problems] == [
        "records/ledger.ledgerrecord.json 第 2 条 字段“单位”：单位 T2 不在您的管理范围内"
    ]
    assert row_counts() == before


def test_a_person_of_a_unit_outside_the_scope_refuses_the_package(tree, users, tmp_path):
    package = foreign_package(tree, users, tmp_path)
    before = row_counts()

    def credited_to_the_sibling(rows, members):
        rows[0]["fields"]["created_by"] = ["u_sibling_clerk"]
        people = json.loads(members["users.json"])
        people.append({"username": "u_sibling_clerk", "full_name": "", "unit": "T2"})
        members["users.json"] = json.dumps(people).encode()

    report = _import_as(
        users.unit_admin,
        rewrite(package, _change_rows("ledger.ledgerrecord", credited_to_the_sibling)),
    )
    assert [str(p) for p in report.problems] == [
        "records/ledger.ledgerrecord.json 第 1 条 字段“创建人”："
        "人员 u_sibling_clerk 属于单位 T2，不在您的管理范围内"
    ]
    assert row_counts() == before


def test_people_of_a_package_are_never_matched_to_local_accounts(tree, users, tmp_path):
    """The package names ``u_admin``: this deployment's u_admin is another person."""
    package = foreign_package(tree, users, tmp_path)

    def credited_to_admin(rows, members):
        rows[0]["fields"]["title"] = "管理员的记录"
        rows[0]["fields"]["created_by"] = ["u_admin"]
        people = json.loads(members["users.json"])
        people.append({"username": "u_admin", "full_name": "冒名", "unit": "T1"})
        members["users.json"] = json.dumps(people).encode()

    data = rewrite(package, _change_rows("ledger.ledgerrecord", credited_to_admin))
    report = _import_as(users.unit_admin, data)
    assert report.ok, report.problems
    author = LedgerRecord.objects.get(title="管理员的记录").created_by
    assert author != users.admin and author.username.startswith("u_admin@")
    assert not author.is_active and not author.has_usable_password()
    assert "u_admin（u_admin@" in "、".join(report.placeholders)
    data.seek(0)  # a second import maps the same person to the same placeholder
    assert import_package(data, user=users.unit_admin).new.get("ledger.ledgerrecord", 0) == 0


def test_a_package_never_signs_a_list_of_a_local_unit(tree, users, tmp_path):
    """Attack: the package marks T1's duty list 已签署 by the leader; T1 is this
    deployment's own unit, so the list keeps its own state and nobody signed it."""
    package = foreign_package(tree, users, tmp_path, subtree=False)
    from luoshi.duty.models import DutyList

    def signed(rows, members):
        rows[0]["fields"].update(
            status="signed", signed_by=["u_leader"], signed_at="2026-01-05T09:00:00+08:00"
        )

    report = _import_as(users.unit_admin, rewrite(package, _change_rows("duty.dutylist", signed)))
    assert report.ok, report.problems
    duty_list = DutyList.objects.get(unit=tree.own, year=YEAR)
    assert (duty_list.status, duty_list.signed_by, duty_list.signed_at) == ("draft", None, None)


def test_a_signed_local_list_is_not_changed_by_a_package(tree, users, tmp_path):
    from luoshi.duty.models import DutyList

    package = foreign_package(tree, users, tmp_path, subtree=False)
    DutyList.objects.filter(unit=tree.own).update(status="signed", signed_by=users.leader)
    before = row_counts()

    def retitled(rows, members):
        rows[0]["fields"]["title"] = "被改过的清单"

    report = _import_as(users.unit_admin, rewrite(package, _change_rows("duty.dutylist", retitled)))
    assert [str(p) for p in report.problems] == [
        "records/duty.dutylist.json 第 1 条：本系统中的这条记录已办理，数据包不能修改它"
    ]
    assert row_counts() == before


def test_an_existing_row_outside_the_scope_is_not_matched(tree, users, tmp_path):
    """Attack: a row id forged to the package id an earlier import mapped to T2's record."""
    package = foreign_package(tree, users, tmp_path)
    theirs = LedgerRecord.objects.get(unit=tree.sibling)
    title = theirs.title
    before = row_counts()

    def forged(rows, members):
        ImportedObject.objects.create(
            source_key=rows[0]["id"],
            content_type=ContentType.objects.get_for_model(LedgerRecord),
            object_id=theirs.pk,
            package_sha="0" * 64,
        )
        rows[0]["fields"]["title"] = "改写兄弟单位的记录"

    data = rewrite(package, _change_rows("ledger.ledgerrecord", forged))
    before["exchange.importedobject"] += 1
    report = _import_as(users.unit_admin, data)
    assert [str(p) for p in report.problems] == [
        "records/ledger.ledgerrecord.json 第 1 条：本系统中对应的已有记录不在您的管理范围内"
    ]
    theirs.refresh_from_db()
    assert theirs.unit == tree.sibling and theirs.title == title
    assert row_counts() == before


# --------------------------------------------------------------------------- evidence integrity


def _genuine_pdf_name(sha):
    return f"{YEAR}/01/{sha[:2]}/{sha}.pdf"


def test_a_package_cannot_plant_bytes_under_another_files_name(client, tree, users, tmp_path):
    """Attack: an evidence row named after the SHA-256 of a genuine PDF, holding other bytes;
    the unit later uploads the genuine PDF and must download the genuine bytes."""
    from tests.factories import PDF_BYTES

    build_unit_year(tree, users)
    package = export_to(tmp_path / "t1.zip", "T1")
    shutil.rmtree(settings.EVIDENCE_ROOT, ignore_errors=True)
    as_foreign()
    genuine = hashlib.sha256(PDF_BYTES).hexdigest()
    planted = PDF_BYTES + b"\n% planted\n"
    planted_sha = hashlib.sha256(planted).hexdigest()

    def plant(rows, members):
        row = next(r for r in rows if r["fields"]["sha256"] == genuine)
        row["fields"].update(sha256=planted_sha, file=_genuine_pdf_name(genuine))
        del members[f"evidence/{genuine}"]
        members[f"evidence/{planted_sha}"] = planted

    report = import_package(rewrite(package, _change_rows("evidence.evidence", plant)))
    assert report.ok, report.problems
    imported = Evidence.objects.get(sha256=planted_sha)
    assert genuine not in imported.file.name and planted_sha in imported.file.name

    record = LedgerRecordFactory(unit=tree.own, created_by=users.clerk)
    evidence = attach_file(owner=record, uploaded=pdf_upload(), user=users.clerk)
    client.force_login(users.clerk)
    response = client.get(reverse("evidence:download", args=[evidence.pk]))
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_imported_files_pass_the_upload_checks(tree, users, tmp_path):
    package = foreign_package(tree, users, tmp_path)
    before = row_counts()
    html = b"<html><script>alert(1)</script></html>"
    html_sha = hashlib.sha256(html).hexdigest()

    def disguised(rows, members):
        row = next(r for r in rows if r["fields"]["kind"] == "file")
        row["fields"].update(sha256=html_sha, original_name="会议纪要.pdf", size=len(html))
        members[f"evidence/{html_sha}"] = html

    report = import_package(rewrite(package, _change_rows("evidence.evidence", disguised)))
    messages = [str(p) for p in report.problems]
    assert len(messages) == 1 and "字段“文件”" in messages[0]
    assert "内容与扩展名 .pdf 不符" in messages[0]
    assert row_counts() == before


# --------------------------------------------------------------------------- size and memory


def _manifest_for(members):
    manifest = {
        "format": "luoshi-package",
        "version": 1,
        "source": "elsewhere",
        "checksums": {n: hashlib.sha256(d).hexdigest() for n, d in members.items()},
    }
    return {"manifest.json": json.dumps(manifest).encode(), **members}


def test_a_member_over_its_limit_is_refused_before_it_is_read(db, settings):
    settings.EXCHANGE_MAX_JSON_BYTES = 1000
    name = "records/ledger.ledgerrecord.json"
    report = import_package(_zip(_manifest_for({name: b"[" + b" " * 2000 + b"]"})))
    assert [str(p) for p in report.problems] == [
        f"{name}：解压后 2002 字节，超过单个文件上限 1000 字节"
    ]


def test_evidence_members_are_streamed_not_read_whole(db):
    """A 24 MB evidence member is checked in chunks: reading the package holds a small
    fraction of it in memory (the attack: a 480 MB member pushed a worker to 940 MB)."""
    import os
    import tracemalloc

    from luoshi.exchange.importer import read_package

    data = os.urandom(24 * 1024 * 1024)
    members = _manifest_for({f"evidence/{hashlib.sha256(data).hexdigest()}": data})
    del data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    del members
    tracemalloc.start()
    try:
        read_package(out)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024


def test_the_upload_page_refuses_a_package_over_the_size_limit(
    client, tree, users, settings, tmp_path
):
    settings.EXCHANGE_MAX_UPLOAD_BYTES = 1000
    settings.EXCHANGE_UPLOAD_DIR = tmp_path
    client.force_login(users.unit_admin)
    upload = io.BytesIO(b"x" * 2000)
    upload.name = "big.zip"
    response = client.post(reverse("exchange:import"), {"package": upload, "parent": tree.own.pk})
    assert "数据包不能超过 1000" in response.content.decode()
    assert not list(tmp_path.iterdir())


def _checked_upload(client, tree, users, tmp_path):
    """Export T11, upload it as another deployment: the check passes; returns the token."""
    build_unit_year(tree, users)
    export_to(tmp_path / "t11.zip", "T11", subtree=False)
    as_foreign()
    Unit.objects.filter(code="T11").update(code="T11-old")
    client.force_login(users.unit_admin)
    response = upload_package(client, (tmp_path / "t11.zip").read_bytes(), tree.own)
    assert 'data-testid="cancel"' in response.content.decode()
    return response.context["result"]["token"]


def test_cancelling_a_checked_upload_deletes_it(client, tree, users, settings, tmp_path):
    settings.EXCHANGE_UPLOAD_DIR = tmp_path / "uploads"
    token = _checked_upload(client, tree, users, tmp_path)
    assert (tmp_path / "uploads" / f"{token}.zip").exists()
    response = client.post(reverse("exchange:import_cancel"), {"token": token}, follow=True)
    assert "已取消导入，上传的数据包已删除。" in response.content.decode()
    assert not list((tmp_path / "uploads").iterdir())
    assert client.post(reverse("exchange:import_confirm"), {"token": token}).status_code == 404


def test_unconfirmed_uploads_expire_after_a_day(client, tree, users, settings, tmp_path):
    import os
    import time

    settings.EXCHANGE_UPLOAD_DIR = tmp_path / "uploads"
    token = _checked_upload(client, tree, users, tmp_path)
    stale = tmp_path / "uploads" / f"{token}.zip"
    day_ago = time.time() - 25 * 3600
    os.utime(stale, (day_ago, day_ago))
    fresh = tmp_path / "uploads" / ("f" * 32 + ".zip")
    fresh.write_bytes(b"PK")
    out = io.StringIO()
    call_command("clear_exchange_uploads", stdout=out)
    assert out.getvalue().strip() == "已删除 1 个过期的待确认数据包"
    assert not stale.exists() and fresh.exists()


@pytest.mark.django_db(transaction=True)
def test_the_page_checks_and_imports_in_the_background_queue(
    client, tree, users, settings, tmp_path
):
    """Neither the check nor the import runs in the request: each is a django-tasks-db job
    that a ``db_worker`` runs; the page shows its progress, then the report."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EXCHANGE_UPLOAD_DIR = tmp_path / "uploads"

    def work():
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    build_unit_year(tree, users)
    data = export_to(tmp_path / "t11.zip", "T11", subtree=False).read_bytes()
    as_foreign()
    Unit.objects.filter(code="T11").update(code="T11-old")
    client.force_login(users.unit_admin)
    response = upload_package(client, data, tree.own)
    job_url = response.redirect_chain[-1][0]
    assert 'data-testid="job-progress"' in response.content.decode()
    work()
    response = client.get(job_url)
    assert "校验通过，确认后将导入：3 条新增" in response.content.decode()

    response = confirm(client, response.context["result"]["token"])
    assert 'data-testid="job-progress"' in response.content.decode()
    assert not Unit.objects.filter(code="T11").exists()
    work()
    page = client.get(response.redirect_chain[-1][0]).content.decode()
    assert "已导入：3 条新增" in page
    assert LedgerRecord.objects.filter(unit__code="T11").count() == 1
    assert not list((tmp_path / "uploads").iterdir())  # the imported upload is gone


def test_evidence_cannot_be_attached_to_a_row_of_another_model_or_unit(tree, users, tmp_path):
    """Attack: an evidence row whose ``content_type`` names another model, so that its
    owner id (a package row's) lands on a record of that model, possibly of another unit."""
    package = foreign_package(tree, users, tmp_path)
    before = row_counts()

    def retyped(rows, members):
        rows[0]["fields"]["content_type"] = ["tasks", "task"]

    report = _import_as(
        users.unit_admin, rewrite(package, _change_rows("evidence.evidence", retyped))
    )
    assert [str(p) for p in report.problems] == [
        "records/evidence.evidence.json 第 1 条：类型或单位与其所属记录不一致"
    ]
    assert row_counts() == before


# --------------------------------------------------------------------------- final records


def _channel_package(tree, users, tmp_path):
    """T1's 阵地 with a check and a link to it, as another deployment's package; returns
    (the package, a change leaving out the check and the link)."""
    channel = make_channel(
        tree.own,
        users.clerk,
        name="宣传部公众号",
        account="xcb",
        opened_on=datetime.date(YEAR - 2, 1, 1),
    )
    record_check(
        channel=channel, user=users.clerk, checked_on=datetime.date(YEAR, 3, 1),
        checker=users.clerk, result="ok", findings="运行正常",
    )  # fmt: skip
    attach_link(owner=channel, url="https://example.org/xcb", title="阵地地址", user=users.clerk)
    package = export_to(tmp_path / "t1.zip", "T1", subtree=False)
    as_foreign()

    def channel_only(members):
        _put(members, "luoshi_channels.channelcheck", [])
        _put(members, "evidence.evidence", [])

    return package, channel_only


def _close_imported(users):
    """Close (关闭阵地) the 阵地 an import created here; returns it."""
    copy = Channel.objects.get(
        pk=ImportedObject.objects.get(source_key__contains="channel:").object_id
    )
    close_channel(
        channel=copy, user=users.unit_admin, reason="停止运营", closed_on=datetime.date(YEAR, 6, 1)
    )
    copy.refresh_from_db()
    return copy


def _as_held_here(channel, *more):
    """A change making the package's 阵地 row the closed one as this deployment holds it (a
    package repeating it unchanged), then ``more`` changes."""
    local = serialize(channel, Collector(source=""))["fields"]
    plain = {f.name: local[f.name] for f in exported_fields(Channel) if not f.is_relation}
    plain = json.loads(json.dumps(plain, default=lambda value: value.isoformat()))

    def apply(members):
        _change_rows("luoshi_channels.channel", lambda rows, _: rows[0]["fields"].update(plain))(
            members
        )
        for change in more:
            change(members)

    return apply


def _evidence_of(obj):
    return Evidence.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    )


def test_a_package_adds_nothing_to_a_closed_record(tree, users, tmp_path):
    """The audit: package 1 brings T1's 阵地, which is then closed here; package 2 repeats
    the 阵地 unchanged and adds a check of it and a link to it. Nothing changes after a
    record is final: refused, nothing written. The 阵地 sent again unchanged still passes."""
    package, channel_only = _channel_package(tree, users, tmp_path)
    first = _import_as(users.unit_admin, rewrite(package, channel_only))
    assert first.ok and first.new == {"luoshi_channels.channel": 1}, first.problems
    closed = _close_imported(users)
    before = row_counts()

    second = _import_as(users.unit_admin, rewrite(package, _as_held_here(closed)))
    assert [str(p) for p in second.problems] == [
        "records/luoshi_channels.channelcheck.json 第 1 条："
        "该记录所属的阵地已处于「已关闭」状态，不能再导入",
        "records/evidence.evidence.json 第 1 条：该记录所属的阵地已处于「已关闭」状态，不能再导入",
    ]
    assert row_counts() == before
    assert not closed.checks.exists() and not _evidence_of(closed).exists()

    again = _import_as(users.unit_admin, rewrite(package, _as_held_here(closed, channel_only)))
    assert again.ok, again.problems
    assert again.totals() == (0, 0, 1)
    assert row_counts() == before


def test_a_package_changes_nothing_of_a_closed_record(tree, users, tmp_path):
    """A check of a 阵地 closed here is final with it: a package changing it is refused; the
    same package sent again unchanged still passes."""
    package, _channel_only = _channel_package(tree, users, tmp_path)
    first = _import_as(users.unit_admin, io.BytesIO(package.read_bytes()))
    assert first.ok and sum(first.new.values()) == 3, first.problems
    closed = _close_imported(users)
    before = row_counts()

    def refound(rows, members):
        rows[0]["fields"]["findings"] = "关闭后改写的检查情况"

    changed = _as_held_here(closed, _change_rows("luoshi_channels.channelcheck", refound))
    report = _import_as(users.unit_admin, rewrite(package, changed))
    assert [str(p) for p in report.problems] == [
        "records/luoshi_channels.channelcheck.json 第 1 条："
        "本系统中的这条记录已处于「已关闭」状态，数据包不能修改它"
    ]
    assert closed.checks.get().findings == "运行正常"
    assert row_counts() == before

    again = _import_as(users.unit_admin, rewrite(package, _as_held_here(closed)))
    assert again.ok, again.problems
    assert again.totals() == (0, 0, 3)
    assert row_counts() == before

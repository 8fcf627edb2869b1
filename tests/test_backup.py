"""Backup → restore into a fresh database and fresh folders: every table and file equal."""

import filecmp
import json

import pytest
from django.core.management import CommandError, call_command

from luoshi.core import backup as ops
from luoshi.evidence import services as evidence_services
from luoshi.evidence.models import Evidence
from tests.factories import LedgerRecordFactory, pdf_upload, png_upload
from tests.storage_support import disk_storage_config, evidence_storages


@pytest.fixture
def data(transactional_db, tree, users, settings, tmp_path, _private_evidence_root):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "logo").mkdir(parents=True)
    (settings.MEDIA_ROOT / "logo" / "徽标.txt").write_text("媒体文件")
    for index in range(5):
        record = LedgerRecordFactory(unit=tree.own, created_by=users.clerk, title=f"记录{index}")
        evidence_services.attach_file(
            owner=record, uploaded=png_upload(f"照片{index}.png"), user=users.clerk
        )
    evidence_services.attach_file(owner=record, uploaded=pdf_upload(), user=users.clerk)
    return settings


def test_backup_then_restore_into_a_fresh_database(data, fresh_database, tmp_path):
    folder = tmp_path / "backup"
    call_command("backup", str(folder))
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["tables"]["ledger_ledgerrecord"]["rows"] == 5
    assert manifest["tables"]["evidence_evidence"]["rows"] == 6
    stored = {e.file.name for e in Evidence.objects.all()}  # identical files are stored once
    assert {
        n.removeprefix("evidence/") for n in manifest["files"] if n.startswith("evidence/")
    } == stored

    restored = tmp_path / "restored"
    with evidence_storages(disk_storage_config(restored / "evidence")):
        result = ops.restore(folder, using=fresh_database, media_root=restored / "media")
    assert result["files"] == len(stored) + 1

    # every table: same rows (count + checksum of the sorted rows) in both databases
    source = ops.current_checksums()
    target_conn = fresh_database
    with target_conn.cursor() as cursor:
        target = ops.table_checksums(
            cursor, target_conn.introspection.table_names(cursor), target_conn.ops.quote_name
        )
    assert target == source
    assert source["ledger_ledgerrecord"]["rows"] == 5
    # every file: byte for byte
    for evidence in Evidence.objects.all():
        original = data.EVIDENCE_ROOT / evidence.file.name
        assert filecmp.cmp(original, restored / "evidence" / evidence.file.name, shallow=False)
    assert (restored / "media" / "logo" / "徽标.txt").read_text() == "媒体文件"


def test_restore_refuses_a_tampered_backup(data, fresh_database, tmp_path):
    folder = tmp_path / "backup"
    ops.backup(folder)
    victim = next(p for p in (folder / "evidence").rglob("*") if p.is_file())
    victim.write_bytes(b"tampered")
    with pytest.raises(CommandError, match="备份校验失败，已拒绝恢复"):
        call_command("restore", str(folder), "--verify-only")
    with (
        evidence_storages(disk_storage_config(tmp_path / "x" / "evidence")),
        pytest.raises(ops.BackupError, match="校验和不符"),
    ):
        ops.restore(folder, using=fresh_database, media_root=tmp_path / "x" / "media")
    assert not (tmp_path / "x").exists()  # nothing restored


def test_backup_refuses_a_non_empty_folder(data, tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "file").write_text("x")
    with pytest.raises(CommandError, match="不是空目录"):
        call_command("backup", str(tmp_path / "old"))

"""Evidence in S3-compatible object storage, against a real S3 server on loopback (moto's
server mode, started here): uploads and downloads through the pages, scope, /healthz,
``move_evidence`` between disk and S3 (verified, resumable, corruption refused), and backup
and restore of evidence that lives in a bucket."""

import hashlib
import json
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from luoshi.core import backup as ops
from luoshi.evidence import services
from luoshi.evidence.models import Evidence
from luoshi.evidence.storage import EvidenceStore
from luoshi.ledger.models import LedgerRecord
from tests.factories import PDF_BYTES, LedgerRecordFactory
from tests.storage_support import (
    disk_storage_config,
    evidence_storages,
    loopback_s3_server,
    new_bucket,
    object_keys,
    put_object,
    s3_client,
    s3_storage_config,
)

PREFIX = "evidence/"  # S3_PREFIX's default


@pytest.fixture(scope="module")
def s3_endpoint():
    yield from loopback_s3_server()


@pytest.fixture
def bucket(s3_endpoint):
    return new_bucket(s3_endpoint)


@pytest.fixture
def s3_mode(s3_endpoint, bucket, _private_evidence_root):
    """Evidence in the bucket (EVIDENCE_STORAGE=s3), the disk folder beside it."""
    s3 = s3_storage_config(s3_endpoint, bucket)
    disk = disk_storage_config(_private_evidence_root)
    with evidence_storages(s3, evidence_disk=disk, evidence_s3=s3):
        yield bucket


@pytest.fixture
def disk_mode(s3_endpoint, bucket, _private_evidence_root):
    """Evidence on disk, with a bucket configured to move it to."""
    s3 = s3_storage_config(s3_endpoint, bucket)
    disk = disk_storage_config(_private_evidence_root)
    with evidence_storages(disk, evidence_disk=disk, evidence_s3=s3):
        yield bucket


@pytest.fixture
def switch_to_s3(s3_endpoint, bucket, _private_evidence_root):
    """The same two storages with EVIDENCE_STORAGE=s3 (the operator switched)."""
    s3 = s3_storage_config(s3_endpoint, bucket)
    disk = disk_storage_config(_private_evidence_root)
    return lambda: evidence_storages(s3, evidence_disk=disk, evidence_s3=s3)


def pdf(index: int) -> bytes:
    return PDF_BYTES + f"%{index}\n".encode()  # distinct bytes, still a PDF


def upload_pdf(client, record, index: int):
    content_type = ContentType.objects.get_for_model(LedgerRecord)
    url = reverse("evidence:upload", args=[content_type.pk, record.pk])
    upload = SimpleUploadedFile(f"纪要{index}.pdf", pdf(index), content_type="application/pdf")
    return client.post(url, {"files": [upload]}, follow=True)


def attach(record, user, count: int) -> list[Evidence]:
    return [
        services.attach_file(
            owner=record,
            uploaded=SimpleUploadedFile(f"纪要{i}.pdf", pdf(i), content_type="application/pdf"),
            user=user,
        )
        for i in range(count)
    ]


def download(client, evidence: Evidence):
    return client.get(reverse("evidence:download", args=[evidence.pk]))


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def move(*args: str) -> str:
    out = StringIO()
    call_command("move_evidence", *args, stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture
def record(tree, users):
    return LedgerRecordFactory(unit=tree.own, created_by=users.clerk)


# --- S3 mode: pages, scope, health ------------------------------------------------------------


def test_upload_in_s3_mode_is_stored_in_the_bucket_and_read_back_through_the_page(
    client, users, record, s3_mode, s3_endpoint, _private_evidence_root
):
    client.force_login(users.clerk)
    response = upload_pdf(client, record, 1)
    assert "已上传 1 个佐证文件" in response.content.decode()
    evidence = Evidence.objects.get(object_id=record.pk)
    assert evidence.sha256 == hashlib.sha256(pdf(1)).hexdigest()
    assert object_keys(s3_endpoint, s3_mode) == {PREFIX + evidence.file.name: pdf(1)}
    assert not _private_evidence_root.exists()  # nothing went to the disk folder

    response = download(client, evidence)
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(pdf(1)))
    assert body(response) == pdf(1)


def test_in_s3_mode_evidence_outside_the_scope_is_still_404(client, users, record, s3_mode, tree):
    evidence = attach(record, users.clerk, 1)[0]
    client.force_login(users.sibling_clerk)
    assert download(client, evidence).status_code == 404
    client.force_login(users.clerk)
    assert download(client, evidence).status_code == 200


def test_a_missing_object_is_404_not_a_server_error(client, users, record, s3_mode, s3_endpoint):
    evidence = attach(record, users.clerk, 1)[0]
    s3_client(s3_endpoint).delete_object(Bucket=s3_mode, Key=PREFIX + evidence.file.name)
    client.force_login(users.clerk)
    assert download(client, evidence).status_code == 404


def test_healthz_checks_the_bucket(client, s3_endpoint, _private_evidence_root, db):
    with evidence_storages(s3_storage_config(s3_endpoint, new_bucket(s3_endpoint))):
        assert client.get("/healthz").json()["checks"]["storage"] == "ok"
    with evidence_storages(s3_storage_config(s3_endpoint, "luoshi-no-such-bucket")):
        response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["checks"]["storage"] == "error"


# --- move_evidence -----------------------------------------------------------------------------


def test_after_moving_disk_to_s3_earlier_evidence_opens_again(
    client, users, record, disk_mode, s3_endpoint, switch_to_s3, _private_evidence_root
):
    items = attach(record, users.clerk, 3)
    client.force_login(users.clerk)
    with switch_to_s3():  # switched before moving: earlier evidence is not there
        assert download(client, items[0]).status_code == 404

    output = move("--to", "s3")
    assert "从本地磁盘复制佐证文件到S3 对象存储：共 3 个" in output
    assert "新复制 3 个" in output and "跳过 0 个" in output
    assert "设置 EVIDENCE_STORAGE=s3" in output  # the platform still reads the disk
    keys = object_keys(s3_endpoint, disk_mode)
    assert {k.removeprefix(PREFIX) for k in keys} == {e.file.name for e in items}
    assert all((_private_evidence_root / e.file.name).exists() for e in items)  # source kept

    with switch_to_s3():
        for index, evidence in enumerate(items):
            assert body(download(client, evidence)) == pdf(index)
        assert "新复制 0 个，目标中已有且校验一致跳过 3 个" in move("--to", "s3")


def test_an_interrupted_move_is_finished_by_running_it_again(
    users, record, disk_mode, s3_endpoint, monkeypatch
):
    items = attach(record, users.clerk, 4)
    real_put, calls = EvidenceStore.put, []

    def put_then_fail(self, name, stream):
        calls.append(name)
        if len(calls) == 3:  # the connection drops in the middle of the third file
            stream.read(10)
            put_object(s3_endpoint, disk_mode, PREFIX + name, b"%PDF-1.4\n")
            raise ConnectionError("网络中断")
        return real_put(self, name, stream)

    monkeypatch.setattr(EvidenceStore, "put", put_then_fail)
    with pytest.raises(ConnectionError):
        move("--to", "s3")
    assert len(object_keys(s3_endpoint, disk_mode)) == 3  # two copies and a partial one
    monkeypatch.setattr(EvidenceStore, "put", real_put)

    output = move("--to", "s3")
    assert "新复制 2 个，目标中已有且校验一致跳过 2 个" in output
    keys = object_keys(s3_endpoint, disk_mode)
    assert {keys[PREFIX + e.file.name] for e in items} == {pdf(i) for i in range(4)}


def test_a_damaged_source_file_is_reported_and_not_copied(
    users, record, disk_mode, s3_endpoint, switch_to_s3, _private_evidence_root
):
    good, damaged = attach(record, users.clerk, 2)
    (_private_evidence_root / damaged.file.name).write_bytes(b"%PDF-1.4\n%forged\n")
    out = StringIO()
    with switch_to_s3(), pytest.raises(CommandError, match="1 个文件未能复制"):
        call_command("move_evidence", "--to", "s3", "--delete-source", stdout=out, stderr=out)
    output = out.getvalue()
    assert "新复制 1 个" in output and "源文件校验不符 1 个" in output
    assert f"佐证文件 {damaged.file.name} 在本地磁盘中的内容与数据库记录的 SHA-256 不符" in output
    assert set(object_keys(s3_endpoint, disk_mode)) == {PREFIX + good.file.name}
    # --delete-source removed only the verified copy's source
    assert not (_private_evidence_root / good.file.name).exists()
    assert (_private_evidence_root / damaged.file.name).exists()


def test_a_wrong_object_in_the_target_is_replaced_not_accepted(
    users, record, disk_mode, s3_endpoint
):
    items = attach(record, users.clerk, 2)
    move("--to", "s3")
    put_object(s3_endpoint, disk_mode, PREFIX + items[1].file.name, pdf(99))  # wrong bytes
    output = move("--to", "s3")
    assert "新复制 1 个，目标中已有且校验一致跳过 1 个" in output
    assert object_keys(s3_endpoint, disk_mode)[PREFIX + items[1].file.name] == pdf(1)


def test_the_source_in_use_is_never_deleted(users, record, disk_mode, _private_evidence_root):
    items = attach(record, users.clerk, 1)
    with pytest.raises(CommandError, match="平台当前仍在使用本地磁盘，不能删除其中的文件"):
        move("--to", "s3", "--delete-source")
    assert (_private_evidence_root / items[0].file.name).exists()


def test_moving_back_to_disk_and_deleting_the_source(
    users, record, s3_mode, s3_endpoint, _private_evidence_root
):
    items = attach(record, users.clerk, 2)
    disk = disk_storage_config(_private_evidence_root)
    with evidence_storages(
        disk, evidence_disk=disk, evidence_s3=s3_storage_config(s3_endpoint, s3_mode)
    ):
        output = move("--to", "disk", "--delete-source")
    assert "新复制 2 个" in output and "已从S3 对象存储删除 2 个已校验的源文件" in output
    assert object_keys(s3_endpoint, s3_mode) == {}
    for index, evidence in enumerate(items):
        assert (_private_evidence_root / evidence.file.name).read_bytes() == pdf(index)


def test_moving_to_s3_without_a_bucket_is_refused_in_chinese(db, _private_evidence_root):
    with pytest.raises(CommandError, match="未配置 S3 对象存储"):
        move("--to", "s3")


# --- backup and restore ------------------------------------------------------------------------


@pytest.fixture
def s3_data(transactional_db, tree, users, s3_mode, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    record = LedgerRecordFactory(unit=tree.own, created_by=users.clerk)
    return attach(record, users.clerk, 3)


def test_backup_takes_the_evidence_from_s3_and_restore_fills_an_empty_bucket(
    s3_data, s3_endpoint, fresh_database, tmp_path
):
    folder = tmp_path / "backup"
    out = StringIO()
    call_command("backup", str(folder), stdout=out)
    assert "佐证材料 3 个（来自S3 对象存储）" in out.getvalue()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert {k: v for k, v in manifest["files"].items() if k.startswith("evidence/")} == {
        f"evidence/{e.file.name}": e.sha256 for e in s3_data
    }
    assert manifest["problems"] == []

    empty = new_bucket(s3_endpoint)
    with evidence_storages(s3_storage_config(s3_endpoint, empty)):
        result = ops.restore(folder, using=fresh_database, media_root=tmp_path / "media2")
    assert result["files"] == 3
    assert object_keys(s3_endpoint, empty) == {
        PREFIX + e.file.name: pdf(i) for i, e in enumerate(s3_data)
    }


def test_backup_never_counts_a_damaged_object(s3_data, s3_mode, s3_endpoint, tmp_path):
    damaged = s3_data[0]
    put_object(s3_endpoint, s3_mode, PREFIX + damaged.file.name, b"%PDF-1.4\n%tampered\n")
    folder = tmp_path / "backup"
    out = StringIO()
    with pytest.raises(CommandError, match="有 1 个文件未能备份"):
        call_command("backup", str(folder), stdout=out, stderr=out)
    assert "佐证材料 2 个（来自S3 对象存储）" in out.getvalue()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert f"evidence/{damaged.file.name}" not in manifest["files"]
    assert not (folder / "evidence" / damaged.file.name).exists()
    assert len(manifest["problems"]) == 1 and damaged.file.name in manifest["problems"][0]

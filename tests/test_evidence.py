"""Evidence: private storage, content checks, safe names, scoped downloads, versions."""

import hashlib
import io
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from luoshi.evidence import services
from luoshi.evidence.models import Evidence
from luoshi.evidence.validation import clean_filename
from luoshi.ledger.models import LedgerRecord
from luoshi.ledger.selectors import refresh_has_evidence
from tests.factories import PDF_BYTES, PNG_BYTES, LedgerRecordFactory, pdf_upload, png_upload

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def record(tree, users):
    return LedgerRecordFactory(unit=tree.own, created_by=users.clerk)


def upload_url(record):
    content_type = ContentType.objects.get_for_model(LedgerRecord)
    return reverse("evidence:upload", args=[content_type.pk, record.pk])


def upload(client, record, *files):
    return client.post(upload_url(record), {"files": list(files)}, follow=True)


def page_text(response):
    return response.content.decode()


def stored_files(root: Path):
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="'
            'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def xlsx_bytes():
    workbook = Workbook()
    workbook.active.append(["单位", "人数"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- upload ----------------------------------------------------------------------


def test_upload_is_stored_privately_with_its_hash(client, users, record, _private_evidence_root):
    client.force_login(users.clerk)
    response = upload(client, record, pdf_upload("会议纪要.pdf"), png_upload("现场照片.png"))

    assert response.status_code == 200
    assert "已上传 2 个佐证文件" in page_text(response)
    items = {e.original_name: e for e in Evidence.objects.filter(object_id=record.pk)}
    assert set(items) == {"会议纪要.pdf", "现场照片.png"}
    for evidence, data in ((items["会议纪要.pdf"], PDF_BYTES), (items["现场照片.png"], PNG_BYTES)):
        path = Path(evidence.file.path).resolve()
        assert path.is_relative_to(_private_evidence_root.resolve())
        assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
        assert not path.is_relative_to(Path(settings.STATIC_ROOT).resolve())
        assert path.read_bytes() == data
        assert evidence.sha256 == hashlib.sha256(data).hexdigest()
        assert evidence.size == len(data)
        assert evidence.unit == record.unit
        assert evidence.created_by == users.clerk
    assert items["会议纪要.pdf"].content_type_detected == "application/pdf"
    # the record's page names the kinds in words, not MIME types or checksums
    panel = page_text(client.get(record.get_absolute_url()))
    assert "PDF 文档" in panel and "图片" in panel
    assert "application/pdf" not in panel and items["现场照片.png"].sha256[:12] not in panel


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("会议<纪要>.pdf", "会议纪要.pdf"),
        ("..\\..\\windows\\纪要.PDF", "纪要.pdf"),
    ],
)
def test_upload_keeps_a_safe_chinese_name(client, users, record, sent, kept):
    client.force_login(users.clerk)
    upload(client, record, pdf_upload(sent))
    evidence = Evidence.objects.get(object_id=record.pk)
    assert evidence.original_name == kept
    assert "/" not in evidence.file.name.rpartition("/")[2]


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("会议<纪要>.pdf", "会议纪要.pdf"),
        ("C:\\Users\\张三\\总结.docx", "总结.docx"),
        ("a\x00b\u202e.pdf", "ab.pdf"),
        ("<>.pdf", "file.pdf"),
        ("...pdf", "file.pdf"),
        ("报告.<>", "报告"),
    ],
)
def test_clean_filename(sent, kept):
    assert clean_filename(sent) == kept


def test_oversized_file_is_refused_and_nothing_written(
    client, users, record, settings, _private_evidence_root
):
    settings.EVIDENCE_MAX_BYTES = 32
    client.force_login(users.clerk)
    response = upload(client, record, pdf_upload("大文件.pdf"))

    text = page_text(response)
    assert "文件「大文件.pdf」大小为" in text
    assert "超过上限" in text
    assert Evidence.objects.count() == 0
    assert stored_files(_private_evidence_root) == []


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("照片.pdf", PNG_BYTES, "内容与扩展名 .pdf 不符"),
        ("方案.docx", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "内容与扩展名 .docx 不符"),
        ("压缩包.docx", None, "内容与扩展名 .docx 不符"),  # a zip that is no Word file
        ("程序.exe", b"MZ\x90\x00" + b"\x00" * 200, "不支持的文件类型「.exe」"),
        ("页面.html", b"<html><script>alert(1)</script></html>", "不支持的文件类型「.html」"),
        ("无扩展名", PDF_BYTES, "不支持的文件类型「.?」"),
        ("空文件.pdf", b"", "空文件"),
    ],
)
def test_rejected_uploads(client, users, record, _private_evidence_root, name, data, message):
    if data is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("readme.txt", "not a document")
        data = buffer.getvalue()
    client.force_login(users.clerk)
    response = upload(client, record, SimpleUploadedFile(name, data))

    assert message in page_text(response)
    assert Evidence.objects.count() == 0
    assert stored_files(_private_evidence_root) == []


def test_one_bad_file_rejects_the_whole_upload(client, users, record):
    client.force_login(users.clerk)
    response = upload(client, record, pdf_upload("好的.pdf"), SimpleUploadedFile("坏的.exe", b"MZ"))
    assert "不支持的文件类型" in page_text(response)
    assert Evidence.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "data", "mime"),
    [
        ("学习记录.docx", docx_bytes(), DOCX_MIME),
        ("统计表.xlsx", xlsx_bytes(), None),
    ],
)
def test_genuine_office_files_are_accepted(client, users, record, name, data, mime):
    client.force_login(users.clerk)
    response = upload(client, record, SimpleUploadedFile(name, data))
    assert "已上传 1 个佐证文件" in page_text(response)
    evidence = Evidence.objects.get(object_id=record.pk)
    assert evidence.original_name == name
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    if mime:
        assert evidence.content_type_detected == mime


def test_upload_needs_change_permission_and_scope(client, users, record):
    client.force_login(users.leader)  # sees the record, may not change it
    assert client.post(upload_url(record), {"files": [pdf_upload()]}).status_code == 403
    client.force_login(users.sibling_clerk)  # may change records, not this one
    assert client.post(upload_url(record), {"files": [pdf_upload()]}).status_code == 404
    assert client.get(upload_url(record)).status_code == 405
    assert Evidence.objects.count() == 0


# --- download, versions, deletion ---------------------------------------------------


@pytest.fixture
def evidence(record, users):
    return services.attach_file(owner=record, uploaded=pdf_upload("会议纪要.pdf"), user=users.clerk)


def download(client, evidence):
    return client.get(reverse("evidence:download", args=[evidence.pk]))


def test_download_in_scope_returns_the_bytes_as_attachment(client, users, evidence):
    for user in (users.clerk, users.leader, users.admin):
        client.force_login(user)
        response = download(client, evidence)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF_BYTES
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment")
        assert quote("会议纪要.pdf") in disposition
        assert response["Content-Type"] == "application/pdf"


def test_download_out_of_scope_is_404(client, users, evidence):
    client.force_login(users.sibling_clerk)
    assert download(client, evidence).status_code == 404


def test_replacing_a_file_adds_version_2_and_keeps_version_1(client, users, evidence):
    client.force_login(users.clerk)
    new_bytes = PDF_BYTES + b"% revised\n"
    response = client.post(
        reverse("evidence:replace", args=[evidence.pk]),
        {"file": SimpleUploadedFile("会议纪要（修订）.pdf", new_bytes)},
    )
    assert response.status_code == 302

    new = Evidence.objects.get(previous=evidence)
    evidence.refresh_from_db()
    assert (new.version, new.is_current) == (2, True)
    assert (evidence.version, evidence.is_current) == (1, False)
    assert new.sha256 == hashlib.sha256(new_bytes).hexdigest()
    assert b"".join(download(client, new).streaming_content) == new_bytes
    old = download(client, evidence)
    assert old.status_code == 200
    assert b"".join(old.streaming_content) == PDF_BYTES
    # the old version can no longer be replaced itself
    assert client.get(reverse("evidence:replace", args=[evidence.pk])).status_code == 404


def test_replacing_with_a_disguised_file_is_refused(client, users, evidence):
    client.force_login(users.clerk)
    response = client.post(
        reverse("evidence:replace", args=[evidence.pk]),
        {"file": SimpleUploadedFile("新版.pdf", PNG_BYTES)},
    )
    assert response.status_code == 200
    assert "内容与扩展名 .pdf 不符" in page_text(response)
    assert Evidence.objects.count() == 1


def test_deleting_a_record_removes_its_evidence(
    client, users, record, evidence, _private_evidence_root, django_capture_on_commit_callbacks
):
    services.replace_file(
        evidence=evidence, uploaded=png_upload("照片.png"), user=users.clerk
    )  # two versions
    services.attach_link(owner=record, url="https://example.com/a", title="报道", user=users.clerk)
    other = LedgerRecordFactory(unit=record.unit, created_by=users.clerk)
    kept = services.attach_file(owner=other, uploaded=pdf_upload("同一文件.pdf"), user=users.clerk)
    assert Evidence.objects.filter(object_id=record.pk).count() == 3

    client.force_login(users.clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ledger:delete", args=[record.pk]))
    assert response.status_code == 302
    assert not LedgerRecord.objects.filter(pk=record.pk).exists()
    assert not Evidence.objects.filter(object_id=record.pk, content_type=kept.content_type).exists()
    # the PNG blob is gone; the PDF blob is still used by the other record
    assert [p.name for p in stored_files(_private_evidence_root)] == [Path(kept.file.name).name]


def test_deleting_one_evidence_item(client, users, record, evidence):
    client.force_login(users.clerk)
    response = client.post(reverse("evidence:delete", args=[evidence.pk]))
    assert response.status_code == 302
    assert not Evidence.objects.exists()
    client.force_login(users.leader)  # read-only role
    other = services.attach_file(owner=record, uploaded=png_upload(), user=users.clerk)
    assert client.post(reverse("evidence:delete", args=[other.pk])).status_code == 403


# --- 「无佐证」 in lists -------------------------------------------------------------


def test_records_without_evidence_are_flagged_and_filterable(client, users, tree):
    with_file = LedgerRecordFactory(unit=tree.own, created_by=users.clerk, title="有佐证的学习")
    services.attach_file(owner=with_file, uploaded=pdf_upload(), user=users.clerk)
    with_link = LedgerRecordFactory(unit=tree.own, created_by=users.clerk, title="有链接的宣讲")
    services.attach_link(
        owner=with_link, url="https://example.com/x", title="报道", user=users.clerk
    )
    bare = LedgerRecordFactory(unit=tree.own, created_by=users.clerk, title="没有佐证的会议")
    client.force_login(users.clerk)

    listing = client.get(reverse("ledger:list"))
    assert page_text(listing).count('class="badge badge-no-evidence"') == 1
    flags = {r.title: r.has_evidence for r in listing.context["object_list"]}
    assert flags == {with_file.title: True, with_link.title: True, bare.title: False}

    missing = client.get(reverse("ledger:list"), {"evidence": "missing"})
    assert list(missing.context["object_list"]) == [bare]
    present = client.get(reverse("ledger:list"), {"evidence": "present"})
    assert set(present.context["object_list"]) == {with_file, with_link}


def test_superseded_versions_alone_do_not_count_as_evidence(users, record, evidence):
    from luoshi.ledger.selectors import records_for

    assert records_for(users.clerk).get(pk=record.pk).has_evidence
    Evidence.objects.filter(pk=evidence.pk).update(is_current=False)
    refresh_has_evidence([record.pk])  # an UPDATE sends no signal: what replace_file does
    assert not records_for(users.clerk).get(pk=record.pk).has_evidence


def test_a_name_of_only_unsafe_characters_is_still_accepted(client, users, record):
    client.force_login(users.clerk)
    response = upload(client, record, pdf_upload("<>.pdf"))
    assert response.status_code == 200
    assert Evidence.objects.get(object_id=record.pk).original_name == "file.pdf"


def test_home_summary_counts_records_without_evidence_per_type(client, users, tree, evidence):
    """The home page's 无佐证 figures (a link counts, a superseded file does not) equal the
    「无佐证」 list each links to."""
    import datetime

    from luoshi.ledger.models import ActivityType
    from luoshi.ledger.selectors import ledger_summary

    other_type = ActivityType.objects.exclude(code="study_group").order_by("order").first()
    day = datetime.date(2026, 3, 1)
    LedgerRecord.objects.update(date=day)  # the ``record`` fixture: has current evidence
    with_link = LedgerRecordFactory(unit=tree.own, date=day, audience_count=40)
    services.attach_link(
        owner=with_link, url="https://example.com/x", title="报道", user=users.clerk
    )
    superseded = LedgerRecordFactory(unit=tree.child, date=day, activity_type=other_type)
    old = services.attach_file(owner=superseded, uploaded=pdf_upload(), user=users.unit_admin)
    Evidence.objects.filter(pk=old.pk).update(is_current=False)
    refresh_has_evidence([superseded.pk])  # an UPDATE sends no signal
    LedgerRecordFactory(unit=tree.own, date=day, activity_type=other_type, audience_count=2)
    LedgerRecordFactory(unit=tree.own, date=day)  # study_group, bare
    LedgerRecordFactory(unit=tree.own, date=datetime.date(2025, 3, 1))  # another year
    LedgerRecordFactory(unit=tree.sibling, date=day)  # out of the clerk's scope

    summary = ledger_summary(users.leader, 2026)
    assert summary["records"].count == 5
    assert summary["without_evidence"].count == 3
    assert summary["audience"].count == 42
    rows = {
        row["activity_type"].pk: (row["records"].count, row["without_evidence"].count)
        for row in summary["by_type"]
    }
    study = ActivityType.objects.get(code="study_group").pk
    assert rows == {study: (3, 1), other_type.pk: (2, 2)}

    client.force_login(users.leader)
    missing = client.get(summary["without_evidence"].url)
    assert missing.context["paginator"].count == 3
    assert {r.pk for r in missing.context["object_list"]} == {
        superseded.pk,
        *LedgerRecord.objects.filter(unit=tree.own, date=day, has_evidence=False).values_list(
            "pk", flat=True
        ),
    }


def test_a_planted_blob_under_a_files_name_is_not_reused(client, users, record):
    """A blob stored under the content-addressed name of a genuine PDF but holding other
    bytes (planted, or damaged) is never taken for it: the upload stores the genuine bytes
    and downloads serve them."""
    sha = hashlib.sha256(PDF_BYTES).hexdigest()
    planted_name = services.storage_name(sha, "pdf")
    storage = Evidence._meta.get_field("file").storage
    storage.save(planted_name, io.BytesIO(b"%PDF-1.4 planted bytes"))

    client.force_login(users.clerk)
    upload(client, record, pdf_upload())
    evidence = Evidence.objects.get(object_id=record.pk)
    assert evidence.file.name != planted_name and sha in evidence.file.name
    response = client.get(reverse("evidence:download", args=[evidence.pk]))
    assert b"".join(response.streaming_content) == PDF_BYTES

    again = services.attach_file(owner=record, uploaded=pdf_upload(), user=users.clerk)
    assert again.file.name == evidence.file.name  # a verified blob is shared

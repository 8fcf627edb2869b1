"""Printable documents (责任书, 三审审签单, 一会一报备案表, 整改通知书): generated through the
reports' document mechanism from the records, opened and read back; outside scope is a 404."""

import io

import docx
import pytest
from django.urls import reverse

from luoshi.accounts.models import User
from luoshi.duty.models import DutyList
from luoshi.events.models import EventFiling, EventStatus
from luoshi.inspections.models import InspectionResult, ResultStatus
from luoshi.publications.models import Publication, PublicationStatus
from tests.report_checks import docx_text, pdf_text

pytestmark = pytest.mark.django_db


def _download(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    return response


def _signed_in(client, username="admin"):
    client.force_login(User.objects.get(username=username))
    return client


def _outsider(obj):
    """An active user who may view such records, of a unit that neither holds nor is above
    ``obj``'s unit."""
    permission = f"{obj._meta.app_label}.view_{obj._meta.model_name}"
    candidates = (
        User.objects.filter(is_active=True, unit__isnull=False, is_superuser=False)
        .exclude(unit__path__in=obj.unit.lineage_paths)
        .exclude(unit__path__startswith=obj.unit.path)
        .order_by("pk")
    )
    return next(
        u for u in candidates if u.has_perm(permission) and not u.groups.filter(name="系统管理员")
    )


def test_duty_letter_lists_the_active_items_and_signature_lines(client, demo_district):
    duty_list = DutyList.objects.select_related("unit").order_by("pk").first()
    dropped = duty_list.items.filter(is_dropped=True).first()
    response = _download(_signed_in(client), reverse("printing:duty_letter", args=[duty_list.pk]))
    assert response["Content-Type"].endswith("wordprocessingml.document")
    document = docx.Document(io.BytesIO(response.content))
    text = docx_text(response.content)
    assert f"{duty_list.unit.name}{duty_list.year}年度意识形态工作责任书" in text
    active = duty_list.items.filter(is_dropped=False, is_retired=False)
    assert active.exists()
    for item in active:
        assert item.name.rstrip("。") in text
    if dropped is not None:
        assert dropped.name not in text
    assert "第一责任人（签字）" in text and f"{duty_list.unit.name}（盖章）" in text
    signature = document.tables[-1]
    borders = signature._tbl.tblPr.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblBorders"
    )
    assert all(
        e.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val") == "nil"
        for e in borders
    )


def test_review_sheet_shows_each_step_signed(client, demo_district):
    item = Publication.objects.filter(status=PublicationStatus.PUBLISHED).order_by("pk").first()
    response = _download(_signed_in(client), reverse("printing:review_sheet", args=[item.pk]))
    text = docx_text(response.content)
    assert item.title in text and item.channel_name in text
    for label in ("初审意见", "复审意见", "终审意见"):
        assert label in text
    assert "（未审）" not in text  # a published item passed all three
    assert text.count("审核人：") == 3


def test_review_sheet_pdf_in_traditional_script(client, demo_district, tmp_path):
    item = Publication.objects.filter(status=PublicationStatus.PUBLISHED).order_by("pk").first()
    url = reverse("printing:review_sheet", args=[item.pk])
    response = _download(_signed_in(client), url, format="pdf", script="traditional")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "三審審簽單" in text.replace(" ", "")


def test_event_filing_form_has_speakers_and_reviews(client, demo_district):
    event = (
        EventFiling.objects.filter(status__in=[EventStatus.APPROVED, EventStatus.HELD])
        .order_by("pk")
        .first()
    )
    response = _download(_signed_in(client), reverse("printing:event_filing", args=[event.pk]))
    text = docx_text(response.content)
    assert "“一会一报”备案表" in text and event.topic in text
    for speaker in event.speakers.all():
        assert speaker.name in text
    assert "（尚未审核）" not in text


def test_rectification_notice_lists_every_finding(client, demo_district):
    result = (
        InspectionResult.objects.filter(status=ResultStatus.RECORDED, findings__isnull=False)
        .distinct()
        .order_by("pk")
        .first()
    )
    response = _download(
        _signed_in(client), reverse("printing:rectification_notice", args=[result.pk])
    )
    document = docx.Document(io.BytesIO(response.content))
    paragraphs = [p.text for p in document.paragraphs]
    assert f"{result.unit.name}：" in paragraphs  # 主送
    assert result.plan.unit.name in paragraphs  # 落款
    for finding in result.findings.all():
        assert any(finding.description.strip().rstrip("。") in p for p in paragraphs)


def test_no_notice_before_the_result_is_fed_back(client, demo_district):
    result = InspectionResult.objects.filter(findings__isnull=False).order_by("pk").first()
    InspectionResult.objects.filter(pk=result.pk).update(status=ResultStatus.PENDING)
    url = reverse("printing:rectification_notice", args=[result.pk])
    assert _signed_in(client).get(url).status_code == 404


@pytest.mark.parametrize(
    "name, model",
    [
        ("printing:duty_letter", DutyList),
        ("printing:review_sheet", Publication),
        ("printing:event_filing", EventFiling),
    ],
)
def test_outside_scope_is_404(client, demo_district, name, model):
    obj = model.objects.exclude(unit__code="D00").order_by("pk").first()
    client.force_login(_outsider(obj))
    assert client.get(reverse(name, args=[obj.pk])).status_code == 404


def test_bad_format_is_404(client, demo_district):
    duty_list = DutyList.objects.order_by("pk").first()
    url = reverse("printing:duty_letter", args=[duty_list.pk])
    assert _signed_in(client).get(url, {"format": "exe"}).status_code == 404

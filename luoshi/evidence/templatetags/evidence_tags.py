from django import template
from django.contrib.contenttypes.models import ContentType

from luoshi.evidence.forms import EvidenceLinkForm, EvidenceUploadForm
from luoshi.evidence.models import Evidence

register = template.Library()


@register.inclusion_tag("evidence/panel.html", takes_context=True)
def evidence_panel(context, owner, can_edit=False):
    """The evidence section of any record's detail page."""
    content_type = ContentType.objects.get_for_model(type(owner))
    items = (
        Evidence.objects.filter(content_type=content_type, object_id=owner.pk, is_current=True)
        .select_related("created_by")
        .order_by("title")
    )
    return {
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "items": items,
        "owner_type": content_type.pk,
        "owner_id": owner.pk,
        "can_edit": can_edit,
        "upload_form": EvidenceUploadForm(),
        "link_form": EvidenceLinkForm(),
    }

from django import template
from django.contrib.contenttypes.models import ContentType

from luoshi.core.workflow import frozen_label
from luoshi.evidence import services
from luoshi.evidence.forms import EvidenceLinkForm, EvidenceUploadForm
from luoshi.evidence.selectors import current_evidence

register = template.Library()


@register.inclusion_tag("evidence/panel.html", takes_context=True)
def evidence_panel(context, owner, can_edit=False):
    """The evidence section of any record's detail page. The upload, new-version and delete
    controls show only where the write would be accepted (``services.writable``)."""
    frozen = frozen_label(owner)
    if can_edit:
        can_edit = services.writable(owner, context["request"].user)
    content_type = ContentType.objects.get_for_model(type(owner))
    items = current_evidence(owner).select_related("created_by").order_by("title")
    return {
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "items": items,
        "owner_type": content_type.pk,
        "owner_id": owner.pk,
        "can_edit": can_edit,
        "frozen": frozen,
        "upload_form": EvidenceUploadForm(),
        "link_form": EvidenceLinkForm(),
    }

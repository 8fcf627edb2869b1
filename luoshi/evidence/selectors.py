"""Reads of evidence: which files a user may see.

Evidence is readable exactly where its owner record is: the owner model's ``for_user``
decides (a task's issuer reads the recipients' evidence, for example), and the user needs
the owner model's view permission. Every list of evidence (pages, API) goes through
``readable_evidence``; a single file through ``evidence_views.evidence_for``.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, OuterRef, Q, QuerySet

from luoshi.core.scope import is_scoped
from luoshi.evidence.models import Evidence


def readable_evidence(user):
    owner_types = Evidence.objects.order_by().values_list("content_type", flat=True).distinct()
    condition = Q(pk__in=[])
    for content_type in ContentType.objects.filter(pk__in=owner_types):
        model = content_type.model_class()
        if model is None or not is_scoped(model):
            continue
        if not user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}"):
            continue
        owners = model.objects.for_user(user).order_by().values("pk")
        condition |= Q(content_type=content_type, object_id__in=owners)
    return Evidence.objects.filter(condition)


def current_evidence(owner) -> QuerySet[Evidence]:
    """The current evidence items of ``owner`` (any owner record; old versions left out)."""
    return Evidence.objects.filter(
        content_type=ContentType.objects.get_for_model(type(owner)),
        object_id=owner.pk,
        is_current=True,
    )


def current_evidence_of(model: type[Model]) -> QuerySet[Evidence]:
    """The current evidence items of the outer query's record of ``model``: for
    ``Exists(current_evidence_of(Model))`` in a filter or an annotation."""
    return Evidence.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id=OuterRef("pk"),
        is_current=True,
    )


def has_current_evidence(obj) -> bool:
    """True if ``obj`` (any owner record) has at least one current evidence item."""
    return current_evidence(obj).exists()

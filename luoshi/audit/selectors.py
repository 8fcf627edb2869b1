"""Reading the operation log."""

from django.db.models import QuerySet

from luoshi.audit.models import OperationLog
from luoshi.core.labels import label_aliases


def entries_of(obj) -> QuerySet:
    """Every entry about ``obj`` (its own changes, its steps and its parts'), newest first;
    entries written under an earlier label of its app included (``luoshi.core.labels``)."""
    return OperationLog.objects.filter(
        model_label__in=label_aliases(obj._meta.label_lower), object_id=str(obj.pk)
    ).order_by("-time", "-id")

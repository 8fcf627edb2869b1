"""Reading the operation log."""

from django.db.models import QuerySet

from luoshi.audit.models import OperationLog


def entries_of(obj) -> QuerySet:
    """Every entry about ``obj`` (its own changes, its steps and its parts'), newest first."""
    return OperationLog.objects.filter(
        model_label=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("-time", "-id")

"""Operation-log entries for changes simple-history cannot see (e.g. moving a tree node)."""

from django.utils import timezone

from luoshi.audit.models import OperationLog
from luoshi.core.client_address import client_address


def log_change(instance, changes: list[dict], *, action=OperationLog.Action.UPDATE, user=None):
    """Write one entry; user and IP default to the current request's (if any)."""
    from simple_history.models import HistoricalRecords

    request = getattr(HistoricalRecords.context, "request", None)
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    meta = type(instance)._meta
    return OperationLog.objects.create(
        time=timezone.now(),
        user=user,
        action=action,
        model_label=meta.label_lower,
        model_name=str(meta.verbose_name),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        changes=changes,
        ip=client_address(request),
    )

"""Operation-log entries for changes no signal sees (e.g. moving a tree node)."""

from luoshi.audit import tracking
from luoshi.audit.models import OperationLog


def log_change(
    instance, changes: list[dict], *, action=OperationLog.Action.UPDATE, user=None, verb=""
) -> OperationLog:
    """Write one entry; user and IP default to the current request's (if any)."""
    extra = {"user": user} if user is not None else {}
    return tracking.write(instance, action, changes, verb=str(verb), **extra)

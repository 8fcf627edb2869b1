"""django-simple-history: who wrote a record, and what its history keeps.

simple-history reads the user of a history row from the request (HistoryRequestMiddleware) or,
outside a request (services called from jobs, load_demo, tests), from an attribute set on the
instance before ``save()``: ``instance._history_user``. ``written_by`` is the one place that sets
it, so services say ``written_by(record, user)`` instead of writing the private attribute.

Models declare their history with ``change_history()``: every history leaves out the same
bookkeeping fields.
"""

from django.db.models import Model
from simple_history.models import HistoricalRecords

# Bookkeeping a history row does not copy: the time stamps and the optimistic version.
BOOKKEEPING_FIELDS = ("version", "created_at", "updated_at")


def written_by[M: Model](obj: M, user: object) -> M:
    """Record ``user`` as the author of ``obj``'s next history row (simple-history's per-instance
    user, read on ``save()``); returns ``obj``."""
    obj._history_user = user  # type: ignore[attr-defined]  # simple-history's documented hook
    return obj


class ChangeHistory(HistoricalRecords):
    """``HistoricalRecords`` that also leaves out the ``BOOKKEEPING_FIELDS`` the model has
    (simple-history looks every excluded name up, so only those that exist are named)."""

    def finalize(self, sender, **kwargs):
        if sender is self.cls:
            names = {field.name for field in sender._meta.fields}
            kept = [name for name in BOOKKEEPING_FIELDS if name in names]
            self.excluded_fields = [*kept, *self.excluded_fields]
        super().finalize(sender, **kwargs)


def change_history(*also_excluded: str, **options) -> HistoricalRecords:
    """The change history of a record (simple-history), without its bookkeeping fields
    (``BOOKKEEPING_FIELDS``, those it has) nor ``also_excluded``."""
    return ChangeHistory(excluded_fields=list(also_excluded), **options)


def saved_by[M: Model](obj: M, user: object) -> M:
    """Save ``obj`` as written by ``user``: its ``created_by`` when it is new, and the author
    of its history row (``written_by``); returns ``obj``."""
    if not obj.pk:
        obj.created_by = user  # type: ignore[attr-defined]  # the models saved this way have it
    written_by(obj, user)
    obj.save()
    return obj


def recent_changes(obj: Model, limit: int = 50):
    """The latest ``limit`` history rows of ``obj``, newest first, with who wrote each (the
    change history a detail page shows)."""
    return obj.history.select_related("history_user")[:limit]  # type: ignore[attr-defined]

"""Who wrote a record, for django-simple-history.

simple-history reads the user of a history row from the request (HistoryRequestMiddleware) or,
outside a request (services called from jobs, load_demo, tests), from an attribute set on the
instance before ``save()``: ``instance._history_user``. ``written_by`` is the one place that sets
it, so services say ``written_by(record, user)`` instead of writing the private attribute.
"""

from django.db.models import Model


def written_by[M: Model](obj: M, user: object) -> M:
    """Record ``user`` as the author of ``obj``'s next history row (simple-history's per-instance
    user, read on ``save()``); returns ``obj``."""
    obj._history_user = user  # type: ignore[attr-defined]  # simple-history's documented hook
    return obj


def saved_by[M: Model](obj: M, user: object) -> M:
    """Save ``obj`` as written by ``user``: its ``created_by`` when it is new, and the author
    of its history row (``written_by``); returns ``obj``."""
    if not obj.pk:
        obj.created_by = user  # type: ignore[attr-defined]  # the models saved this way have it
    written_by(obj, user)
    obj.save()
    return obj

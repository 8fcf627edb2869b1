"""Optimistic versioning: the one mechanism against lost updates on edited records.

A model opts in with an integer field ``version``. An edit claims the version it was read
at with a conditional UPDATE (``WHERE pk = … AND version = v`` → ``version = v + 1``);
exactly one of several simultaneous edits matches, the others get ``StaleEdit`` with a
clear Chinese message and change nothing. ``ScopedUpdateView`` applies it to every edit
page of a versioned model (the form carries the version as a hidden field).
"""

from django.db import models
from django.db.models import F
from django.utils.translation import gettext as _


class StaleEdit(Exception):
    """Somebody else saved the record since it was read."""


def stale_message() -> str:
    return _("该记录已被他人修改，请刷新后重试")


def is_versioned(model) -> bool:
    try:
        return isinstance(model._meta.get_field("version"), models.IntegerField)
    except Exception:
        return False


def claim_version(instance, expected: int) -> None:
    """Take the edit of ``instance`` read at ``expected``; raise ``StaleEdit`` if outrun.

    Call inside the transaction that then saves ``instance`` (its ``version`` is set to
    the new value, so the save keeps it).
    """
    model = type(instance)
    claimed = model._default_manager.filter(pk=instance.pk, version=expected).update(
        version=F("version") + 1
    )
    if not claimed:
        raise StaleEdit(stale_message())
    instance.version = expected + 1

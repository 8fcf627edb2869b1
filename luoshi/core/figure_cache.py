"""Figures cached per scope: a page of figures (the 驾驶舱, its 大屏, the duty panel) is
computed once per (unit, period, audience, language, day, data generation) and then read
from the cache, never older than the page says.

Exact where a write is seen: ``DataGeneration`` holds a number raised (once, after commit)
by every transaction that saved or deleted a model row (model signals, except the rows
in ``UNCOUNTED``) or changed the rollups (``rollups.apply``, ``tracking``, ``added``,
``tracking_subtree``, ``rebuild``, which also cover ``QuerySet.update`` and
``bulk_create``). The generation is part of the cache key, so the first view after a
commit recomputes. Bounded where a write is not seen (raw SQL, an unwatched
``QuerySet.update``): an entry lives ``FIGURE_CACHE_SECONDS`` (default 300) at most, and
the page shows when its figures were computed (「数据截至」) with a 刷新 link.

Inside a transaction that has changed data and not committed yet, nothing is read from or
written to the cache (those figures are not everyone's yet).

The audience (``audience``): who shares an entry. A user who sees the whole subtree of the
unit (``metrics.covers``) counts exactly its records, so such users share by their permission
set; anyone else (a 本单位 or custom scope, extra visibility as a team member or issuer)
has entries of their own. Links in a cached page depend on the unit and period only.

The generation is read from the database (one query a view): with the default local-memory
cache every gunicorn worker has its own entries, yet all of them see the same generation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_migrate,
)
from django.utils import timezone, translation

KEY = "figures"
# Rows that never change a figure (and are written while pages are only read or a person
# signs in: otherwise every sign-in in the morning would empty every scope's cache).
UNCOUNTED = frozenset(
    {
        "core.datageneration",
        "sessions.session",
        "admin.logentry",
        "axes.accessattempt",
        "axes.accesslog",
        "axes.accessfailurelog",
        "accounts.usersession",
        "audit.loginlog",
        "audit.logchainhead",  # moves with a log row: a data write raises it by its own rows
    }
)
# A save of only these fields changes no figure (Django's sign-in writes ``last_login``).
UNCOUNTED_FIELDS = frozenset({"last_login"})


class _Migrations:
    running = False  # while ``migrate`` runs the generation's table may not exist yet


def _model():
    return apps.get_model("core", "DataGeneration")


def generation() -> int:
    """The current data generation (one query)."""
    found = _model().objects.filter(key=KEY).values_list("value", flat=True).first()
    return found or 0


def _raise() -> None:
    Generation = _model()
    if not Generation.objects.filter(key=KEY).update(value=F("value") + 1):
        Generation.objects.get_or_create(key=KEY, defaults={"value": 1})


class _Bump:
    """The on-commit callback of one transaction (``done`` once it ran)."""

    def __init__(self, hooks: list):
        self.hooks = hooks  # the connection's on-commit list it was added to
        self.done = False

    def __call__(self) -> None:
        self.done = True
        _raise()


def _scheduled(connection) -> _Bump | None:
    """This transaction's bump not yet run, if any (the last one added, else found in the
    list: a savepoint rollback copies the list)."""
    bump = getattr(connection, "_figure_bump", None)
    if bump is not None and not bump.done and bump.hooks is connection.run_on_commit:
        return bump
    for _savepoints, hook, *_robust in connection.run_on_commit:
        if isinstance(hook, _Bump) and not hook.done:
            hook.hooks = connection.run_on_commit
            connection._figure_bump = hook
            return hook
    return None


def changed() -> None:
    """Figures may have changed: raise the generation when the transaction commits (once
    per transaction; at once outside a transaction)."""
    if _Migrations.running:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _raise()
        return
    if _scheduled(connection) is None:
        bump = _Bump(connection.run_on_commit)
        connection._figure_bump = bump  # per-connection state
        transaction.on_commit(bump, robust=True)


def pending() -> bool:
    """Whether the current transaction changed data it has not committed."""
    return _scheduled(transaction.get_connection()) is not None


def audience(user, *, whole: bool) -> str:
    """Who shares a cached entry with ``user``: the same permissions and, unless the user
    sees every record of the unit's subtree (``whole``: ``metrics.covers``), only the user."""
    perms = hashlib.sha256("\n".join(sorted(user.get_all_permissions())).encode()).hexdigest()
    who = "subtree" if whole else f"user-{user.pk}"
    return f"{who}:{perms[:16]}"


def _key(name: str, parts: tuple) -> str:
    today = timezone.localdate().isoformat()
    text = repr((translation.get_language(), today, parts))
    return f"{KEY}:{name}:{generation()}:{hashlib.sha256(text.encode()).hexdigest()}"


def cached(name: str, parts: tuple, compute: Callable[[], Any], *, refresh: bool = False):
    """``compute()`` (picklable) cached under ``name`` and ``parts`` (what the result
    depends on besides the language, the day and the data); ``refresh``: recompute."""
    if pending():
        return compute()
    key = _key(name, parts)
    found = None if refresh else cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, timeout=settings.FIGURE_CACHE_SECONDS)
    return found


def _on_write(sender, update_fields=None, **kwargs) -> None:
    if sender._meta.label_lower in UNCOUNTED:
        return
    if update_fields and UNCOUNTED_FIELDS.issuperset(update_fields):
        return
    changed()


def _migrating(**kwargs) -> None:
    _Migrations.running = True


def _migrated(**kwargs) -> None:
    """After ``migrate`` (a data migration may have changed figures): a new generation."""
    _Migrations.running = False
    changed()


def connect() -> None:
    post_save.connect(_on_write, dispatch_uid="figure_cache.save")
    post_delete.connect(_on_write, dispatch_uid="figure_cache.delete")
    m2m_changed.connect(_on_write, dispatch_uid="figure_cache.m2m")
    pre_migrate.connect(_migrating, dispatch_uid="figure_cache.pre_migrate")
    post_migrate.connect(_migrated, dispatch_uid="figure_cache.post_migrate")

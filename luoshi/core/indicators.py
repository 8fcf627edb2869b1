"""Indicator registry: how a duty item's progress is measured from the records.

A responsibility pack names, for each item, an indicator ``kind`` and its parameters
(e.g. ``ledger_count`` with ``activity_type: study_group``). Each module registers the
kinds it can measure; a kind nobody registered (its module does not exist yet) is shown
as a manual checklist item until it does.

    @register("ledger_count")
    def ledger_count(params, *, user, unit, subtree, start, end) -> Measure: ...

``Measure.count`` is what counts in the period; ``Measure.total`` is the denominator of a
rate indicator (100% 备案, 三审覆盖率, 整改完成率), ``None`` for a count; ``Measure.url``
lists exactly the records behind the number.

Every measure is taken FOR A USER: an indicator reads its records only through
``records(queryset, user=..., unit=..., subtree=...)``, which keeps the records of the unit
(or its subtree) that the user may open. A 本单位 user asking for the subtree therefore gets
the counts of its own unit, never those of units it would get a 404 on. ``SYSTEM`` is the
reader of the command line and of the year-end jobs that score every target unit: it reads
the whole database, and has to be named to be used.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    count: int
    total: int | None = None
    url: str = ""


class _SystemReader:
    """Whoever runs ``manage.py`` (or a job scoring every unit): reads every record."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    pk = None
    unit = None
    unit_id = None
    username = "system"

    def has_perm(self, perm, obj=None) -> bool:
        return True

    def __str__(self) -> str:
        return self.username


SYSTEM = _SystemReader()


def records(queryset, *, user, unit, subtree: bool):
    """The records of ``queryset`` belonging to ``unit`` (or to its subtree) that ``user``
    may open: the one way an indicator narrows its records."""
    queryset = queryset.for_user(user)
    if subtree:
        return queryset.in_subtree(unit)
    return queryset.filter(**{queryset.model.scope_spec.field("pk"): unit.pk})


Indicator = Callable[..., Measure]
_REGISTRY: dict[str, Indicator] = {}
_LABELS: dict[str, str] = {}


def register(kind: str, label: str = ""):
    def decorator(func: Indicator) -> Indicator:
        _REGISTRY[kind] = func
        _LABELS[kind] = label or kind
        return func

    return decorator


def is_registered(kind: str) -> bool:
    return kind in _REGISTRY


def kinds() -> dict[str, str]:
    return dict(_LABELS)


def measure(
    kind: str,
    params: dict,
    *,
    user,
    unit,
    subtree: bool,
    start: datetime.date,
    end: datetime.date,
) -> Measure | None:
    """Measure ``kind`` for ``unit`` (and its subtree) over [start, end], counting only the
    records ``user`` may open; None if manual."""
    func = _REGISTRY.get(kind)
    if func is None:
        return None
    return func(params or {}, user=user, unit=unit, subtree=subtree, start=start, end=end)

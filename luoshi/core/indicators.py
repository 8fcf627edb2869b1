"""Indicator registry: how a duty item's progress is measured from the records.

A responsibility pack names, for each item, an indicator ``kind`` and its parameters
(e.g. ``ledger_count`` with ``activity_type: study_group``). Each module registers the
kinds it can measure; a kind nobody registered (its module does not exist yet) is shown
as a manual checklist item until it does.

    @register("ledger_count")
    def ledger_count(params, *, unit, subtree, start, end) -> Measure: ...

``Measure.count`` is what counts in the period; ``Measure.total`` is the denominator of a
rate indicator (100% 备案, 三审覆盖率, 整改完成率), ``None`` for a count; ``Measure.url``
lists exactly the records behind the number.
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
    unit,
    subtree: bool,
    start: datetime.date,
    end: datetime.date,
) -> Measure | None:
    """Measure ``kind`` for ``unit`` (and its subtree) over [start, end]; None if manual."""
    func = _REGISTRY.get(kind)
    if func is None:
        return None
    return func(params or {}, unit=unit, subtree=subtree, start=start, end=end)

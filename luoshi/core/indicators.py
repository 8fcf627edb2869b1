"""How a duty item's progress is measured: an indicator ``kind`` is a metric key.

A responsibility pack names, for each item, an indicator ``kind`` and its parameters
(e.g. ``ledger_count`` with ``activity_type: study_group``); the kind is the key of a metric
of ``luoshi.core.metrics`` (declared in the owning app's ``metrics.py``). A kind nobody
registered (its module does not exist yet) is shown as a manual checklist item until it is.

``Measure.count`` is what counts in the period; ``Measure.total`` is the denominator of a
rate (100% 备案, 三审覆盖率, 整改完成率), ``None`` for a count; ``Measure.url`` lists exactly
the records of ``count`` and ``Measure.total_url`` those of ``total``.

Every measure is taken FOR A USER: the metric layer keeps only the records of the unit (or
its subtree) that the user may open, so a 本单位 user asking for the subtree gets the counts
of its own unit, never those of units it would get a 404 on. ``SYSTEM`` is the reader of the
command line and of the year-end jobs that score every target unit: it reads the whole
database, and has to be named to be used.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from luoshi.core import metrics


@dataclass(frozen=True)
class Measure:
    count: int
    total: int | None = None
    url: str = ""
    total_url: str = ""

    @classmethod
    def of(cls, value: metrics.Value) -> Measure:
        return cls(value.count, value.total, value.count_url, value.total_url)


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
    may open: the one way a figure outside the metric layer narrows its records."""
    return metrics.scoped(queryset, user=user, unit=unit, subtree=subtree)


def is_registered(kind: str) -> bool:
    return metrics.is_registered(kind)


def kinds() -> dict[str, str]:
    return {key: metric.label for key, metric in metrics.registry().items()}


def measure(
    kind: str,
    params: dict,
    *,
    user,
    unit,
    subtree: bool,
    start: datetime.date,
    end: datetime.date,
    today: datetime.date | None = None,
) -> Measure | None:
    """Measure ``kind`` for ``unit`` (and its subtree) over [start, end], counting only the
    records ``user`` may open; None if manual."""
    periods = measure_periods(
        kind, params, user=user, unit=unit, subtree=subtree, periods=[(start, end)], today=today
    )
    return None if periods is None else periods[0]


def measure_periods(
    kind: str, params: dict, *, user, unit, subtree: bool, periods, today=None
) -> list[Measure] | None:
    """``measure`` for each of ``periods`` from one query; None if manual."""
    if not metrics.is_registered(kind):
        return None
    found = metrics.values(
        kind,
        user=user,
        unit=unit,
        subtree=subtree,
        periods=list(periods),
        params=params or {},
        today=today,
    )
    return [Measure.of(value) for value in found]


def measure_dimensions(
    kind: str, params_list: list[dict], *, user, unit, subtree: bool, periods, today=None
) -> list[list[Measure] | None]:
    """``measure_periods`` of each of ``params_list`` (one kind, the params asking only for
    its dimension, e.g. ledger records by activity type) from one query; None for the
    params it cannot answer so (measure them one by one)."""
    if not metrics.is_registered(kind):
        return [None] * len(params_list)
    dims = metrics.dimensions_of(kind, params_list)
    wanted = [dim for dim in dims if dim is not None]
    if not wanted:
        return [None] * len(params_list)
    found = metrics.by_dimension(
        kind,
        user=user,
        unit=unit,
        subtree=subtree,
        periods=list(periods),
        today=today,
        dims=wanted,
    )
    return [None if dim is None else [Measure.of(v) for v in found[dim]] for dim in dims]


def measure_units(
    kind: str, params: dict, *, user, units, subtree: bool, periods, today=None, parent=None
) -> dict[int, list[Measure]] | None:
    """``measure_periods`` of each of ``units`` (``parent``: their parent, if they are
    direct children of one) from one query: {unit pk: [Measure]}; None if manual."""
    if not metrics.is_registered(kind):
        return None
    found = metrics.per_unit(
        kind,
        user=user,
        units=list(units),
        subtree=subtree,
        periods=list(periods),
        params=params or {},
        today=today,
        parent=parent,
    )
    return {pk: [Measure.of(value) for value in found_values] for pk, found_values in found.items()}

"""Pre-aggregated rollups of the heavy metrics, kept exactly in step with the records.

A ``Source`` (declared by the app that owns the records, in ``<app>/metrics.py``, beside the
metrics that read it) names a set of records, the date that places a record in a month, an
optional dimension (e.g. the activity type) and the condition of a rate's numerator. Its
rollup holds, for every ANCESTOR unit down to ``DEPTH`` (the root, its children and
grandchildren) and every month and dimension value, the number of records of the unit's
whole subtree (``total``) and how many of them meet the condition (``counted``). A subtree
figure of a unit at depth ≤ 3 over whole months is then a sum over a few rows, whatever the
number of records; anything else (a deeper unit, a unit's own records, part of a month, a
parameter the dimension does not answer) is counted live by the metric layer, and the two
agree by construction (``tests/test_rollups.py`` and the consistency test prove it).

How the rows stay in step: every write is measured, not re-derived. Before a write the
affected records are aggregated by (unit, month, dimension, counted) with the SOURCE'S OWN
queryset and condition (one ``GROUP BY``), again after it, and the difference is added to
the rows of every ancestor of each unit, in the same transaction, by ``INSERT … ON CONFLICT
DO UPDATE SET total = total + delta`` (row locks taken in key order: 50 concurrent writers
under one ancestor lose no increment and cannot deadlock on these rows). The writes measured:

- every ``save()`` / ``delete()`` of a watched model (model signals; ``watch`` names the
  source records a model's row affects: itself, the assignments of a task, the publication
  of a workflow step);
- ``tracking(model, pks)`` around writes that send no signal (``QuerySet.update``: workflow
  steps, the has-evidence flag) and ``added(model, pks)`` after a ``bulk_create`` (Excel
  import, task recipients);
- ``tracking_subtree(unit)`` around a move of a subtree (ancestors change);
- bulk generators that write with SQL (``load_demo``, ``generate_scale``) run ``rebuild()``
  at their end, in their transaction.

Each of these writes (and ``rebuild``) also raises the data generation of the figures
cached per scope (``figure_cache.changed``), so no cached page hides it.

``rebuild()`` recounts from scratch (``manage.py rebuild_rollups``); ``drift()`` compares
the rows with a recount (``manage.py check_rollups``).
"""

from __future__ import annotations

import datetime
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Substr, TruncMonth
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from luoshi.core import figure_cache
from luoshi.core.scope import ScopeSpec, subtree_q

DEPTH = 3  # ancestors kept: depth 1 (root) .. 3
STEPLEN = 4  # treebeard's path step of ``units.Unit``

Key = tuple[int, datetime.date, int]  # (ancestor unit id, month, dimension value or 0)


@dataclass(frozen=True)
class Source:
    """Records a rollup counts: ``records()`` (all of them, unscoped), ``date`` (the field
    path placing a record in a month, the metric's ``in_period`` field), ``dim`` (a field
    path whose value splits the rows, e.g. ``activity_type_id``; "" for none), ``counted()``
    (the Q of a rate's numerator; None when only totals are kept), ``watch``: (model
    label, lookup) pairs naming the writes that change the records' figures; a lookup
    maps a saved or deleted row to filter kwargs on ``records()`` (None: the row itself)."""

    key: str
    records: Callable[[], models.QuerySet]
    date: str
    dim: str = ""
    counted: Callable[[], Q] | None = None
    watch: tuple[tuple[str, Callable | None], ...] = ()

    def queryset(self) -> models.QuerySet:
        return self.records().order_by()

    @property
    def model(self):
        return self.records().model

    def path_field(self) -> str:
        return self.model.scope_spec.field("path")


_SOURCES: dict[str, Source] = {}
# model label -> [(source key, lookup(instance) -> filter kwargs on the source records | None)]
_WATCHES: dict[str, list[tuple[str, Callable]]] = defaultdict(list)


class _State(threading.local):
    def __init__(self):
        self.covered: dict[str, set] = defaultdict(set)  # source -> pks measured by a block
        self.whole: set[str] = set()  # sources measured as a whole (subtree move)
        self.suspended = 0  # bulk generators: rebuild at their end


_state = _State()


def register(source: Source) -> None:
    """Declare ``source`` (from the metrics that read it: ``metrics.register``)."""
    _SOURCES[source.key] = source
    for label, lookup in source.watch:
        entry = (source.key, lookup or _itself)
        if entry not in _WATCHES[label]:
            _WATCHES[label].append(entry)


def _itself(instance) -> dict | None:
    return {"pk": instance.pk} if instance.pk is not None else None


def sources() -> dict[str, Source]:
    return dict(_SOURCES)


def get(key: str) -> Source:
    return _SOURCES[key]


def _model():
    return apps.get_model("core", "Rollup")


def _unit_model():
    return _model()._meta.get_field("unit").related_model


# --------------------------------------------------------------------------------------------
# Measuring records


def _month(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def _grouped(source: Source, queryset, group: dict) -> Iterator[dict]:
    aggregates = {"t": Count("pk")}
    if source.counted is not None:
        aggregates["c"] = Count("pk", filter=source.counted())
    fields = {**group, "m": TruncMonth(source.date)}
    if source.dim:
        fields["d"] = F(source.dim)
    rows = queryset.order_by().annotate(**fields).values(*fields).annotate(**aggregates)
    for row in rows:
        if row["m"] is not None:
            yield row


def _ancestor_ids(paths: Iterable[str]) -> dict[str, int]:
    wanted = {p[:n] for p in paths for n in range(STEPLEN, STEPLEN * DEPTH + 1, STEPLEN)}
    if not wanted:
        return {}
    return dict(_unit_model().objects.filter(path__in=wanted).values_list("path", "pk"))


def measure(source: Source, queryset) -> dict[Key, list[int]]:
    """What ``queryset`` (records of ``source``) adds to each ancestor's rows."""
    rows = list(_grouped(source, queryset, {"p": F(source.path_field())}))
    ids = _ancestor_ids(row["p"] for row in rows)
    result: dict[Key, list[int]] = {}
    for row in rows:
        path = row["p"]
        for n in range(STEPLEN, min(len(path), STEPLEN * DEPTH) + 1, STEPLEN):
            key = (ids[path[:n]], _month(row["m"]), row.get("d") or 0)
            cell = result.setdefault(key, [0, 0])
            cell[0] += row["t"]
            cell[1] += row.get("c", 0)
    return result


def _difference(after: dict, before: dict) -> dict[Key, tuple[int, int]]:
    delta = {}
    for key in set(after) | set(before):
        a, b = after.get(key, (0, 0)), before.get(key, (0, 0))
        change = (a[0] - b[0], a[1] - b[1])
        if change != (0, 0):
            delta[key] = change
    return delta


def apply(source_key: str, delta: dict[Key, tuple[int, int]]) -> None:
    """Add ``delta`` to the rows: one upsert, rows in key order (no deadlock between
    writers: every transaction locks the rows it shares with another in the same order)."""
    if not delta:
        return
    figure_cache.changed()
    table = connection.ops.quote_name(_model()._meta.db_table)
    rows = sorted(delta.items())
    values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(rows))
    params: list[Any] = []
    for (unit_id, month, dim), (total, counted) in rows:
        params += [source_key, unit_id, month, dim, total, counted]
    sql = (
        f"INSERT INTO {table} (source, unit_id, month, dim, total, counted) VALUES {values} "
        "ON CONFLICT (source, unit_id, month, dim) DO UPDATE SET "
        f"total = {table}.total + EXCLUDED.total, counted = {table}.counted + EXCLUDED.counted"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# --------------------------------------------------------------------------------------------
# Writes that send no signal


@contextmanager
def tracking(model, pks: Iterable) -> Iterator[None]:
    """Measure the source records of ``model``'s rows ``pks`` before and after the block
    (for ``QuerySet.update`` and other writes without signals). Signals for the same
    records inside the block are not counted twice."""
    pks = [pk for pk in pks if pk is not None]
    watched = _WATCHES.get(model._meta.label, [])
    if pks and not _state.suspended:
        figure_cache.changed()  # also a field no rollup keeps (a live count may read it)
    if not pks or not watched or _state.suspended:
        yield
        return
    with transaction.atomic():
        plans = []
        for source_key, lookup in watched:
            source = _SOURCES[source_key]
            record_pks = set(_record_pks(source, model, lookup, pks))
            record_pks -= _state.covered[source_key]
            plans.append((source, record_pks, _measure_pks(source, record_pks)))
            _state.covered[source_key].update(record_pks)
        try:
            yield
        finally:
            for source, record_pks, _before in plans:
                _state.covered[source.key].difference_update(record_pks)
        for source, record_pks, before in plans:
            apply(source.key, _difference(_measure_pks(source, record_pks), before))


def _record_pks(source: Source, model, lookup, pks) -> list:
    if lookup is _itself:
        return list(pks)
    found: set = set()
    for instance in model._default_manager.filter(pk__in=pks):
        condition = lookup(instance)
        if condition is not None:
            found.update(source.queryset().filter(**condition).values_list("pk", flat=True))
    return sorted(found)


def _measure_pks(source: Source, pks) -> dict:
    if not pks:
        return {}
    return measure(source, source.queryset().filter(pk__in=pks))


def added(model, pks: Iterable) -> None:
    """Count rows of ``model`` just created by ``bulk_create`` (no signal is sent)."""
    pks = [pk for pk in pks if pk is not None]
    if _state.suspended:
        return
    figure_cache.changed()
    for source_key, lookup in _WATCHES.get(model._meta.label, []):
        source = _SOURCES[source_key]
        apply(source_key, _measure_pks(source, _record_pks(source, model, lookup, pks)))


@contextmanager
def tracking_subtree(unit) -> Iterator[None]:
    """Around a move of ``unit``'s subtree: every source's records of the subtree leave
    their old ancestors and join the new ones (ids, not paths: siblings renumbered by the
    move keep their rows)."""
    if _state.suspended:
        yield
        return
    Unit = type(unit)
    with transaction.atomic():
        plans = []
        for source in _SOURCES.values():
            before = measure(source, source.queryset().filter(_in_subtree_q(source, unit.path)))
            plans.append((source, before))
            _state.whole.add(source.key)
        try:
            yield
        finally:
            _state.whole.difference_update(s.key for s, _b in plans)
        path = Unit.objects.filter(pk=unit.pk).values_list("path", flat=True).get()
        for source, before in plans:
            after = measure(source, source.queryset().filter(_in_subtree_q(source, path)))
            apply(source.key, _difference(after, before))
        figure_cache.changed()


def _in_subtree_q(source: Source, path: str) -> Q:
    return subtree_q(source.model.scope_spec, path)


@contextmanager
def suspended() -> Iterator[None]:
    """For bulk generators that write with SQL: nothing is measured inside; call
    ``rebuild()`` before leaving their transaction."""
    _state.suspended += 1
    try:
        yield
    finally:
        _state.suspended -= 1


# --------------------------------------------------------------------------------------------
# Model signals


def _pending(instance, lookups) -> list:
    result: list = []
    for source_key, lookup in lookups:
        condition = lookup(instance)
        if condition is None or source_key in _state.whole:
            result.append((source_key, set(), {}))
            continue
        source = _SOURCES[source_key]
        if lookup is _itself:
            pks = {instance.pk}
        else:
            pks = set(source.queryset().filter(**condition).values_list("pk", flat=True))
        pks -= _state.covered[source_key]
        result.append((source_key, pks, _measure_pks(source, pks)))
    return result


def _before(sender, instance, raw=False, **kwargs) -> None:
    lookups = _WATCHES.get(sender._meta.label)
    if not lookups or raw or _state.suspended:
        return
    instance._rollup_before = _pending(instance, lookups)


def _after(sender, instance, raw=False, **kwargs) -> None:
    before = instance.__dict__.pop("_rollup_before", None)
    if before is None:
        return
    for (source_key, _pks, measured), (_k, _p, now) in zip(
        before, _pending(instance, _WATCHES[sender._meta.label]), strict=True
    ):
        apply(source_key, _difference(now, measured))


def _before_delete(sender, instance, **kwargs) -> None:
    lookups = _WATCHES.get(sender._meta.label)
    if not lookups or _state.suspended:
        return
    pending = _pending(instance, lookups)
    instance._rollup_before = pending
    for source_key, pks, _measured in pending:
        # a cascade of the same delete (its evidence, a task's assignments) is not
        # measured a second time: this delete measures the records it affects
        _state.covered[source_key].update(pks)


def _after_delete(sender, instance, **kwargs) -> None:
    before = instance.__dict__.pop("_rollup_before", None)
    if before is None:
        return
    for source_key, pks, _measured in before:
        _state.covered[source_key].difference_update(pks)
    for source_key, pks, measured in before:
        now = _measure_pks(_SOURCES[source_key], pks)  # what is left (nothing for itself)
        apply(source_key, _difference(now, measured))


def connect() -> None:
    pre_save.connect(_before, dispatch_uid="rollups.before")
    post_save.connect(_after, dispatch_uid="rollups.after")
    pre_delete.connect(_before_delete, dispatch_uid="rollups.before_delete")
    post_delete.connect(_after_delete, dispatch_uid="rollups.after_delete")


# --------------------------------------------------------------------------------------------
# Reading


def _family(rows, under, children):
    """``rows`` of ``under`` and its direct children, and how to name a row's unit: by the
    ids of ``children`` when the caller has all of them (an index scan per unit), else by
    joining the units (the children found by path)."""
    if children is not None:
        paths = {under.pk: under.path, **{child.pk: child.path for child in children}}
        return rows.filter(unit_id__in=sorted(paths)), "unit_id", paths
    rows = rows.filter(
        subtree_q(ScopeSpec(), under.path), unit__depth__in=[under.depth, under.depth + 1]
    )
    return rows, "unit__path", None


def _in_months(rows, months):
    """``rows`` of ``months`` (first days; None: of every month)."""
    return rows if months is None else rows.filter(month__in=sorted(set(months)))


def read(
    source_key: str,
    *,
    under,
    months,
    dim: int | None = None,
    children: bool = False,
    all_children: list | None = None,
):
    """Rows of the unit ``under`` (and of its direct children with ``children``; pass
    ``all_children`` if known) in ``months`` (None: every month), summed over the dimension
    (or only ``dim``): [(unit path, month, total, counted)]. One query."""
    rows = _in_months(_model().objects.filter(source=source_key), months)
    if dim:
        rows = rows.filter(dim=dim)
    if not children:
        rows = rows.filter(unit_id=under.pk).values("month")
        rows = rows.annotate(t=Sum("total"), c=Sum("counted")).order_by()
        return [(under.path, r["month"], r["t"], r["c"]) for r in rows]
    rows, unit_field, paths = _family(rows, under, all_children)
    rows = rows.values(unit_field, "month").annotate(t=Sum("total"), c=Sum("counted"))
    return [
        (paths[r[unit_field]] if paths else r[unit_field], r["month"], r["t"], r["c"])
        for r in rows.order_by()
    ]


def read_many(source_keys, *, under, months, all_children: list | None = None) -> dict:
    """``read(..., children=True)`` of several sources in one query: {source: rows}."""
    result: dict[str, list] = {key: [] for key in source_keys}
    if not source_keys or months is not None and not months:
        return result
    rows = _in_months(_model().objects.filter(source__in=sorted(source_keys)), months)
    rows, unit_field, paths = _family(rows, under, all_children)
    rows = rows.values("source", unit_field, "month")
    for r in rows.annotate(t=Sum("total"), c=Sum("counted")).order_by():
        path = paths[r[unit_field]] if paths else r[unit_field]
        result[r["source"]].append((path, r["month"], r["t"], r["c"]))
    return result


def read_by_dim(source_key: str, *, under, months):
    """Rows of the unit ``under`` by dimension value: [(dim, month, total, counted)]."""
    if months is not None and not months:
        return []
    rows = _in_months(_model().objects.filter(source=source_key, unit_id=under.pk), months)
    rows = rows.values("dim", "month").annotate(t=Sum("total"), c=Sum("counted")).order_by()
    return [(r["dim"], r["month"], r["t"], r["c"]) for r in rows]


# --------------------------------------------------------------------------------------------
# Rebuild and check


def recount(source: Source, under: str = "") -> dict[Key, tuple[int, int]]:
    """The rows of ``source`` recounted from the records (optionally only the ancestors
    whose path starts with ``under``): one GROUP BY per ancestor level."""
    path = source.path_field()
    depth_field = source.model.scope_spec.field("depth")
    units = _unit_model().objects.filter(depth__lte=DEPTH)
    if under:
        units = units.filter(path__startswith=under[: STEPLEN * DEPTH])
    ids = dict(units.values_list("path", "pk"))
    result = {}
    for depth in range(1, DEPTH + 1):
        queryset = source.queryset().filter(**{f"{depth_field}__gte": depth})
        if under:
            queryset = queryset.filter(**{f"{path}__startswith": under[: STEPLEN * depth]})
        prefix = {"a": Substr(path, 1, STEPLEN * depth)}
        for row in _grouped(source, queryset, prefix):
            if row["a"] not in ids:
                continue
            key = (ids[row["a"]], _month(row["m"]), row.get("d") or 0)
            result[key] = (row["t"], row.get("c", 0))
    return result


def stored(source: Source) -> dict[Key, tuple[int, int]]:
    rows = _model().objects.filter(source=source.key).exclude(total=0, counted=0)
    return {
        (r["unit_id"], r["month"], r["dim"]): (r["total"], r["counted"])
        for r in rows.values("unit_id", "month", "dim", "total", "counted")
    }


@transaction.atomic
def rebuild(keys: Iterable[str] | None = None) -> dict[str, int]:
    """Recount every row of the sources ``keys`` (all by default); returns rows written."""
    Rollup = _model()
    written = {}
    for key in keys or sorted(_SOURCES):
        source = _SOURCES[key]
        Rollup.objects.filter(source=key).delete()
        rows = [
            Rollup(source=key, unit_id=u, month=m, dim=d, total=t, counted=c)
            for (u, m, d), (t, c) in recount(source).items()
        ]
        Rollup.objects.bulk_create(rows, batch_size=5000)
        written[key] = len(rows)
    figure_cache.changed()
    return written


def drift(keys: Iterable[str] | None = None) -> dict[str, dict[Key, tuple]]:
    """{source: {key: (stored, recounted)}} for every row that differs from a recount."""
    result = {}
    for key in keys or sorted(_SOURCES):
        source = _SOURCES[key]
        have, want = stored(source), recount(source)
        wrong = {
            k: (have.get(k, (0, 0)), want.get(k, (0, 0)))
            for k in set(have) | set(want)
            if have.get(k, (0, 0)) != want.get(k, (0, 0))
        }
        if wrong:
            result[key] = wrong
    return result

"""The metric layer: every number the product shows is a ``Metric``, defined once.

Each feature app declares its metrics in ``<app>/metrics.py`` and registers them from its
AppConfig (``register(Metric(...))``); core imports no feature app. A metric names its
records (a base queryset and the date that places a record in a period), what it counts
and, for a rate, its denominator, its Chinese label and measure word, and the list page
with the filters that open exactly the records behind EACH of its numbers.

One evaluator reads them all, always FOR A USER (the records it counts are the ones the user
may open, ``Model.objects.for_user``):

    value(key, user=, unit=, subtree=, start=, end=)            -> Value
    values(key, user=, unit=, subtree=, periods=[(start, end)]) -> [Value]   # one query
    table(key, user=, unit=, periods=[(start, end)])             -> {path: [Value]}
        # the unit's direct child branches (and the unit itself) × periods, one GROUP BY
    of_object(key, user=, params={"task": id})                    -> Value
        # the rows of ONE object the params name (unit None, an open period: see below)
    per_object(key, objects, user=, param="task")                 -> {pk: Value}
        # ``of_object`` of each row of a list page, one GROUP BY for them all
    per_unit(key, user=, units=[...], subtree=, periods=[...])   -> {pk: [Value]}
        # ``values`` of each of several units, one GROUP BY by unit for them all

Definitions (docs/metrics.md has the table):
- a count metric counts the records whose date falls in the period;
- a rate is ``count / total`` of the records in the period; with ``due_only`` the period
  ends yesterday at the latest (only items whose deadline has passed count, both above and
  below the line); a zero denominator is not applicable: ``rate`` is None and shows 「—」,
  never 0% or 100%; rates are rounded half up to one decimal (四舍五入);
- a period's bound may be None (open on that side), and ``unit`` may be None (every record
  the user may open, whatever its unit): with a param naming one object (a task, a campaign,
  an inspection, a form task) that is the object's rows, and the links carry only the param.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property, partial
from urllib.parse import quote_plus

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone

from luoshi.core import rollups
from luoshi.core.dates import on_local_days
from luoshi.core.scope import DataScope, subtree_q, user_scopes

NOT_APPLICABLE = "—"
SUBTREE = "subtree"  # the key of the whole subtree's values in ``table``
ALL_DIMENSIONS = "all"  # the key of every dimension's values together in ``by_dimension``

Period = tuple[datetime.date | None, datetime.date | None]  # None: open on that side


def dates_between(field_name: str) -> Callable[[datetime.date, datetime.date], Q]:
    """A DateField within [start, end] (a bound of None: open on that side)."""

    def condition(start, end):
        bounds = {f"{field_name}__gte": start, f"{field_name}__lte": end}
        return Q(**{name: day for name, day in bounds.items() if day is not None})

    return condition


def moments_between(field_name: str) -> Callable[[datetime.date, datetime.date], Q]:
    """A DateTimeField on a local date within [start, end] (as the list filters read it)."""
    return lambda start, end: on_local_days(field_name, start, end)


def years_between(field_name: str) -> Callable[[datetime.date, datetime.date], Q]:
    """A year field (a record that belongs to a year) within the years [start, end] touch
    (a bound of None: open on that side)."""

    def condition(start, end):
        bounds = {
            f"{field_name}__gte": start and start.year,
            f"{field_name}__lte": end and end.year,
        }
        return Q(**{name: year for name, year in bounds.items() if year is not None})

    return condition


def query_string(params: dict) -> str:
    """``urlencode(params, doseq=True)``, without quoting the plain values (ids, dates,
    codes) a figure's link carries: a dashboard builds hundreds of these."""
    parts = []
    for key, value in params.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            text = str(item)
            plain = text.isascii() and text.replace("-", "").replace("_", "").isalnum()
            parts.append(f"{key}={text if plain else quote_plus(text)}")
    return "&".join(parts)


def date_params(start_name: str, end_name: str, start, end) -> dict:
    """A list's date filters for [start, end], leaving out an open bound (None)."""
    bounds = {start_name: start, end_name: end}
    return {name: day.isoformat() for name, day in bounds.items() if day is not None}


def period_filters(start_name: str, end_name: str, **fixed) -> Callable:
    """A metric's ``filters``: the list's ``fixed`` parameters (e.g. ``status="held"``) and
    its two date filters for the period (``date_params``), whatever the metric's params."""

    def filters(params, start, end) -> dict:
        return {**fixed, **date_params(start_name, end_name, start, end)}

    return filters


def adding(filters: Callable, **extra) -> Callable:
    """``filters`` (a metric's) with ``extra`` list parameters (e.g. ``status="open"``)."""

    def combined(params, start, end) -> dict:
        return {**filters(params, start, end), **extra}

    return combined


def _no_filters(params, start, end) -> dict:
    return {}


def fixed(**values) -> Callable:
    """A metric's ``count_filters``: the same list parameters for every period and params
    (e.g. ``fixed(status="closed")``)."""
    return adding(_no_filters, **values)


def _same_params(params: dict) -> dict:
    return params


@dataclass(frozen=True)
class Narrow:
    """A metric parameter that narrows the records counted and, the same way, the list page
    their number opens: one declaration for both, so the figure and its link cannot drift.

    ``param``: the metric's parameter (e.g. ``"plan"``); ``lookup``: the records' filter for
    its value (``"finding__plan_id"``), or a function of the value giving a Q; ``list_filter``:
    the list page's filter (default: the parameter's name); ``own_unit``: the value is a unit,
    whose own records are meant (the list's 「仅本单位」 too). An empty value narrows nothing.
    """

    param: str
    lookup: str | Callable[[object], Q]
    list_filter: str = ""
    own_unit: bool = False

    def records(self, queryset, params: dict):
        value = params.get(self.param)
        if not value:
            return queryset
        if callable(self.lookup):
            return queryset.filter(self.lookup(value))
        return queryset.filter(**{self.lookup: value})

    def query(self, params: dict) -> dict:
        value = params.get(self.param)
        if not value:
            return {}
        query = {self.list_filter or self.param: value}  # several values: query_string
        if self.own_unit:
            query["unit_scope"] = "own"
        return query


@dataclass(frozen=True)
class Metric:
    """One number (a count) or one rate, declared by the app that owns its records.

    ``records(params)``: the base queryset (a ``ScopedQuerySet``); ``params`` are the
    metric's parameters (e.g. ``{"activity_type": "study_group"}``).
    ``in_period(start, end)``: the Q that places a record in a period.
    ``counted(start, end)``: for a rate, the Q of the numerator among the period's records
    (None for a count metric: every record in the period counts).
    ``filters(params, start, end)``: the list page's parameters for the period's records
    (the denominator of a rate); ``count_filters(params, start, end)``: the parameters
    added for the numerator.
    """

    key: str
    label: str
    measure_word: str  # 次/篇/人/起/项/个/条/场 for a count; the rate's items for a rate
    records: Callable
    in_period: Callable
    list_url: str  # url name of the list page
    filters: Callable
    counted: Callable | None = None
    count_filters: Callable = _no_filters
    # Resolve the params once per evaluation (e.g. an activity type's code to its id for the
    # list links), not once per period.
    prepare: Callable = _same_params
    # ``prepare`` of many params at once (one query for all, e.g. every activity type's id):
    # [params prepared, or None where ``prepare`` would fail]. Default: ``prepare`` each.
    prepare_many: Callable[[list[dict]], list[dict | None]] | None = None
    due_only: bool = False
    # The numerator is an EXISTS independent of the period (e.g. 有佐证): count it by a
    # second query with the EXISTS in the WHERE clause (a semi-join on PostgreSQL) instead
    # of one correlated EXISTS per record in the aggregate.
    semi_join: bool = False
    # Pre-aggregated rows answering the metric (``luoshi.core.rollups``): its records, date
    # and numerator are the metric's own. ``rollup_params``: the params the rows answer
    # (any other param is counted live); ``rollup_dim``: the param holding the dimension
    # value to read ("" or an empty param: every value summed).
    rollup: rollups.Source | None = None
    rollup_params: tuple[str, ...] = ()
    rollup_dim: str = ""
    # a count metric of the rollup's numerator (its records are the source's ``counted``)
    rollup_counted: bool = False
    # A sum of a numeric field of the records instead of their count (a figure of a
    # statistics form): ``summed`` names the field. For such a rate, ``total_counted`` is the
    # Q of the denominator's records among the period's (the numerator's is ``counted``).
    summed: str = ""
    total_counted: Callable | None = None
    # A rate of two sums: the denominator sums this field instead (出勤率 = 实到 ÷ 应到).
    total_summed: str = ""
    # A figure reported once a period's statistics form is accepted (not counted from the
    # records as they happen): a duty item measured by it is never pro-rated within a period.
    reported: bool = False
    # A mean over the records counted (e.g. 平均响应用时): ``averaged`` names the field (or
    # an annotation of ``records``) summed alongside the count; ``mean(amount, count)`` turns
    # the sum into the figure stated (``Value.mean``; None when nothing is counted).
    averaged: str = ""
    mean: Callable | None = None
    mean_word: str = ""  # the mean's unit: 小时
    # a count metric of the rollup's records NOT counted (total − counted: 未办结)
    rollup_rest: bool = False
    count_label: str = ""  # a rate's numerator: 「按时报送」
    total_label: str = ""  # a rate's denominator: 「应报送」
    description: str = ""
    # The parameter sets a picker offers (e.g. the figures the forms designate):
    # ``param_choices()`` → [(params, Chinese label)]; ``check_params(params)`` → a Chinese
    # problem ("" when fine), for a responsibility pack naming the metric.
    param_choices: Callable[[], list[tuple[dict, str]]] | None = None
    check_params: Callable[[dict], str] | None = None
    # The parameters that narrow both the records and the list (``Narrow``), applied after
    # ``records`` and ``filters``.
    narrows: tuple[Narrow, ...] = ()

    @property
    def is_rate(self) -> bool:
        return self.counted is not None

    def records_of(self, params: dict):
        """``records(params)`` narrowed by the metric's ``narrows``."""
        queryset = self.records(params)
        for narrow in self.narrows:
            queryset = narrow.records(queryset, params)
        return queryset

    def list_filters(self, params: dict, start, end) -> dict:
        """``filters(params, start, end)`` with the list filters of the metric's ``narrows``."""
        query = dict(self.filters(params, start, end))
        for narrow in self.narrows:
            query.update(narrow.query(params))
        return query


_REGISTRY: dict[str, Metric] = {}


def register(*metrics: Metric) -> None:
    for metric in metrics:
        _REGISTRY[metric.key] = metric
        if metric.rollup is not None:
            rollups.register(metric.rollup)


def get(key: str) -> Metric:
    return _REGISTRY[key]


def is_registered(key: str) -> bool:
    return key in _REGISTRY


def registry() -> dict[str, Metric]:
    return dict(_REGISTRY)


def rate_of(count: int | Decimal, total: int | Decimal | None) -> Decimal | None:
    """count/total in percent, 四舍五入 to 0.1; None (「—」) when nothing is counted below."""
    if not total:
        return None
    return (Decimal(count) * 100 / Decimal(total)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def figure(number):
    """A count or a sum as stated: 0 for nothing, a whole sum as an int (248, not 248.0000)."""
    if isinstance(number, Decimal):
        return int(number) if number == number.to_integral_value() else number.normalize()
    return number or 0


@dataclass(frozen=True)
class Value:
    """A metric's figure for one unit (own or subtree) and one period.

    ``count_url`` / ``total_url`` are built when first read (``links``): a dashboard holds
    thousands of values and shows a few hundred links."""

    metric: Metric
    count: int
    total: int | None
    links: Callable[[], tuple[str, str]] = field(repr=False, compare=False)
    start: datetime.date | None = None
    end: datetime.date | None = None
    amount: object = None  # an ``averaged`` metric: the sum of its field over the records

    @cached_property
    def _urls(self) -> tuple[str, str]:
        return self.links()

    @property
    def count_url(self) -> str:
        return self._urls[0]

    @property
    def total_url(self) -> str:
        return self._urls[1]

    @property
    def rate(self) -> Decimal | None:
        return rate_of(self.count, self.total) if self.metric.is_rate else None

    @property
    def number(self):
        """What a page states: the count, or the rate (None when not applicable)."""
        return self.rate if self.metric.is_rate else self.count

    @property
    def url(self) -> str:
        return self.count_url

    @property
    def mean(self):
        """An ``averaged`` metric's figure: the mean over the records counted (None when
        none is counted: not applicable, 「—」)."""
        if not self.metric.averaged or not self.count or self.amount is None:
            return None
        return self.metric.mean(self.amount, self.count) if self.metric.mean else None

    @property
    def text(self) -> str:
        if self.metric.is_rate:
            return NOT_APPLICABLE if self.rate is None else f"{self.rate}%"
        return f"{self.count}{self.metric.measure_word}"


@dataclass
class _Plan:
    """The conditions and urls of one evaluation: a metric, its params, a unit, periods."""

    metric: Metric
    params: dict
    periods: list[Period] = field(default_factory=list)  # after due_only clipping

    def _within(self, start, end) -> Q:
        return self.metric.in_period(start, end) if _nonempty(start, end) else Q(pk__in=[])

    def _measure(self, condition: Q, summed: str = ""):
        summed = summed or self.metric.summed
        if summed:
            return Sum(summed, filter=condition)
        return Count("pk", filter=condition)

    def aggregates(self) -> dict:
        result = {}
        for i, (start, end) in enumerate(self.periods):
            within = self._within(start, end)
            below = within
            total_counted = self.metric.total_counted
            if total_counted is not None:
                below = within & total_counted(start, end)
            result[f"t{i}"] = self._measure(below, self.metric.total_summed)
            if self.metric.averaged:
                result[f"a{i}"] = Sum(self.metric.averaged, filter=below)
            counted = self.metric.counted
            if self.metric.is_rate and counted is not None and not self.metric.semi_join:
                result[f"c{i}"] = self._measure(within & counted(start, end))
        return result

    def numerators(self) -> dict:
        """For a ``semi_join`` metric: the numerator counts of the second query."""
        return {
            f"c{i}": Count("pk", filter=self._within(start, end))
            for i, (start, end) in enumerate(self.periods)
        }

    def counted_rows(self, queryset):
        return queryset.filter(self.metric.counted(None, None))

    def where(self) -> Q:
        condition = Q(pk__in=[])
        for start, end in self.periods:
            if _nonempty(start, end):
                within = self.metric.in_period(start, end)
                if not within:  # an open period: every record (``Q() | x`` would be x)
                    return Q()
                condition |= within
        return condition

    def value(self, i: int, row: dict, unit, subtree: bool) -> Value:
        start, end = self.periods[i]
        links = partial(self.links, start, end, getattr(unit, "pk", None), subtree)
        total = figure(row.get(f"t{i}"))
        if not self.metric.is_rate:
            return Value(self.metric, total, None, links, start, end, row.get(f"a{i}"))
        return Value(self.metric, figure(row.get(f"c{i}")), total, links, start, end)

    @cached_property
    def list_path(self) -> str:
        return reverse(self.metric.list_url)

    def links(self, start, end, unit_pk, subtree: bool) -> tuple[str, str]:
        """(count url, total url): the list of the numerator (or the count) and of the
        denominator, with exactly the records counted."""
        metric = self.metric
        base = (
            {}
            if unit_pk is None
            else {"unit": unit_pk, "unit_scope": "subtree" if subtree else "own"}
        )
        base.update(metric.list_filters(self.params, start, end))
        total_url = f"{self.list_path}?{query_string(base)}"
        if not metric.is_rate:
            return total_url, total_url
        counted = {**base, **metric.count_filters(self.params, start, end)}
        return f"{self.list_path}?{query_string(counted)}", total_url


def _plan(key: str, params: dict | None, periods: list[Period], today) -> _Plan:
    metric = get(key)
    params = metric.prepare(dict(params or {}))
    if metric.due_only:
        last = (today or timezone.localdate()) - datetime.timedelta(days=1)
        periods = [(start, last if end is None else min(end, last)) for start, end in periods]
    return _Plan(metric, params, list(periods))


def covers(user, unit) -> bool:
    """Whether ``user`` may open every record of ``unit`` and its subtree: 全部, or
    本单位及以下 from the unit or a unit above it. Every model's ``for_user`` is the unit
    scope OR extra visibility (issuer, team, launcher), never less, so for such a user the
    scope condition would only repeat the subtree's ``path LIKE``: one subtree condition
    keeps the planner's estimate right."""
    if getattr(user, "is_superuser", False):
        return bool(user.is_active)
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    for scope, _custom in user_scopes(user):
        if scope == DataScope.ALL:
            return True
        own = user.unit
        if scope == DataScope.SUBTREE and own is not None and unit.path.startswith(own.path):
            return True
    return False


def _read_for_user(queryset, user, unit) -> bool:
    """Whether the records of ``unit`` in ``queryset`` need ``for_user``: ``covers`` speaks
    of the records' own units, so records placed under another unit (``seen_from``) always
    do."""
    return queryset.seen_from_elsewhere or not covers(user, unit)


def scoped(queryset, *, user, unit, subtree: bool):
    """The records of ``queryset`` of ``unit`` (or its subtree) that ``user`` may open
    (``unit`` None: all of them, whatever their unit: the rows of one object)."""
    if unit is None:
        return queryset.for_user(user)
    if _read_for_user(queryset, user, unit):
        queryset = queryset.for_user(user)
    if subtree:
        return queryset.in_subtree(unit)
    return queryset.filter(**{queryset.placement.field("pk"): unit.pk})


def _scoped(plan: _Plan, user, unit, subtree: bool):
    return scoped(plan.metric.records_of(plan.params), user=user, unit=unit, subtree=subtree)


# --- rollups: whole months of a subtree whose top is at depth ≤ rollups.DEPTH -----------------


def _nonempty(start, end) -> bool:
    return start is None or end is None or start <= end


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def split_months(start, end) -> tuple[list[datetime.date], list[Period]]:
    """The whole months within [start, end] (their first days) and the day ranges left at
    either edge."""
    if start > end:
        return [], []
    months = []
    month = start if start.day == 1 else _next_month(start)
    while _next_month(month) - datetime.timedelta(days=1) <= end:
        months.append(month)
        month = _next_month(month)
    if not months:
        return [], [(start, end)]
    edges = []
    if start < months[0]:
        edges.append((start, months[0] - datetime.timedelta(days=1)))
    if month <= end:
        edges.append((month, end))
    return months, edges


class _EveryMonth:
    """The months of a period open on both sides: every month (each rollup row is in it)."""

    def __contains__(self, month) -> bool:
        return True


EVERY_MONTH = _EveryMonth()


def _months_to_read(months: list) -> set | None:
    """The months whose rollup rows answer periods of ``months`` (sets of first days, or
    ``EVERY_MONTH``): None for every month."""
    if any(wanted is EVERY_MONTH for wanted in months):
        return None
    return set().union(*months) if months else set()


def _rollup(plan: _Plan, user, unit, depth: int) -> rollups.Source | None:
    """The rollup answering ``plan`` for ``unit``'s subtree, or None (count live): the
    user sees the whole subtree, the rows reach ``depth``, every param is answered, and
    each period is closed or open on both sides (whatever the date: every month's rows)."""
    metric = plan.metric
    if metric.rollup is None or depth > rollups.DEPTH or not covers(user, unit):
        return None
    if any((start is None) != (end is None) for start, end in plan.periods):
        return None  # open on one side only: counted live
    asked = {k for k, v in plan.params.items() if v not in (None, "")}
    return metric.rollup if asked <= set(metric.rollup_params) else None


def _split(plan: _Plan):
    """Per period: its whole months; and the plan of every edge (counted live), with the
    index of the period each edge belongs to."""
    months: list[set | _EveryMonth] = []
    edges: list[Period] = []
    owners: list[int] = []
    for i, (start, end) in enumerate(plan.periods):
        if start is None and end is None:
            months.append(EVERY_MONTH)
            continue
        whole, left = split_months(start, end)
        months.append(set(whole))
        edges += left
        owners += [i] * len(left)
    return months, _Plan(plan.metric, plan.params, edges), owners


def _fold(rows: dict, found: dict, owners: list[int]) -> None:
    """Add the edge counts ``found`` (t0, c0 … per edge) to ``rows`` (t{i}, c{i} per period)."""
    for j, i in enumerate(owners):
        for prefix in ("t", "c"):
            rows[f"{prefix}{i}"] = (rows.get(f"{prefix}{i}") or 0) + (
                found.get(f"{prefix}{j}") or 0
            )


def _rollup_counts(metric: Metric, total: int, counted: int) -> tuple[int, int]:
    """A rollup row's (total, counted) as ``metric`` reads them: its numerator alone
    (``rollup_counted``) or the records not counted (``rollup_rest``) as a count metric."""
    if metric.rollup_counted:
        return counted, counted
    if metric.rollup_rest:
        return total - counted, 0
    return total, counted


def _rollup_rows(
    plan: _Plan, source, unit, months: list[set], children: bool, fetched=None
) -> dict:
    """{unit path: {t{i}, c{i}}} from the rollup rows (one query, or ``fetched``)."""
    every = _months_to_read(months)
    rows: dict = {}
    if every is not None and not every:
        return rows
    dim = plan.params.get(plan.metric.rollup_dim) if plan.metric.rollup_dim else None
    if fetched is None:
        fetched = rollups.read(source.key, under=unit, months=every, dim=dim, children=children)
    for path, month, total, counted in fetched:
        total, counted = _rollup_counts(plan.metric, total, counted)
        row = rows.setdefault(path, {})
        for i, wanted in enumerate(months):
            if month in wanted:
                row[f"t{i}"] = row.get(f"t{i}", 0) + total
                row[f"c{i}"] = row.get(f"c{i}", 0) + counted
    return rows


def _live_row(plan: _Plan, user, unit, subtree: bool) -> dict:
    if not plan.periods:
        return {}
    queryset = _scoped(plan, user, unit, subtree).filter(plan.where())
    row = queryset.order_by().aggregate(**plan.aggregates())
    if plan.metric.semi_join:
        row.update(plan.counted_rows(queryset).order_by().aggregate(**plan.numerators()))
    return row


def values(
    key: str,
    *,
    user,
    unit,
    subtree: bool,
    periods: list[Period],
    params: dict | None = None,
    today: datetime.date | None = None,
) -> list[Value]:
    """The metric for ``unit`` (own or subtree) in each of ``periods``: one query (the
    rollup rows of the whole months and, for any part of a month, one live count)."""
    plan = _plan(key, params, periods, today)
    source = _rollup(plan, user, unit, unit.depth) if subtree and unit is not None else None
    if source is None:
        row = _live_row(plan, user, unit, subtree)
    else:
        months, edges, owners = _split(plan)
        row = _rollup_rows(plan, source, unit, months, children=False).get(unit.path, {})
        _fold(row, _live_row(edges, user, unit, subtree), owners)
    return [plan.value(i, row, unit, subtree) for i in range(len(plan.periods))]


def value(key: str, *, user, unit, subtree: bool, start, end, params=None, today=None) -> Value:
    return values(
        key,
        user=user,
        unit=unit,
        subtree=subtree,
        periods=[(start, end)],
        params=params,
        today=today,
    )[0]


def of_object(key: str, *, user, params: dict, today: datetime.date | None = None) -> Value:
    """The metric over the rows of ONE object (``params`` name it: ``task``, ``campaign``,
    ``plan`` …): every record of it the user may open, whatever its unit, and whatever its
    date (a ``due_only`` metric: up to yesterday). The links carry no unit and no period
    but the object's parameter."""
    return values(
        key, user=user, unit=None, subtree=False, periods=[(None, None)], params=params, today=today
    )[0]


def breakdown_of_object(
    key: str,
    *,
    user,
    params: dict,
    fields: tuple[str, ...],
    cells: list[tuple] | tuple = (),
    today: datetime.date | None = None,
) -> dict:
    """``breakdown`` over the rows of ONE object, as ``of_object`` counts them."""
    return breakdown(
        key,
        user=user,
        unit=None,
        subtree=False,
        fields=fields,
        start=None,
        end=None,
        cells=cells,
        params=params,
        today=today,
    )


def per_object(
    key: str,
    objects,
    *,
    user,
    param: str,
    params: dict | None = None,
    today: datetime.date | None = None,
) -> dict:
    """{object pk: Value}: ``of_object`` of each of ``objects`` (a list page's rows, or their
    pks), which ``param`` names (``task``, ``campaign``: a field of the metric's records
    that its ``records`` also filter by), from ONE ``GROUP BY`` on that field over the rows
    of every object at once. Each value equals ``of_object(key, params={param: pk, ...})``
    and links to the list of exactly its records."""
    shared = {name: v for name, v in (params or {}).items() if name != param}
    plan = _plan(key, shared, [(None, None)], today)
    pks = list(dict.fromkeys(getattr(obj, "pk", obj) for obj in objects))
    rows: dict = {}
    if pks:
        queryset = _scoped(plan, user, None, False).filter(plan.where(), **{f"{param}__in": pks})
        rows = _grouped_rows(plan, queryset, (param,))
    return {
        pk: _Plan(plan.metric, {**plan.params, param: pk}, plan.periods).value(
            0, rows.get((pk,), {}), None, False
        )
        for pk in pks
    }


def _grouped_rows(plan: _Plan, queryset, fields: tuple[str, ...]) -> dict:
    """{(value of each of ``fields``): row}: ONE ``GROUP BY`` on ``fields`` (and, for a
    ``semi_join`` metric, its numerator's second one)."""

    def grouped(rows, aggregates):
        return {
            tuple(row.pop(name) for name in fields): row
            for row in rows.order_by().values(*fields).annotate(**aggregates)
        }

    found = grouped(queryset, plan.aggregates())
    if plan.metric.semi_join:
        for cell, row in grouped(plan.counted_rows(queryset), plan.numerators()).items():
            found.setdefault(cell, {}).update(row)
    return found


def _live_rows(plan: _Plan, user, unit) -> dict:
    """{branch path: row}: ONE ``GROUP BY`` over the subtree by direct child path prefix
    (the unit's own records form the group of its own path)."""
    if not plan.periods:
        return {}
    queryset = _scoped(plan, user, unit, subtree=True).filter(plan.where())
    path = queryset.placement.field("path")
    child_len = len(unit.path) + unit.steplen

    def grouped(rows, aggregates):
        return (
            rows.annotate(branch=Substr(path, 1, child_len))
            .order_by()
            .values("branch")
            .annotate(**aggregates)
        )

    rows = {row["branch"]: row for row in grouped(queryset, plan.aggregates())}
    if plan.metric.semi_join:
        for row in grouped(plan.counted_rows(queryset), plan.numerators()):
            rows.setdefault(row["branch"], {"branch": row["branch"]}).update(row)
    return rows


def _all_children(unit, branches) -> list | None:
    """``branches`` if they are every direct child of ``unit`` (treebeard's ``numchild``)."""
    children = [b for b in branches if b.depth == unit.depth + 1 and b.path.startswith(unit.path)]
    return children if len({c.pk for c in children}) == unit.numchild else None


def _rollup_table(plan: _Plan, source, user, unit, fetched=None) -> dict:
    """{branch path: row} from the rollup rows of the unit and its direct children (the
    unit's own = its subtree minus its children's), plus the live edges."""
    months, edges, owners = _split(plan)
    rows = _rollup_rows(plan, source, unit, months, children=True, fetched=fetched)
    subtree = rows.pop(unit.path, {})
    own = dict(subtree)
    for row in rows.values():
        for name, count in row.items():
            own[name] = own.get(name, 0) - count
    rows[unit.path] = own
    for branch, found in _live_rows(edges, user, unit).items():
        _fold(rows.setdefault(branch, {}), found, owners)
    return rows


def table(
    key: str,
    *,
    user,
    unit,
    periods: list[Period],
    branches: list,
    params: dict | None = None,
    today: datetime.date | None = None,
) -> dict:
    """{branch unit pk: [Value per period]} for each of ``branches`` (the unit's direct
    children, each with its subtree), the unit itself (its own records) and ``SUBTREE``
    (the whole subtree: the sum of every group), from ONE ``GROUP BY`` over the subtree
    (or the rollup rows of the unit and its children, plus one live count of any part of
    a month)."""
    plan = _plan(key, params, periods, today)
    source = _rollup(plan, user, unit, unit.depth + 1)
    if source is None:
        rows = _live_rows(plan, user, unit)
    else:
        rows = _rollup_table(plan, source, user, unit)
    return _table_values(plan, rows, unit, branches)


def tables(
    keys: list[str], *, user, unit, periods: list[Period], branches: list, today=None
) -> dict[str, dict]:
    """``table`` of each metric of ``keys`` (without params): the rollup rows of every
    metric they answer in ONE query, then a live count for each of the others (and of any
    part of a month)."""
    plans = {key: _plan(key, None, periods, today) for key in keys}
    answered = {}
    for key, plan in plans.items():
        source = _rollup(plan, user, unit, unit.depth + 1)
        if source is not None:
            answered[key] = source
    months = _months_to_read([m for key in answered for m in _split(plans[key])[0]])
    fetched = rollups.read_many(
        {s.key for s in answered.values()},
        under=unit,
        months=months,
        all_children=_all_children(unit, branches),
    )
    result = {}
    for key, plan in plans.items():
        if key in answered:
            rows = _rollup_table(
                plan, answered[key], user, unit, fetched.get(answered[key].key, [])
            )
        else:
            rows = _live_rows(plan, user, unit)
        result[key] = _table_values(plan, rows, unit, branches)
    return result


def _table_values(plan: _Plan, rows: dict, unit, branches) -> dict:
    result = {}
    for branch in branches:
        row = rows.get(branch.path, {})
        result[branch.pk] = [plan.value(i, row, branch, True) for i in range(len(plan.periods))]
    row = rows.get(unit.path, {})
    result[unit.pk] = [plan.value(i, row, unit, False) for i in range(len(plan.periods))]
    summed: dict = {}
    for row in rows.values():
        for name, count in row.items():
            if name != "branch" and count is not None:  # a sum may be a duration
                summed[name] = count if summed.get(name) is None else summed[name] + count
    result[SUBTREE] = [plan.value(i, summed, unit, True) for i in range(len(plan.periods))]
    return result


def by_dimension(
    key: str,
    *,
    user,
    unit,
    periods: list[Period],
    params: dict | None = None,
    today: datetime.date | None = None,
    subtree: bool = True,
    dims=(),
    with_total: bool = False,
) -> dict:
    """{dimension value: [Value per period]} of ``unit`` (its subtree, or ``subtree=False``
    its own records; None: every record the user may open, whatever its unit) for a metric
    whose rollup has a dimension (e.g. ``ledger_count`` by activity type): one query over
    the rollup rows (whole months of a covered subtree at depth ≤ 3) or one live
    ``GROUP BY``. ``dims``: values stated even with no record (0). Each value's links name
    the dimension (``rollup_dim`` param). ``with_total``: also ``ALL_DIMENSIONS``, the
    values of every dimension together (their sum), linking to all their records."""
    plan = _plan(key, params, periods, today)
    covered = subtree and unit is not None
    source = _rollup(plan, user, unit, unit.depth) if covered else None
    rows = (
        _live_dimension_rows(plan, user, unit, subtree)
        if source is None
        else _rollup_dimension_rows(plan, source, user, unit)
    )
    result = {}
    if with_total:
        summed: dict = {}
        for row in rows.values():
            _add_row(summed, row)
        result[ALL_DIMENSIONS] = [
            plan.value(i, summed, unit, subtree) for i in range(len(plan.periods))
        ]
    for dim in dims:
        rows.setdefault(dim, {})
    for dim, row in rows.items():
        dim_plan = _Plan(plan.metric, {**plan.params, plan.metric.rollup_dim: dim}, plan.periods)
        result[dim] = [dim_plan.value(i, row, unit, subtree) for i in range(len(plan.periods))]
    return result


def dimensions_of(key: str, params_list: list[dict]) -> list:
    """The dimension value each of ``params_list`` asks for (e.g. its activity type's id),
    where ``by_dimension`` answers it (the metric has a dimension and the params ask for
    nothing else); None for the others (count them one by one with ``values``)."""
    metric = get(key)
    if metric.rollup is None or not metric.rollup_dim:
        return [None] * len(params_list)
    prepared = prepare_all(key, params_list)
    answered = set(metric.rollup_params)
    found = []
    for params in prepared:
        asked = {k for k, v in (params or {}).items() if v not in (None, "")}
        dim = (params or {}).get(metric.rollup_dim)
        found.append(dim if dim is not None and asked <= answered else None)
    return found


def prepare_all(key: str, params_list: list[dict]) -> list[dict | None]:
    """Each of ``params_list`` as the metric's evaluations use it (``Metric.prepare``: e.g.
    its activity type's id added), all from one query where the metric can
    (``prepare_many``); None where it cannot be prepared (an unknown activity type). An
    evaluation given params prepared here does not prepare them again."""
    metric = get(key)
    copies = [dict(params or {}) for params in params_list]
    if metric.prepare_many is not None:
        return metric.prepare_many(copies)
    return [_prepared(metric, params) for params in copies]


def _prepared(metric: Metric, params: dict) -> dict | None:
    try:
        return metric.prepare(params)
    except ObjectDoesNotExist:
        return None


def _live_dimension_rows(plan: _Plan, user, unit, subtree: bool = True) -> dict:
    if not plan.periods:
        return {}
    queryset = _scoped(plan, user, unit, subtree).filter(plan.where())
    assert plan.metric.rollup is not None  # only metrics with a rollup have dimensions
    field_name = plan.metric.rollup.dim
    rows = queryset.order_by().values(field_name).annotate(**plan.aggregates())
    return {row.pop(field_name): row for row in rows}


def _rollup_dimension_rows(plan: _Plan, source, user, unit) -> dict:
    months, edges, owners = _split(plan)
    rows: dict = {}
    every = _months_to_read(months)
    for dim, month, total, counted in rollups.read_by_dim(source.key, under=unit, months=every):
        total, counted = _rollup_counts(plan.metric, total, counted)
        row = rows.setdefault(dim, {})
        for i, wanted in enumerate(months):
            if month in wanted:
                row[f"t{i}"] = row.get(f"t{i}", 0) + total
                row[f"c{i}"] = row.get(f"c{i}", 0) + counted
    for dim, found in _live_dimension_rows(edges, user, unit).items():
        _fold(rows.setdefault(dim, {}), found, owners)
    return rows


def breakdown(
    key: str,
    *,
    user,
    unit,
    subtree: bool,
    fields: tuple[str, ...],
    start,
    end,
    cells: list[tuple] | tuple = (),
    params: dict | None = None,
    today: datetime.date | None = None,
) -> dict:
    """{(value of each of ``fields``): Value} of a count metric for ``unit`` (own or subtree)
    and one period, from ONE live ``GROUP BY`` on ``fields`` (e.g. the risk heat map: area ×
    level); each of ``cells`` is there too (0 when it has no records). Each field is also a
    param of the metric (its records and its list filters read it), so each cell's link
    opens exactly that cell's records."""
    plan = _plan(key, params, [(start, end)], today)
    queryset = _scoped(plan, user, unit, subtree).filter(plan.where())
    rows = _grouped_rows(plan, queryset, fields)
    result = {}
    for cell in [*cells, *(c for c in rows if c not in cells)]:
        named = {**plan.params, **dict(zip(fields, cell, strict=True))}
        result[cell] = _Plan(plan.metric, named, plan.periods).value(
            0, rows.get(cell, {}), unit, subtree
        )
    return result


@dataclass(frozen=True)
class _Ref:
    """A unit as a value's links name it."""

    pk: int


def _add_row(into: dict, row: dict) -> None:
    for name, number in row.items():
        if number is not None:
            into[name] = number if into.get(name) is None else into[name] + number


def by_unit(
    key: str,
    *,
    user,
    unit,
    start,
    end,
    units=(),
    params: dict | None = None,
    today: datetime.date | None = None,
) -> dict:
    """{unit pk: (own Value, subtree Value)} for ``unit``, each of ``units`` (units of its
    subtree: 0 when they have no records) and every unit of the subtree with records of its
    own, from ONE live ``GROUP BY`` by unit (the records the user may open): a unit's subtree
    value adds the groups of the units below it. Each link names its unit (仅本单位 or
    含下级) — the 整改统计 page's own and subtree figures of every unit."""
    plan = _plan(key, params, [(start, end)], today)
    queryset = _scoped(plan, user, unit, subtree=True).filter(plan.where())
    spec = queryset.placement
    pk_name, path_name = spec.field("pk"), spec.field("path")
    grouped = queryset.order_by().values(pk_name, path_name).annotate(**plan.aggregates())
    own = {row.pop(path_name): (row.pop(pk_name), row) for row in grouped}
    for shown in (unit, *units):
        own.setdefault(shown.path, (shown.pk, {}))
    below: dict = {}
    for path, (_pk, row) in own.items():
        for length in range(len(unit.path), len(path) + 1, unit.steplen):
            if path[:length] in own:
                _add_row(below.setdefault(path[:length], {}), row)
    return {
        pk: (plan.value(0, row, _Ref(pk), False), plan.value(0, below[path], _Ref(pk), True))
        for path, (pk, row) in own.items()
    }


def _units_queryset(plan: _Plan, user, units: list, subtree: bool):
    """The records of each of ``units`` (own, or its subtree) that ``user`` may open."""
    queryset = plan.metric.records_of(plan.params)
    if any(_read_for_user(queryset, user, unit) for unit in units):
        queryset = queryset.for_user(user)
    spec = queryset.placement
    if not subtree:
        return queryset.filter(**{f"{spec.field('pk')}__in": [u.pk for u in units]})
    tops = sorted({u.path for u in units})
    tops = [p for i, p in enumerate(tops) if not any(p.startswith(t) for t in tops[:i])]
    condition = Q(pk__in=[])
    for path in tops:
        condition |= subtree_q(spec, path)
    return queryset.filter(condition)


def per_unit(
    key: str,
    *,
    user,
    units: list,
    subtree: bool,
    periods: list[Period],
    params: dict | None = None,
    today: datetime.date | None = None,
    parent=None,
) -> dict:
    """{unit pk: [Value per period]}: ``values`` of each of ``units`` (own, or each with its
    subtree), from ONE live ``GROUP BY`` by unit over the records of them all (a unit's
    subtree value adds the groups of the units below it, as ``by_unit``). Each value equals
    ``values(key, unit=that unit, ...)`` and links to exactly its records (the duty
    overview: units × items, one query per item for every unit and period). Subtrees of
    direct children of ``parent``: ``table``'s branches (its rollup rows where they answer)."""
    units = list(units)
    if subtree and parent is not None and units and all(_is_child(u, parent) for u in units):
        branches = table(
            key, user=user, unit=parent, periods=periods, branches=units, params=params, today=today
        )
        return {unit.pk: branches[unit.pk] for unit in units}
    plan = _plan(key, params, periods, today)
    found: dict = {unit.path: {} for unit in units}
    if units and plan.periods:
        queryset = _units_queryset(plan, user, units, subtree).filter(plan.where())
        steplen = units[0].steplen
        for path, row in _by_path(plan, queryset).items():
            owners = range(steplen, len(path) + 1, steplen) if subtree else [len(path)]
            for length in owners:
                if path[:length] in found:
                    _add_row(found[path[:length]], row)
    return {
        unit.pk: [plan.value(i, found[unit.path], unit, subtree) for i in range(len(plan.periods))]
        for unit in units
    }


def _is_child(unit, parent) -> bool:
    return unit.depth == parent.depth + 1 and unit.path.startswith(parent.path)


def _by_path(plan: _Plan, queryset) -> dict:
    """{unit path: row}: one ``GROUP BY`` on the records' unit (and, for a ``semi_join``
    metric, its numerator's second one)."""
    path_name = queryset.placement.field("path")
    parts = [(queryset, plan.aggregates())]
    if plan.metric.semi_join:
        parts.append((plan.counted_rows(queryset), plan.numerators()))
    found: dict = {}
    for part, aggregates in parts:
        for row in part.order_by().values(path_name).annotate(**aggregates):
            found.setdefault(row.pop(path_name), {}).update(row)
    return found

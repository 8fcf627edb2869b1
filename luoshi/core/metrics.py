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

Definitions (docs/metrics.md has the table):
- a count metric counts the records whose date falls in the period;
- a rate is ``count / total`` of the records in the period; with ``due_only`` the period
  ends yesterday at the latest (only items whose deadline has passed count, both above and
  below the line); a zero denominator is not applicable: ``rate`` is None and shows 「—」,
  never 0% or 100%; rates are rounded half up to one decimal (四舍五入).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.apps import apps as django_apps
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone

from luoshi.core.dates import day_start
from luoshi.core.scope import DataScope, user_scopes

NOT_APPLICABLE = "—"
SUBTREE = "subtree"  # the key of the whole subtree's values in ``table``

Period = tuple[datetime.date, datetime.date]


def dates_between(field_name: str) -> Callable[[datetime.date, datetime.date], Q]:
    """A DateField within [start, end]."""

    def condition(start, end):
        return Q(**{f"{field_name}__gte": start, f"{field_name}__lte": end})

    return condition


def moments_between(field_name: str) -> Callable[[datetime.date, datetime.date], Q]:
    """A DateTimeField on a local date within [start, end] (as the list filters read it)."""

    def condition(start, end):
        return Q(
            **{
                f"{field_name}__gte": day_start(start),
                f"{field_name}__lt": day_start(end + datetime.timedelta(days=1)),
            }
        )

    return condition


def _no_filters(params, start, end) -> dict:
    return {}


def _same_params(params: dict) -> dict:
    return params


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
    due_only: bool = False
    # The numerator is an EXISTS independent of the period (e.g. 有佐证): count it by a
    # second query with the EXISTS in the WHERE clause (a semi-join on PostgreSQL) instead
    # of one correlated EXISTS per record in the aggregate.
    semi_join: bool = False
    # A sum of a numeric field of the records instead of their count (a figure of a
    # statistics form): ``summed`` names the field. For such a rate, ``total_counted`` is the
    # Q of the denominator's records among the period's (the numerator's is ``counted``).
    summed: str = ""
    total_counted: Callable | None = None
    count_label: str = ""  # a rate's numerator: 「按时报送」
    total_label: str = ""  # a rate's denominator: 「应报送」
    description: str = ""

    @property
    def is_rate(self) -> bool:
        return self.counted is not None


_REGISTRY: dict[str, Metric] = {}


def register(*metrics: Metric) -> None:
    for metric in metrics:
        _REGISTRY[metric.key] = metric


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
    """A metric's figure for one unit (own or subtree) and one period."""

    metric: Metric
    count: int
    total: int | None
    count_url: str
    total_url: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None

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
        return self.metric.in_period(start, end) if start <= end else Q(pk__in=[])

    def _measure(self, condition: Q):
        if self.metric.summed:
            return Sum(self.metric.summed, filter=condition)
        return Count("pk", filter=condition)

    def aggregates(self) -> dict:
        result = {}
        for i, (start, end) in enumerate(self.periods):
            within = self._within(start, end)
            below = within
            if self.metric.total_counted is not None:
                below = within & self.metric.total_counted(start, end)
            result[f"t{i}"] = self._measure(below)
            if self.metric.is_rate and not self.metric.semi_join:
                counted_by = self.metric.counted
                assert counted_by is not None  # is_rate
                result[f"c{i}"] = self._measure(within & counted_by(start, end))
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
            if start <= end:
                condition |= self.metric.in_period(start, end)
        return condition

    def value(self, i: int, row: dict, unit, subtree: bool) -> Value:
        start, end = self.periods[i]
        metric = self.metric
        base = {"unit": unit.pk, "unit_scope": "subtree" if subtree else "own"}
        base.update(metric.filters(self.params, start, end))
        total_url = f"{reverse(metric.list_url)}?{urlencode(base, doseq=True)}"
        total = figure(row.get(f"t{i}"))
        if not metric.is_rate:
            return Value(metric, total, None, total_url, total_url, start, end)
        counted = {**base, **metric.count_filters(self.params, start, end)}
        count_url = f"{reverse(metric.list_url)}?{urlencode(counted, doseq=True)}"
        return Value(metric, figure(row.get(f"c{i}")), total, count_url, total_url, start, end)


def _plan(key: str, params: dict | None, periods: list[Period], today) -> _Plan:
    metric = get(key)
    params = metric.prepare(dict(params or {}))
    if metric.due_only:
        last = (today or timezone.localdate()) - datetime.timedelta(days=1)
        periods = [(start, min(end, last)) for start, end in periods]
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


def scoped(queryset, *, user, unit, subtree: bool):
    """The records of ``queryset`` of ``unit`` (or its subtree) that ``user`` may open."""
    if not covers(user, unit):
        queryset = queryset.for_user(user)
    if subtree:
        return queryset.in_subtree(unit)
    return queryset.filter(**{queryset.model.scope_spec.field("pk"): unit.pk})


def _scoped(plan: _Plan, user, unit, subtree: bool):
    return scoped(plan.metric.records(plan.params), user=user, unit=unit, subtree=subtree)


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
    """The metric for ``unit`` (own or subtree) in each of ``periods``: one query."""
    plan = _plan(key, params, periods, today)
    queryset = _scoped(plan, user, unit, subtree).filter(plan.where())
    row = queryset.order_by().aggregate(**plan.aggregates())
    if plan.metric.semi_join:
        row.update(plan.counted_rows(queryset).order_by().aggregate(**plan.numerators()))
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
    (the whole subtree: the sum of every group), from ONE ``GROUP BY`` over the subtree."""
    plan = _plan(key, params, periods, today)
    queryset = _scoped(plan, user, unit, subtree=True).filter(plan.where())
    path = queryset.model.scope_spec.field("path")
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
    result = {}
    for branch in branches:
        row = rows.get(branch.path, {})
        result[branch.pk] = [plan.value(i, row, branch, True) for i in range(len(plan.periods))]
    row = rows.get(unit.path, {})
    result[unit.pk] = [plan.value(i, row, unit, False) for i in range(len(plan.periods))]
    summed: dict[str, int] = {}
    for row in rows.values():
        for name, count in row.items():
            if name != "branch":
                summed[name] = summed.get(name, 0) + (count or 0)
    result[SUBTREE] = [plan.value(i, summed, unit, True) for i in range(len(plan.periods))]
    return result


def status_rate(
    *,
    model: str,
    date_field: str,
    date_params: tuple[str, str],
    status: str = "closed",
    **declared,
) -> Metric:
    """A rate over the records of ``model`` (``"app.Model"``) whose ``date_field`` (a
    DateField or ``x__date``) falls in the period: those in ``status`` out of all. Its list
    links filter by ``date_params`` (the list's from/to parameters) and ``status``.
    ``declared``: the other ``Metric`` fields (key, label, list_url, labels...)."""
    from_param, to_param = date_params

    def records(params):
        return django_apps.get_model(model)._default_manager.all()

    return Metric(
        records=records,
        in_period=dates_between(date_field),
        counted=lambda start, end: Q(status=status),
        filters=lambda params, start, end: {
            from_param: start.isoformat(),
            to_param: end.isoformat(),
        },
        count_filters=lambda params, start, end: {"status": status},
        **declared,
    )

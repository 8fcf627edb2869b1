"""驾驶舱: roll-ups of every module for a unit's subtree and a period, year on year.

Public API (stable; the scale benchmark in ``bench/`` calls it):

    period_for(year, quarter=None, month=None) -> Period
    resolve_unit(user, unit_id=None) -> Unit            # in the user's scope, else Http404
    dashboard(user, unit, period, *, today=None) -> DashboardData
    frame(user, unit, period) -> Frame                  # the page around cached figures
    duty_panel(user, unit, year, *, today=None) -> DutyPanel | None   # loaded separately

and one function per panel, each ``(ctx: Context) -> Panel | ... | None`` (``None`` when the
user lacks the module's view permission): ``ledger_panel``, ``task_panel``,
``publication_panel``, ``event_panel``, ``incident_panel``, ``rectification_panel``,
``risk_panel``, ``assessment_panel``, ``statform_panel``; ``Context`` is built by ``context_for(user, unit,
period)``.

How it is computed: every figure is a metric (``luoshi.core.metrics``; the panels' keys are
``PANEL_METRICS``) of the unit's subtree for the current AND the previous period (the same
dates a year earlier), read by ``metrics.tables``: the rollup rows of every metric they
answer in one query, one ``GROUP BY`` by direct child for each metric counted live; the
risk heat map is ``metrics.breakdown`` (one GROUP BY by area × level). No panel counts
records itself. The number of queries is therefore the same whatever the size of the tree
(see tests).

Every number carries ``url``: the module's own filtered list page listing exactly the
records counted (same filters, same scope), so a click drills down to them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import F, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.assessment.models import Assessment
from luoshi.assessment.selectors import ranking
from luoshi.core import metrics
from luoshi.core.scope import scope_q
from luoshi.duty import selectors as duty
from luoshi.duty.selectors import BEHIND
from luoshi.ledger.models import ActivityType
from luoshi.risks.models import RiskArea, RiskLevel
from luoshi.statforms.selectors import latest_figures
from luoshi.units.models import Unit

# ---------------------------------------------------------------------------------------------
# Periods


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    label: str
    year: int
    quarter: int | None = None
    month: int | None = None

    def previous(self) -> Period:
        """The same dates one year earlier (year on year)."""
        return period_for(self.year - 1, self.quarter, self.month)

    def query(self) -> dict:
        """The dashboard's own querystring for this period."""
        query = {"year": self.year}
        if self.quarter:
            query["quarter"] = self.quarter
        if self.month:
            query["month"] = self.month
        return query


def period_for(year: int, quarter: int | None = None, month: int | None = None) -> Period:
    """A calendar year, one of its quarters or one of its months."""
    if month:
        start = datetime.date(year, month, 1)
        end = _month_end(start)
        return Period(start, end, _("%(y)d年%(m)d月") % {"y": year, "m": month}, year, None, month)
    if quarter:
        start = datetime.date(year, 3 * quarter - 2, 1)
        end = _month_end(datetime.date(year, 3 * quarter, 1))
        label = _("%(y)d年第%(q)d季度") % {"y": year, "q": quarter}
        return Period(start, end, label, year, quarter, None)
    return Period(
        datetime.date(year, 1, 1), datetime.date(year, 12, 31), _("%(y)d年") % {"y": year}, year
    )


def _month_end(day: datetime.date) -> datetime.date:
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


# ---------------------------------------------------------------------------------------------
# Figures


@dataclass(frozen=True)
class Num:
    """A count and the list page of exactly the records counted (``link``: the url, or a
    function building it when the page first reads it)."""

    value: int
    link: str | Callable[[], str] = ""

    @property
    def url(self) -> str:
        return self.link() if callable(self.link) else self.link


@dataclass(frozen=True)
class Rate:
    """``count`` of ``total``; both drill down."""

    count: Num
    total: Num

    @property
    def value(self) -> Decimal | None:
        return metrics.rate_of(self.count.value, self.total.value)

    @property
    def url(self) -> str:
        return self.count.url

    @classmethod
    def of(cls, value: metrics.Value) -> Rate:
        return cls(
            Num(value.count, lambda: value.count_url),
            Num(value.total or 0, lambda: value.total_url),
        )


@dataclass(frozen=True)
class Figure:
    """One indicator, this period and the same period a year earlier."""

    key: str
    label: str
    current: Num | Rate
    previous: Num | Rate | None = None
    unit_label: str = ""  # 次 / 件 / % …
    good_when_up: bool = True

    @property
    def is_rate(self) -> bool:
        return isinstance(self.current, Rate)

    @property
    def trend(self) -> str:
        """up / down / same / "" (nothing to compare)."""
        if self.previous is None:
            return ""
        now, before = self.current.value, self.previous.value
        if now is None or before is None:
            return ""
        return "up" if now > before else "down" if now < before else "same"

    @property
    def trend_css(self) -> str:
        if self.trend in ("", "same"):
            return "secondary"
        return "success" if (self.trend == "up") == self.good_when_up else "danger"


@dataclass
class RankRow:
    unit: Unit
    value: Num | Rate
    rank: int = 0


@dataclass
class Ranking:
    key: str
    label: str
    rows: list[RankRow] = field(default_factory=list)


@dataclass
class Panel:
    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    rankings: list[Ranking] = field(default_factory=list)
    chart: dict | None = None  # data for the template's ECharts option
    extra: dict = field(default_factory=dict)

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)


@dataclass
class Context:
    """What every panel needs: who, which subtree, which periods, the direct children."""

    user: Any
    unit: Unit
    period: Period
    previous: Period
    today: datetime.date
    children: list[Unit]
    child_len: int
    tables: dict = field(default_factory=dict)  # metric key -> metrics.table, fetched at once

    @property
    def periods(self) -> dict[str, Period]:
        return {"cur": self.period, "prev": self.previous}

    def can(self, permission: str) -> bool:
        return self.user.has_perm(permission)

    def url(self, url_name: str, unit: Unit | None = None, **params) -> str:
        query = {"unit": (unit or self.unit).pk, "unit_scope": "subtree"}
        query.update({k: v for k, v in params.items() if v not in (None, "")})
        return f"{reverse(url_name)}?{metrics.query_string(query)}"


@dataclass
class Frame:
    """What the page shows around the figures (the unit chooser, the title)."""

    unit: Unit
    period: Period
    previous: Period
    lineage: list[Unit]  # the unit's ancestors in the user's scope, root first, then the unit
    children: list[Unit]


@dataclass
class DashboardData(Frame):
    panels: dict[str, Panel] = field(default_factory=dict)

    @property
    def rankings(self) -> list[tuple[Panel, Ranking]]:
        return [(p, r) for p in self.panels.values() for r in p.rankings]


# ---------------------------------------------------------------------------------------------
# Entry points


def resolve_unit(user, unit_id=None) -> Unit:
    """The unit the dashboard shows: ``unit_id`` if in the user's scope (else 404), by default
    the user's own unit, or the top of their scope."""
    units = Unit.objects.for_user(user)
    if unit_id not in (None, ""):
        try:
            return units.get(pk=int(unit_id))
        except (Unit.DoesNotExist, TypeError, ValueError):
            raise Http404 from None
    if user.unit_id:
        own = units.filter(pk=user.unit_id).first()
        if own is not None:
            return own
    first = units.order_by("path").first()
    if first is None:
        raise Http404
    return first


def frame(user, unit: Unit, period: Period) -> Frame:
    """The title and the unit chooser's upper half of ``unit``'s page: the unit's ancestors
    in the user's scope (one query). Its children, the same for everyone who may open the
    unit, are ``children_of`` (cached with the figures)."""
    lineage = list(
        Unit.objects.filter(
            Q(path__in=unit.lineage_paths) & scope_q(user, Unit.scope_spec)
        ).order_by("path")
    )
    return Frame(unit, period, period.previous(), lineage, [])


def children_of(unit: Unit) -> list[Unit]:
    """The unit's direct children (the unit chooser's lower half)."""
    return list(
        Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1).order_by("path")
    )


def context_for(user, unit: Unit, period: Period, *, today=None) -> Context:
    ctx, _lineage = _context_and_lineage(user, unit, period, today=today)
    return ctx


def _context_and_lineage(user, unit: Unit, period: Period, *, today=None):
    """The unit's direct children and its ancestors in the user's scope: one query."""
    child_len = len(unit.path) + unit.steplen
    units = list(
        Unit.objects.filter(
            Q(path__startswith=unit.path, depth=unit.depth + 1)
            | (Q(path__in=unit.lineage_paths) & scope_q(user, Unit.scope_spec))
        ).order_by("path")
    )
    children = [u for u in units if u.depth == unit.depth + 1]
    lineage = [u for u in units if u.depth <= unit.depth]
    ctx = Context(
        user=user,
        unit=unit,
        period=period,
        previous=period.previous(),
        today=today or timezone.localdate(),
        children=children,
        child_len=child_len,
    )
    return ctx, lineage


PANELS = (
    "ledger_panel",
    "task_panel",
    "publication_panel",
    "event_panel",
    "incident_panel",
    "rectification_panel",
    "risk_panel",
    "assessment_panel",
    "statform_panel",
)


# The metrics each panel reads (its view permission): fetched together, the rollup rows of
# all of them in one query (``metrics.tables``).
PANEL_METRICS = {
    "ledger.view_ledgerrecord": (
        "ledger_count",
        "evidence_completeness",
        "ledger_without_evidence",
    ),
    "tasks.view_taskassignment": ("tasks_assigned", "tasks_open", "tasks_overdue", "task_series"),
    "publications.view_publication": ("review_coverage",),
    "events.view_eventfiling": ("event_filing_rate",),
    "incidents.view_incident": (
        "incident_closure_rate",
        "incidents_open",
        "incident_response_hours",
    ),
    "inspections.view_rectificationitem": ("rectification_rate", "rectifications_overdue"),
}


def dashboard(user, unit: Unit, period: Period, *, today=None) -> DashboardData:
    """Every panel the user may see for ``unit``'s subtree over ``period``."""
    ctx, lineage = _context_and_lineage(user, unit, period, today=today)
    keys = [k for perm, found in PANEL_METRICS.items() if user.has_perm(perm) for k in found]
    ctx.tables = metrics.tables(
        keys,
        user=user,
        unit=unit,
        periods=[(p.start, p.end) for p in ctx.periods.values()],
        branches=ctx.children,
        today=ctx.today,
    )
    panels = {}
    for name in PANELS:
        panel = globals()[name](ctx)
        if panel is not None:
            panels[panel.key] = panel
    return DashboardData(
        unit=unit,
        period=period,
        previous=ctx.previous,
        lineage=lineage,
        children=ctx.children,
        panels=panels,
    )


# ---------------------------------------------------------------------------------------------
# Grouping helpers


class MetricTable:
    """A rate metric over the subtree for the current and previous period, with a value
    per direct child: ``metrics.table`` (one GROUP BY), read as dashboard figures."""

    def __init__(self, ctx: Context, key: str, params: dict | None = None):
        self.ctx = ctx
        if not params and key in ctx.tables:
            self.values = ctx.tables[key]
        else:
            self.values = metrics.table(
                key,
                user=ctx.user,
                unit=ctx.unit,
                periods=[(p.start, p.end) for p in ctx.periods.values()],
                branches=ctx.children,
                params=params,
                today=ctx.today,
            )
        self.names = list(ctx.periods)

    def rate(self, name: str, unit: Unit | None = None) -> Rate:
        key = metrics.SUBTREE if unit is None else unit.pk
        return Rate.of(self.values[key][self.names.index(name)])

    def num(self, name: str, unit: Unit | None = None) -> Num:
        """A count metric's figure."""
        value = self.values[metrics.SUBTREE if unit is None else unit.pk][self.names.index(name)]
        return Num(value.count, lambda: value.count_url)

    def count_ranking(self, key: str, label: str) -> Ranking:
        rows = [RankRow(unit=c, value=self.num("cur", c)) for c in self.ctx.children]
        return Ranking(key=key, label=label, rows=_rank(rows))

    def figure(self, key: str, label: str) -> Figure:
        return Figure(key, label, self.rate("cur"), self.rate("prev"), "%")

    def ranking(self, key: str, label: str) -> Ranking:
        rows = [RankRow(unit=c, value=self.rate("cur", c)) for c in self.ctx.children]
        return Ranking(key=key, label=label, rows=_rank(rows))


def _rank(rows: list[RankRow]) -> list[RankRow]:
    """Descending by value (a rate: by percent, units with nothing due last), ties share a rank."""

    def sort_key(row):
        value = row.value.value
        if isinstance(row.value, Rate):
            return (value is None, -(value or 0), -row.value.total.value, row.unit.path)
        return (False, -value, 0, row.unit.path)

    rows.sort(key=sort_key)
    previous = None
    for position, row in enumerate(rows, start=1):
        value = row.value.value
        row.rank = previous[1] if previous and previous[0] == value else position
        previous = (value, row.rank)
    return rows


# ---------------------------------------------------------------------------------------------
# Panels


def ledger_panel(ctx: Context) -> Panel | None:
    """工作台账: records by month and type, year on year; 佐证完整率; records per child unit.
    Every figure is a metric (``ledger_count``, ``evidence_completeness``,
    ``ledger_without_evidence``)."""
    if not ctx.can("ledger.view_ledgerrecord"):
        return None
    records = MetricTable(ctx, "ledger_count")
    evidence = MetricTable(ctx, "evidence_completeness")
    figures = [
        Figure("records", _("台账记录"), records.num("cur"), records.num("prev"), _("条")),
        evidence.figure("evidence", _("佐证完整率")),
    ]
    missing = MetricTable(ctx, "ledger_without_evidence")
    figures.append(
        Figure(
            "missing_evidence",
            _("缺佐证记录"),
            missing.num("cur"),
            missing.num("prev"),
            _("条"),
            good_when_up=False,
        )
    )
    rankings = [
        records.count_ranking("ledger", _("台账活跃度（记录数）")),
        evidence.ranking("evidence", _("佐证完整率")),
    ]
    return Panel("ledger", _("工作台账"), figures, rankings, chart=_ledger_chart(ctx))


def _months_of(period: Period) -> list[datetime.date]:
    months = []
    day = period.start
    while day <= period.end:
        months.append(day)
        day = _month_end(day) + datetime.timedelta(days=1)
    return months


def _ledger_chart(ctx: Context) -> dict:
    """Month × activity type of the period (stacked bars), the previous year's monthly
    totals (a line) and each type's whole period and the same period a year earlier
    (「本期 / 上年」): every figure is a ``ledger_count`` Value, by type and in all
    (``metrics.by_dimension``: one query for every month and both whole periods), linking
    to exactly its records (``count_url``); and one query for the types' names."""
    months = _months_of(ctx.period)
    before = _months_of(ctx.previous)
    periods: list[metrics.Period] = [(m, _month_end(m)) for m in months + before]
    periods += [(p.start, p.end) for p in ctx.periods.values()]  # the whole cur, prev
    found = metrics.by_dimension(
        "ledger_count",
        user=ctx.user,
        unit=ctx.unit,
        periods=periods,
        today=ctx.today,
        with_total=True,
    )
    every = found.pop(metrics.ALL_DIMENSIONS)
    types = list(
        ActivityType.objects.filter(pk__in=list(found)).order_by("order", "pk").values("pk", "name")
    )
    n, m = len(months), len(months) + len(before)
    series, rows = [], []
    for kind in types:
        values = found[kind["pk"]]
        if any(v.count for v in values[:n]):
            series.append({"name": kind["name"], "data": [_point(v) for v in values[:n]]})
        cur, prev = values[m], values[m + 1]
        rows.append(
            {
                "name": kind["name"],
                "cur": cur.count,
                "prev": prev.count,
                "cur_url": cur.count_url,
                "prev_url": prev.count_url,
            }
        )
    return {
        "months": [_("%(m)d月") % {"m": month.month} for month in months],
        "series": series,
        "previous": [_point(v) for v in every[n:m]],
        "previous_label": ctx.previous.label,
        "by_type": rows,
        "labels": {"cur": ctx.period.label, "prev": ctx.previous.label},
    }


def _point(value: metrics.Value) -> dict:
    """A chart point: the metric's figure and the list of exactly its records."""
    return {"value": value.count, "url": value.count_url}


def task_panel(ctx: Context) -> Panel | None:
    """任务交办: assignments due in the period — open, overdue, on-time rate; every figure
    a metric (``tasks_assigned``, ``tasks_open``, ``tasks_overdue``, ``task_series``)."""
    if not ctx.can("tasks.view_taskassignment"):
        return None
    assigned = MetricTable(ctx, "tasks_assigned")
    open_ = MetricTable(ctx, "tasks_open")
    overdue = MetricTable(ctx, "tasks_overdue")
    on_time = MetricTable(ctx, "task_series")
    figures = [
        Figure("assigned", _("本期应办任务"), assigned.num("cur"), assigned.num("prev"), _("件")),
        Figure(
            "open", _("未办结"), open_.num("cur"), open_.num("prev"), _("件"), good_when_up=False
        ),
        Figure(
            "overdue",
            _("逾期未报"),
            overdue.num("cur"),
            overdue.num("prev"),
            _("件"),
            good_when_up=False,
        ),
        on_time.figure("on_time", _("按时报送率")),
    ]
    rankings = [on_time.ranking("tasks", _("任务按时报送率"))]
    return Panel("tasks", _("任务交办"), figures, rankings)


def publication_panel(ctx: Context) -> Panel | None:
    """信息发布三审: published items of the period with all three review steps signed."""
    if not ctx.can("publications.view_publication"):
        return None
    coverage = MetricTable(ctx, "review_coverage")
    figures = [
        Figure(
            "published",
            _("发布信息"),
            coverage.rate("cur").total,
            coverage.rate("prev").total,
            _("条"),
        ),
        coverage.figure("coverage", _("三审覆盖率")),
    ]
    rankings = [coverage.ranking("publications", _("三审覆盖率"))]
    return Panel("publications", _("信息发布三审"), figures, rankings)


def event_panel(ctx: Context) -> Panel | None:
    """讲座论坛备案: events held in the period and those approved before they began."""
    if not ctx.can("events.view_eventfiling"):
        return None
    filed = MetricTable(ctx, "event_filing_rate")
    figures = [
        Figure(
            "held", _("举办讲座论坛"), filed.rate("cur").total, filed.rate("prev").total, _("场")
        ),
        filed.figure("filing", _("事前备案率")),
    ]
    return Panel("events", _("讲座论坛备案"), figures)


def incident_panel(ctx: Context) -> Panel | None:
    """舆情事件: discovered in the period, still open, closed; mean hours to first response.
    Every figure a metric (``incident_closure_rate``, ``incidents_open``,
    ``incident_response_hours``)."""
    if not ctx.can("incidents.view_incident"):
        return None
    closure = MetricTable(ctx, "incident_closure_rate")
    open_ = MetricTable(ctx, "incidents_open")
    response = MetricTable(ctx, "incident_response_hours")
    responded = response.values[metrics.SUBTREE]
    figures = [
        Figure(
            "incidents",
            _("登记舆情事件"),
            closure.rate("cur").total,
            closure.rate("prev").total,
            _("件"),
        ),
        Figure(
            "open", _("未办结"), open_.num("cur"), open_.num("prev"), _("件"), good_when_up=False
        ),
        closure.figure("closure", _("办结率")),
    ]
    extra = {
        "response_hours": responded[0].mean,
        "response_hours_prev": responded[1].mean,
        "responded": response.num("cur"),
    }
    return Panel("incidents", _("舆情事件处置"), figures, extra=extra)


def rectification_panel(ctx: Context) -> Panel | None:
    """督查整改: items due in the period, closed out (销号), overdue; every figure a metric
    (``rectification_rate``, ``rectifications_overdue``)."""
    if not ctx.can("inspections.view_rectificationitem"):
        return None
    rate = MetricTable(ctx, "rectification_rate")
    overdue = MetricTable(ctx, "rectifications_overdue")
    figures = [
        Figure("due", _("到期整改事项"), rate.rate("cur").total, rate.rate("prev").total, _("项")),
        rate.figure("rate", _("整改完成率")),
        Figure(
            "overdue",
            _("逾期未整改"),
            overdue.num("cur"),
            overdue.num("prev"),
            _("项"),
            good_when_up=False,
        ),
    ]
    rankings = [rate.ranking("rectification", _("整改完成率"))]
    return Panel("rectification", _("督查整改"), figures, rankings)


def risk_panel(ctx: Context) -> Panel | None:
    """风险点: the open risk points of the subtree by area × level (now, not per period):
    ``risks_open`` broken down by area and level (one GROUP BY), each cell linking to its
    points."""
    if not ctx.can("risks.view_riskpoint"):
        return None

    areas = list(RiskArea.objects.filter(is_active=True).values("pk", "name"))
    levels = list(RiskLevel.objects.filter(is_active=True).values("pk", "name", "color"))
    cells = metrics.breakdown(
        "risks_open",
        user=ctx.user,
        unit=ctx.unit,
        subtree=True,
        fields=("area", "level"),
        start=ctx.today,  # open now, whatever the period shown
        end=ctx.today,
        cells=[(a["pk"], lv["pk"]) for a in areas for lv in levels],
        today=ctx.today,
    )
    data = []
    rows = []
    for ai, area in enumerate(areas):
        shown = []
        for li, level in enumerate(levels):
            value = cells[(area["pk"], level["pk"])]
            data.append([li, ai, value.count, value.count_url])
            shown.append(Num(value.count, value.count_url))
        rows.append({"area": area["name"], "cells": shown})
    whole = metrics.value(
        "risks_open", user=ctx.user, unit=ctx.unit, subtree=True, start=ctx.today,
        end=ctx.today, today=ctx.today,
    )  # fmt: skip
    total = Num(whole.count, whole.count_url)
    chart = {
        "areas": [a["name"] for a in areas],
        "levels": [lv["name"] for lv in levels],
        "data": data,
    }
    figures = [Figure("open", _("未化解风险点"), total, unit_label=_("个"), good_when_up=False)]
    return Panel(
        "risks",
        _("风险点研判"),
        figures,
        chart=chart,
        extra={"rows": rows, "levels": [lv["name"] for lv in levels]},
    )


def assessment_panel(ctx: Context) -> Panel | None:
    """考核: the ranking of the unit's assessment of the year (published first)."""
    if not ctx.can("assessment.view_assessment"):
        return None

    assessment = (
        Assessment.objects.for_user(ctx.user)
        .filter(unit=ctx.unit, year=ctx.period.year)
        .order_by(F("published_at").desc(nulls_last=True), "-id")  # published first
        .first()
    )
    if assessment is None:
        return Panel("assessment", _("考核排名"), extra={"assessment": None})
    rows = ranking(assessment)
    for row in rows:
        row.url = reverse("assessment:sheet", args=[assessment.pk, row.unit.pk])
    return Panel(
        "assessment",
        _("考核排名"),
        extra={"assessment": assessment, "rows": rows, "url": assessment.get_absolute_url()},
    )


def statform_panel(ctx: Context) -> Panel | None:
    """统计报表: the figures the forms designate (``statform_figure``, ``statform_rate``) for
    each form's latest 统计期 ending by the period's end with accepted values in the subtree
    — a form's period is its own (a quarter), never summed over the dashboard's year. Every
    number lists the accepted values it sums, each linking to its submission."""
    if not ctx.can("statforms.view_figurevalue"):
        return None
    sources = latest_figures(ctx.user, ctx.unit, ctx.period.end)
    if not sources:
        return None
    figures: dict[str, Figure] = {}
    shown = []
    for source in sources:
        for key, params, label, measure in source.metrics:
            code = "-".join(params.values())
            if code not in figures:  # a figure two forms designate: once, the latest
                current = _form_figure(ctx, source, key, params)
                figures[code] = Figure(code, label, current, unit_label=measure)
        url = ctx.url(
            "statforms:figures",
            period_from=source.start.isoformat(),
            period_to=source.end.isoformat(),
        )
        shown.append({"title": source.title, "period": source.period_label, "url": url})
    return Panel("statforms", _("统计报表"), list(figures.values()), extra={"sources": shown})


def _form_figure(ctx: Context, source, key: str, params: dict) -> Num | Rate:
    """One figure of a form's period (one query: a form designates a few)."""
    value = metrics.value(
        key,
        user=ctx.user,
        unit=ctx.unit,
        subtree=True,
        start=source.start,
        end=source.end,
        params=params,
        today=ctx.today,
    )
    if metrics.get(key).is_rate:
        return Rate.of(value)
    return Num(value.count, lambda: value.count_url)


# ---------------------------------------------------------------------------------------------
# 责任清单 progress: loaded by its own request (one measure per item and period, so its query
# count depends on the pack's items, never on the size of the tree).


@dataclass
class DutyPanel:
    duty_list: object | None
    rows: list = field(default_factory=list)  # duty.selectors.ItemProgress
    tally: dict = field(default_factory=dict)  # state → Value (metric duty_items)
    url: str = ""  # the duty list, measured over the subtree
    overview_url: str = ""  # units × items for the unit's direct children

    @property
    def behind(self) -> list:
        return [row for row in self.rows if row.status == BEHIND]


def duty_panel(user, unit: Unit, year: int, *, today=None) -> DutyPanel | None:
    """The unit's duty list of ``year`` (default pack) with live progress over its subtree:
    items done / on track / behind, each item linking to the records it counts."""
    if not user.has_perm("duty.view_dutylist"):
        return None

    pack_code = duty.default_pack_code()
    overview_url = f"{reverse('duty:overview')}?" + urlencode(
        {"unit": unit.pk, "year": year, "pack": pack_code, "scope": "subtree"}
    )
    duty_list = duty.year_list(user, unit, year)
    if duty_list is None:
        return DutyPanel(None, overview_url=overview_url)
    rows = duty.list_progress(duty_list, user=user, subtree=True, today=today)
    return DutyPanel(
        duty_list=duty_list,
        rows=rows,
        # {state: Value} (the metric ``duty_items``), each linking to its items
        tally=duty.state_values(duty_list, rows, user=user, subtree=True),
        url=duty.progress_url(duty_list, subtree=True),
        overview_url=overview_url,
    )

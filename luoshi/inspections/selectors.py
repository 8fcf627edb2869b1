"""Reads of 督查整改, always through the one scope mechanism."""

from __future__ import annotations

import datetime
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from luoshi.accounts.models import User
from luoshi.accounts.selectors import holders_of
from luoshi.core import metrics
from luoshi.inspections.models import (
    InspectionPlan,
    InspectionResult,
    RectificationItem,
    RectificationStatus,
)
from luoshi.units.models import Unit


def rectifiers_of(unit_ids) -> list[User]:
    """Active users of these units who may submit rectification (reminder recipients)."""
    return holders_of("inspections.change_rectificationitem", unit_ids)


def plans_for(user):
    return InspectionPlan.objects.for_user(user).select_related("unit").distinct()


def results_for(user):
    return InspectionResult.objects.for_user(user).select_related("plan", "plan__unit", "unit")


def items_for(user):
    return RectificationItem.objects.for_user(user).select_related(
        "finding", "finding__line", "finding__result__plan", "unit", "owner"
    )


@dataclass
class Stats:
    """Rectification numbers of a set of items: rate = closed / all."""

    total: int = 0
    closed: int = 0
    submitted: int = 0
    open: int = 0
    overdue: int = 0
    by_status: dict = field(default_factory=dict)

    @property
    def rate(self) -> float | None:
        return self.closed / self.total * 100 if self.total else None

    def add(self, item: RectificationItem, today: datetime.date) -> None:
        self.total += 1
        self.by_status[item.status] = self.by_status.get(item.status, 0) + 1
        if item.status == RectificationStatus.CLOSED:
            self.closed += 1
        elif item.status == RectificationStatus.SUBMITTED:
            self.submitted += 1
        else:
            self.open += 1
        if item.is_overdue(today):
            self.overdue += 1


def stats_of(items, today: datetime.date | None = None) -> Stats:
    today = today or timezone.localdate()
    stats = Stats()
    for item in items:
        stats.add(item, today)
    return stats


def summary_by_unit(items, root, today: datetime.date | None = None):
    """Per unit of ``root``'s subtree that has items: its own numbers, and the subtree's
    (the unit and every unit below it). Returns (rows, subtree total)."""
    today = today or timezone.localdate()
    items = list(items.in_subtree(root).select_related("unit"))
    units: OrderedDict[int, Unit] = OrderedDict()
    for item in sorted(items, key=lambda i: i.unit.path):
        units.setdefault(item.unit.pk, item.unit)
    rows = []
    for unit in units.values():
        own = stats_of((i for i in items if i.unit_id == unit.pk), today)
        below = stats_of((i for i in items if i.unit.path.startswith(unit.path)), today)
        rows.append({"unit": unit, "own": own, "subtree": below})
    return rows, stats_of(items, today)


@dataclass(frozen=True)
class Figures:
    """The rectification figures of one inspected unit in one inspection, each a metric of
    the plan's rows (params ``plan``, ``unit``) linking to the items it counts."""

    rate: metrics.Value  # 整改完成率: count 已销号, total 问题数
    submitted: metrics.Value  # 待核验
    open: metrics.Value  # 未整改: 待整改或退回重改
    overdue: metrics.Value  # 逾期未整改


def plan_figures(plan: InspectionPlan, user, units, today=None) -> dict[int, Figures]:
    """{unit pk: Figures} of the inspected ``units``: one GROUP BY per figure."""
    cells = [(unit.pk,) for unit in units]

    def by_unit(key, **params):
        return metrics.breakdown_of_object(
            key,
            user=user,
            params={"plan": plan.pk, **params},
            fields=("unit",),
            cells=cells,
            today=today,
        )

    rate = by_unit("rectification_rate")
    submitted = by_unit("rectification_items", status=RectificationStatus.SUBMITTED)
    still_open = by_unit("rectification_items", status="open")
    overdue = by_unit("rectifications_overdue")
    return {
        pk: Figures(rate[(pk,)], submitted[(pk,)], still_open[(pk,)], overdue[(pk,)])
        for (pk,) in cells
    }


def bulletin(plan: InspectionPlan, user, today: datetime.date | None = None) -> dict:
    """督查通报 data: units ranked by score, problems grouped by checklist line, and the
    rectification status of each unit."""
    today = today or timezone.localdate()
    results = list(plan.results.select_related("unit").order_by("unit__path"))
    scored = sorted(
        (r for r in results if r.total_score is not None),
        key=lambda r: (-(r.total_score or 0), r.unit.path),
    )
    max_total = sum((line.max_score for line in plan.lines.all()), start=0)
    items = list(
        RectificationItem.objects.filter(finding__plan=plan).select_related(
            "finding", "finding__line", "unit"
        )
    )
    groups: OrderedDict[int | None, dict[str, Any]] = OrderedDict()
    for line in plan.lines.all():
        groups[line.pk] = {"line": line, "items": []}
    groups[None] = {"line": None, "items": []}
    for item in sorted(items, key=lambda i: (i.unit.path, i.pk)):
        groups.setdefault(item.finding.line_id, {"line": item.finding.line, "items": []})
        groups[item.finding.line_id]["items"].append(item)
    figures = plan_figures(plan, user, [result.unit for result in results], today)
    by_unit = [
        {"unit": result.unit, "result": result, "figures": figures[result.unit_id]}
        for result in results
    ]
    return {
        "plan": plan,
        "ranking": scored,
        "max_total": max_total,
        "groups": [g for g in groups.values() if g["items"]],
        "by_unit": by_unit,
        "today": today,
    }

"""Reads of 督查整改, always through the one scope mechanism."""

from __future__ import annotations

import datetime
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from luoshi.accounts.models import User
from luoshi.accounts.selectors import holders_of
from luoshi.core import metrics
from luoshi.inspections.models import (
    INSPECTING_SIDE,
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


def inspected_for(user):
    """The results (one per inspected unit of a plan) counted for the inspecting unit: the
    list that 被督查单位 opens."""
    return results_for(user).seen_from(INSPECTING_SIDE)


def items_for(user):
    return RectificationItem.objects.for_user(user).select_related(
        "finding", "finding__line", "finding__result__plan", "unit", "owner"
    )


# The item list's filters the line's figures answer (the others narrow the table only).
LINE_FILTERS = {"unit", "unit_scope", "plan", "deadline_from", "deadline_to"}


def item_line(filterset, user, today: datetime.date | None = None) -> dict:
    """The item list's line 「整改事项 n · 已销号 n · 逾期未整改 n · 整改完成率」: the metrics
    ``rectification_rate`` and ``rectifications_overdue`` of the items the filter names by
    unit (and scope), plan and deadlines — no unit: every item the user may open — each
    number linking to exactly the items it counts. ``narrowed``: the table is narrowed
    further (状态, 逾期, 未销号), which the line does not follow."""
    data: dict = {}
    if filterset is not None and filterset.is_bound:
        filterset.form.is_valid()  # the list drops what does not validate; so does the line
        data = {k: v for k, v in filterset.form.cleaned_data.items() if v not in (None, "")}
    unit = data.get("unit")
    common = {
        "user": user,
        "unit": unit,
        "subtree": unit is not None and data.get("unit_scope") != "own",
        "start": data.get("deadline_from"),
        "end": data.get("deadline_to"),
        "params": {"plan": data["plan"].pk} if data.get("plan") else {},
        "today": today,
    }
    return {
        "rate": metrics.value("rectification_rate", **common),
        "overdue": metrics.value("rectifications_overdue", **common),
        "narrowed": bool(set(data) - LINE_FILTERS),
    }


@dataclass(frozen=True)
class UnitFigures:
    """A unit's row of 整改统计: its own 整改完成率 (count 已销号, total 问题) and 逾期未整改,
    and its subtree's 整改完成率."""

    unit: Unit
    rate: metrics.Value
    overdue: metrics.Value
    subtree_rate: metrics.Value


def rectification_summary(user, root: Unit, today: datetime.date | None = None) -> dict:
    """整改统计 of ``root``'s subtree, whatever the deadlines: a row per unit with items of
    its own (the items the user may open) and the subtree's figures, each a metric
    (``metrics.by_unit``: one GROUP BY per metric, whatever the number of units)."""
    rate = metrics.by_unit("rectification_rate", user=user, unit=root, start=None, end=None)
    units = list(
        Unit.objects.filter(pk__in=[pk for pk, (own, _s) in rate.items() if own.total]).order_by(
            "path"
        )
    )
    overdue = metrics.by_unit(
        "rectifications_overdue",
        user=user,
        unit=root,
        start=None,
        end=None,
        units=units,
        today=today,
    )
    rows = [
        UnitFigures(unit, rate[unit.pk][0], overdue[unit.pk][0], rate[unit.pk][1]) for unit in units
    ]
    return {"rows": rows, "rate": rate[root.pk][1], "overdue": overdue[root.pk][1]}


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

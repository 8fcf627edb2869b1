"""Reads of the risk module, always through ``for_user``."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from luoshi.core import metrics
from luoshi.core.dates import on_local_days
from luoshi.risks.models import (
    AnalysisMeeting,
    Campaign,
    RiskArea,
    RiskLevel,
    RiskPoint,
    Screening,
)
from luoshi.tasks import selectors as task_selectors
from luoshi.units.models import Unit


def risks_for(user):
    return RiskPoint.objects.for_user(user).select_related(
        "unit", "area", "level", "owner", "screening"
    )


def screenings_for(user):
    return Screening.objects.for_user(user).select_related(
        "unit", "campaign", "campaign__task", "assignment", "completed_by"
    )


def campaigns_for(user):
    return (
        Campaign.objects.for_user(user)
        .select_related("unit", "task", "created_by")
        .order_by("-task__deadline", "-id")
    )


def with_completion(campaigns, user, today=None) -> list[Campaign]:
    """``campaigns`` (a page of the list) each with ``completion``: the campaign page's
    自查完成率 (``campaign_completion``: 完成 ``count`` of ``total`` self-checks, each linking
    to the screenings it counts), one query whatever the number of campaigns."""
    campaigns = list(campaigns)
    completion = metrics.per_object(
        "campaign_completion", campaigns, user=user, param="campaign", today=today
    )
    for campaign in campaigns:
        campaign.completion = completion[campaign.pk]
    return campaigns


def meetings_for(user):
    return AnalysisMeeting.objects.for_user(user).select_related(
        "unit", "ledger_record", "created_by"
    )


def found_q(found: str) -> Q:
    """Screenings that found risk points (``risks``) or declared none (``none``)."""
    if found == "risks":
        return Q(Exists(RiskPoint.objects.filter(screening=OuterRef("pk"))))
    return Q(completed_at__isnull=False, no_risk_declared=True)


def campaign_overview(campaign: Campaign, user, today=None) -> dict:
    """Completion per recipient unit: the task's overview plus each unit's screening; every
    figure is a metric of the campaign's rows (``metrics.of_object``)."""
    overview = task_selectors.overview(campaign.task, user, today)
    one = {"campaign": campaign.pk}
    screenings = {s.assignment_id: s for s in campaign.screenings.select_related("unit")}
    # each unit's own 风险点 of the campaign: one GROUP BY by unit
    points = metrics.breakdown_of_object(
        "risk_points",
        user=user,
        params=one,
        fields=("unit",),
        cells=[(row.unit_id,) for row in overview["rows"]],
        today=today,
    )
    # a unit outside the reader's scope: its points are not the reader's to count (「—」)
    readable = set(
        Unit.objects.for_user(user)
        .filter(pk__in=[row.unit_id for row in overview["rows"]])
        .values_list("pk", flat=True)
    )
    for row in overview["rows"]:
        row.screening = screenings.get(row.pk)
        row.risk_points = points[(row.unit_id,)] if row.unit_id in readable else None

    def figure(key, **params):
        return metrics.of_object(key, user=user, params={**one, **params}, today=today)

    overview["completed"] = figure("risk_screening")
    overview["with_risks"] = figure("campaign_screenings", found="risks")
    overview["declared_none"] = figure("campaign_screenings", found="none")
    overview["risk_count"] = figure("risk_points")
    overview["completion"] = figure("campaign_completion")
    return overview


def heatmap(user, unit, *, open_only: bool, today=None) -> dict:
    """Area × level counts of the risk points of ``unit``'s subtree (only the open ones with
    ``open_only``): the metric ``risks_open`` / ``risk_points`` broken down by area and level
    (a GROUP BY for the cells, one for the areas), each cell, each area's total and the whole
    (``Value``s, None without a unit) with the link of exactly its points."""
    today = today or timezone.localdate()
    key = "risks_open" if open_only else "risk_points"
    areas = list(RiskArea.objects.filter(is_active=True))
    levels = list(RiskLevel.objects.filter(is_active=True))
    span = {"user": user, "unit": unit, "subtree": True, "start": today, "end": today}
    values, by_area, total = {}, {}, None
    if unit is not None:
        pairs = [(area.pk, level.pk) for area in areas for level in levels]
        values = metrics.breakdown(key, fields=("area", "level"), cells=pairs, today=today, **span)
        by_area = metrics.breakdown(
            key, fields=("area",), cells=[(area.pk,) for area in areas], today=today, **span
        )
        total = metrics.value(key, today=today, **span)

    cells = []
    for area in areas:
        for level in levels:
            value = values.get((area.pk, level.pk))
            count, url = (value.count, value.count_url) if value is not None else (0, "")
            cells.append({"area": area, "level": level, "count": count, "url": url})
    rows = [
        {
            "area": area,
            "cells": [c for c in cells if c["area"] is area],
            "total": by_area.get((area.pk,)),
        }
        for area in areas
    ]
    return {"areas": areas, "levels": levels, "cells": cells, "total": total, "rows": rows}


def completed_between(queryset, start=None, end=None):
    """Screenings completed on a local date within [start, end]."""
    return queryset.filter(on_local_days("completed_at", start or None, end or None))

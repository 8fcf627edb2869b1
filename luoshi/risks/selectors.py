"""Reads of the risk module, always through ``for_user``."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Q

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
        .annotate(
            unit_count=Count("screenings", distinct=True),
            done_count=Count(
                "screenings", filter=Q(screenings__completed_at__isnull=False), distinct=True
            ),
        )
        # a grouped query drops Meta.ordering: the list pages stay in a stable order
        .order_by("-task__deadline", "-id")
    )


def meetings_for(user):
    return AnalysisMeeting.objects.for_user(user).select_related(
        "unit", "ledger_record", "created_by"
    )


def campaign_overview(campaign: Campaign, today=None) -> dict:
    """Completion per recipient unit: the task's overview plus each unit's screening."""
    overview = task_selectors.overview(campaign.task, today)
    screenings = {
        s.assignment_id: s
        for s in campaign.screenings.annotate(risk_count=Count("risks")).select_related("unit")
    }
    for row in overview["rows"]:
        row.screening = screenings.get(row.pk)
    completed = sum(1 for s in screenings.values() if s.completed_at)
    overview["completed"] = completed
    overview["with_risks"] = sum(1 for s in screenings.values() if s.risk_count)
    overview["declared_none"] = sum(
        1 for s in screenings.values() if s.completed_at and s.no_risk_declared
    )
    overview["risk_count"] = sum(s.risk_count for s in screenings.values())
    overview["completion_rate"] = completed / overview["total"] * 100 if overview["total"] else None
    return overview


def heatmap(risks) -> dict:
    """Area × level counts of ``risks`` (already scoped and filtered)."""
    areas = list(RiskArea.objects.filter(is_active=True))
    levels = list(RiskLevel.objects.filter(is_active=True))
    counts = Counter(risks.values_list("area_id", "level_id"))
    cells = [
        {"area": area, "level": level, "count": counts.get((area.pk, level.pk), 0)}
        for area in areas
        for level in levels
    ]
    return {
        "areas": areas,
        "levels": levels,
        "cells": cells,
        "total": sum(counts.values()),
        "rows": [
            {
                "area": area,
                "cells": [c for c in cells if c["area"] is area],
                "total": sum(counts.get((area.pk, lv.pk), 0) for lv in levels),
            }
            for area in areas
        ],
    }


def completed_between(queryset, start=None, end=None):
    """Screenings completed on a local date within [start, end]."""
    return queryset.filter(on_local_days("completed_at", start or None, end or None))

"""Reads of publications: reviewers, review coverage and time per step."""

import datetime
from collections import defaultdict
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from luoshi.accounts.models import User
from luoshi.core import metrics
from luoshi.core.dates import on_local_days
from luoshi.core.workflow import WorkflowStep, has_step
from luoshi.publications.models import (
    REVIEW_STEPS,
    Publication,
    PublicationStatus,
)
from luoshi.publications.workflow import PASS, PUBLICATION_FLOW, role_for_step
from luoshi.units.models import Unit

PASS_TRANSITIONS = tuple(PASS.values())  # 初审, 复审, 终审 通过


def publications_for(user):
    return Publication.objects.for_user(user).select_related("unit", "author")


def eligible_reviewers(item, state):
    """Who may take step ``state`` of ``item`` (for notices): the role holders in the item's
    unit or above, without those separation of duties bars (the author, anyone who took
    another step of it)."""
    barred = PUBLICATION_FLOW.barred_actors(item, state)
    return User.objects.filter(
        is_active=True,
        groups=role_for_step(item.unit, state),
        unit__path__in=item.unit.lineage_paths,
    ).exclude(pk__in=barred)


def full_review() -> Q:
    """三审: 初审, 复审 and 终审 each signed in the item's history (the 三审 coverage metric
    counts these, the list's 三审 filter shows them)."""
    return Q(*(has_step(Publication, transition) for transition in PASS_TRANSITIONS))


def published_between(queryset, start: datetime.date, end: datetime.date):
    return queryset.filter(
        on_local_days("published_at", start, end), status=PublicationStatus.PUBLISHED
    )


def review_coverage_of(filterset, user, today: datetime.date) -> metrics.Value | None:
    """The 三审覆盖率 the list states: the ``review_coverage`` metric of the unit (and scope)
    and the dates its filter names — by default the user's own unit with its subtree and this
    year — whose numbers link to exactly the items they count. None when there is no unit
    to state it for (the user has none in their scope and named none)."""
    data = {}
    if filterset is not None and filterset.is_bound and filterset.form.is_valid():
        data = filterset.form.cleaned_data
    unit = data.get("unit")
    if unit is None and user.unit_id:
        unit = Unit.objects.for_user(user).filter(pk=user.unit_id).first()
    if unit is None:
        return None
    start = data.get("date_from") or datetime.date(today.year, 1, 1)
    end = data.get("date_to") or datetime.date(start.year, 12, 31)
    subtree = data.get("unit_scope") != "own"
    return metrics.value(
        "review_coverage", user=user, unit=unit, subtree=subtree, start=start, end=end
    )


def review_step_hours(queryset) -> list[dict]:
    """The average hours each step of the listed items waited (from the step before it —
    送审 or the previous pass — to it): durations between workflow steps, not a count of
    records."""
    rows = (
        WorkflowStep.objects.filter(
            content_type=ContentType.objects.get_for_model(Publication),
            object_id__in=queryset.values("pk"),
        )
        .order_by("object_id", "at", "id")
        .values_list("object_id", "transition", "at")
    )
    durations = defaultdict(list)
    previous: dict[int, Any] = {}
    for object_id, transition, at in rows:
        if transition in PASS_TRANSITIONS and object_id in previous:
            durations[transition].append((at - previous[object_id]).total_seconds() / 3600)
        previous[object_id] = at
    steps = []
    for state, transition in zip(REVIEW_STEPS, PASS_TRANSITIONS, strict=True):
        values = durations.get(transition, [])
        steps.append(
            {
                "label": REVIEW_STEPS[state],
                "count": len(values),
                "hours": round(sum(values) / len(values), 1) if values else None,
            }
        )
    return steps

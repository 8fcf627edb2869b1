"""Reads of incidents."""

from django.db.models import Q

from luoshi.incidents.models import Incident, IncidentStatus
from luoshi.incidents.workflow import INCIDENT_FLOW, STEP_FIELDS, STEP_ORDER


def incidents_for(user):
    return Incident.objects.for_user(user).select_related(
        "unit", "responsible_unit", "platform", "created_by"
    )


def discovered_between(queryset, start=None, end=None):
    if start:
        queryset = queryset.filter(discovered_at__date__gte=start)
    if end:
        queryset = queryset.filter(discovered_at__date__lte=end)
    return queryset


def closed_q() -> Q:
    return Q(status=IncidentStatus.CLOSED)


def timeline(incident: Incident) -> list[dict]:
    """The five stages, each with the signed step that reached it (or None if pending)."""
    steps = {s.transition: s for s in INCIDENT_FLOW.history(incident)}
    stages = [
        {
            "name": "register",
            "label": IncidentStatus.REGISTERED.label,
            "step": None,
            "at": incident.created_at,
            "actor": incident.created_by,
            "done": True,
        }
    ]
    for name in STEP_ORDER:
        step = steps.get(name)
        transition = INCIDENT_FLOW.transitions[name]
        time_field, _fields = STEP_FIELDS[name]
        stages.append(
            {
                "name": name,
                "label": transition.label,
                "step": step,
                "at": getattr(incident, time_field) if step else None,
                "actor": step.actor if step else None,
                "signed_at": step.at if step else None,
                "done": step is not None,
            }
        )
    return stages


def next_step(incident: Incident, user):
    """The one step ``user`` may take next, or None."""
    available = INCIDENT_FLOW.available(incident, user)
    return available[0] if available else None

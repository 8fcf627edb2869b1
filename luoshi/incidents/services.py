"""Writes of incidents: registration, edits and the steps of the timeline."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.accounts.models import User
from luoshi.core.history import written_by
from luoshi.core.workflow import WorkflowStep
from luoshi.evidence import services as evidence_services
from luoshi.incidents.models import Incident, IncidentLevel
from luoshi.incidents.workflow import INCIDENT_FLOW, STEP_FIELDS
from luoshi.notices.services import notify


def handlers_of(unit):
    """Active users of ``unit`` who may take the steps of its incidents."""
    granted = Q(
        groups__permissions__codename="change_incident",
        groups__permissions__content_type__app_label="incidents",
    )
    return User.objects.filter(unit=unit, is_active=True).filter(granted).distinct()


@transaction.atomic
def register_incident(*, incident: Incident, user, files=()) -> Incident:
    """Register ``incident`` (unsaved, e.g. ``form.save(commit=False)``), notify its handlers."""
    incident.created_by = user
    written_by(incident, user)
    incident.save()
    for uploaded in files:
        evidence_services.attach_file(owner=incident, uploaded=uploaded, user=user)
    recipients = [u for u in handlers_of(incident.responsible_unit) if u.pk != user.pk]
    notify(
        recipients,
        title=_("新登记舆情事件：%(title)s") % {"title": incident.title},
        url=incident.get_absolute_url(),
        dedupe_key=f"incident-registered-{incident.pk}",
    )
    return incident


@transaction.atomic
def update_incident(*, form, user) -> Incident:
    return form.save()


def _comment(step: str, data: dict) -> str:
    if step == "analyze":
        level = IncidentLevel(data["level"]).label
        return _("确认等级：%(level)s。%(text)s") % {"level": level, "text": data["analysis"]}
    text_field = {"handle": "measures", "respond": "response_text", "close": "outcome"}[step]
    return data[text_field]


@transaction.atomic
def take_step(
    *, incident: Incident, step: str, user, data: dict, files=(), at=None
) -> WorkflowStep:
    """Take the next step of the timeline (WorkflowError if out of order or already taken).

    The step is signed and timed by the workflow helper; its content and time (``at``, by
    default now) are stored on the incident; the public response keeps the time it was
    actually published (``data['responded_at']``)."""
    time_field, fields = STEP_FIELDS.get(step, (None, []))
    changes = {name: data[name] for name in fields if name in data}
    if time_field and not changes.get(time_field):
        changes[time_field] = at or timezone.now()
    # The step's evidence first: after 办结 the incident is final and its evidence frozen.
    for uploaded in files:
        evidence_services.attach_file(owner=incident, uploaded=uploaded, user=user)
    return INCIDENT_FLOW.apply(
        incident, step, user=user, comment=_comment(step, data) if fields else "", **changes
    )

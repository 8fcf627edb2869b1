"""The incident timeline: 登记 → 研判 → 处置 → 回应 → 办结, strictly in this order."""

from django.utils.translation import gettext_lazy as _

from luoshi.core.workflow import Transition, Workflow
from luoshi.incidents.models import Incident
from luoshi.incidents.models import IncidentStatus as S

PERMISSION = "incidents.change_incident"

INCIDENT_FLOW = Workflow(
    "incidents.incident",
    states=S,
    model=Incident,
    frozen=[S.CLOSED],
    transitions=[
        Transition("analyze", _("研判"), S.REGISTERED, S.ANALYZED, permission=PERMISSION),
        Transition("handle", _("处置"), S.ANALYZED, S.HANDLED, permission=PERMISSION),
        Transition("respond", _("回应"), S.HANDLED, S.RESPONDED, permission=PERMISSION),
        Transition("close", _("办结"), S.RESPONDED, S.CLOSED, permission=PERMISSION),
    ],
)

# step name -> (the field recording when it was taken, the fields of its form)
STEP_FIELDS = {
    "analyze": ("analyzed_at", ["level", "analysis"]),
    "handle": ("handled_at", ["measures"]),
    "respond": ("responded_at", ["response_text", "responded_at"]),
    "close": ("closed_at", ["outcome"]),
}
STEP_ORDER = list(STEP_FIELDS)

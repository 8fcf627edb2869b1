"""The incident timeline: 登记 → 研判 → 处置 → 回应 → 办结, strictly in this order.

办结 is a leader's sign-off while ``incident_signoff`` is listed in
``settings.SEPARATION_OF_DUTIES`` (the default): only a holder of the 领导 role closes an
incident (by role, as 终审 in 三审 is the 领导's: a 单位管理员 who hands out the role does
not thereby sign off); otherwise whoever handles incidents closes them too.
"""

from django.utils.translation import gettext as _now
from django.utils.translation import gettext_lazy as _

from luoshi.core.workflow import Transition, Workflow, WorkflowError, separation_on, taken_by
from luoshi.incidents.models import Incident
from luoshi.incidents.models import IncidentStatus as S

PERMISSION = "incidents.change_incident"
SIGNOFF_ROLE = "leader"  # 领导


def may_close(user, incident) -> bool:
    """办结: the leader's sign-off when the deployment separates it, else the handler's."""
    if not separation_on("incident_signoff"):
        return user.has_perm(PERMISSION)
    if not user.is_active or not user.groups.filter(role__code=SIGNOFF_ROLE).exists():
        raise WorkflowError(_now("按职责分离，办结须由领导签批。"))
    return True


handler = taken_by(PERMISSION)

INCIDENT_FLOW = Workflow(
    "incidents.incident",
    model=Incident,
    frozen=[S.CLOSED],
    transitions=[
        handler("analyze", _("研判"), S.REGISTERED, S.ANALYZED),
        handler("handle", _("处置"), S.ANALYZED, S.HANDLED),
        handler("respond", _("回应"), S.HANDLED, S.RESPONDED),
        Transition(
            "close",
            _("办结"),
            S.RESPONDED,
            S.CLOSED,
            allowed=may_close,
            confirm=_("办结后事件记录不能再修改；确定办结吗？"),
        ),
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

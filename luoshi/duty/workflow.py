"""The 责任书 signing steps, on the one workflow helper (``luoshi.core.workflow``).

Signing needs the ``duty.sign_dutylist`` permission *and* a position of the list's unit and
year: the 责任书 is signed by its 第一责任人 or 直接责任人 (superusers excepted).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.accounts.models import Position, ResponsibilityPosition
from luoshi.core.workflow import Workflow, WorkflowError, taken_by
from luoshi.duty.models import DutyList, DutyStatus


def holds_position(user, duty_list) -> bool:
    """Raise ``WorkflowError`` unless ``user`` is the unit's 第一/直接责任人 of that year."""
    if user.is_superuser:
        return True
    if ResponsibilityPosition.objects.filter(
        unit_id=duty_list.unit_id,
        year=duty_list.year,
        user=user,
        position__in=[Position.PRIMARY, Position.DIRECT],
    ).exists():
        return True
    raise WorkflowError(
        _("责任书须由本单位%(year)d年度的第一责任人或直接责任人签署。") % {"year": duty_list.year}
    )


signer = taken_by("duty.sign_dutylist", holds_position)

SIGNING = Workflow(
    "duty.list",
    model=DutyList,
    frozen=[DutyStatus.SIGNED],
    transitions=[
        signer(
            "sign",
            gettext_lazy("签署责任书"),
            DutyStatus.DRAFT,
            DutyStatus.SIGNED,
            confirm=gettext_lazy("签署后责任清单即生效，责任项不能再修改；确定签署吗？"),
        ),
        signer(
            "reopen",
            gettext_lazy("撤回签署"),
            DutyStatus.SIGNED,
            DutyStatus.DRAFT,
            comment_required=True,
        ),
    ],
)

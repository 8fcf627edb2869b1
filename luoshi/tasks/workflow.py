"""The steps of a task assignment, declared once with the core workflow helper.

待办 → 已提交 → 已采纳, or → 已退回 → (resubmit) 已提交 …
已提交 → (recall, before review) 待办: the unit takes its report back to change it.
待办 → 已撤回: the issuer withdraws the whole task before any unit has reported.
Only the recipient unit's own staff submit and recall; a reviewer who sees the *task* (the
issuing side) accepts or returns; whoever may change the task withdraws it.
"""

from django.utils.translation import gettext_lazy as _

from luoshi.core.workflow import Transition, Workflow
from luoshi.tasks.models import AssignmentStatus, TaskAssignment

SUBMIT_PERMISSION = "tasks.change_taskassignment"
REVIEW_PERMISSION = "tasks.review_taskassignment"
WITHDRAW_PERMISSION = "tasks.change_task"


def _is_recipient(user, assignment) -> bool:
    return user.unit_id is not None and user.unit_id == assignment.unit_id


def _is_issuer_side(user, assignment) -> bool:
    """Sees the assignment as its task's issuer (the issuing unit in scope, the recipient
    below it or directed by the user's unit along the task line)."""
    return TaskAssignment.objects.issuer_side(user).filter(pk=assignment.pk).exists()


ASSIGNMENT = Workflow(
    "tasks.assignment",
    states=AssignmentStatus,
    model=TaskAssignment,
    frozen=[AssignmentStatus.ACCEPTED, AssignmentStatus.WITHDRAWN],
    transitions=[
        Transition(
            "submit",
            _("提交"),
            source=AssignmentStatus.PENDING,
            target=AssignmentStatus.SUBMITTED,
            permission=SUBMIT_PERMISSION,
            allowed=_is_recipient,
        ),
        Transition(
            "resubmit",
            _("重新提交"),
            source=AssignmentStatus.RETURNED,
            target=AssignmentStatus.SUBMITTED,
            permission=SUBMIT_PERMISSION,
            allowed=_is_recipient,
        ),
        Transition(
            "recall",
            _("撤回报送"),
            source=AssignmentStatus.SUBMITTED,
            target=AssignmentStatus.PENDING,
            permission=SUBMIT_PERMISSION,
            allowed=_is_recipient,
            confirm=_("撤回后发文单位暂时看不到本次报送，修改后须重新提交。确定撤回吗？"),
        ),
        Transition(
            "accept",
            _("采纳"),
            source=AssignmentStatus.SUBMITTED,
            target=AssignmentStatus.ACCEPTED,
            permission=REVIEW_PERMISSION,
            allowed=_is_issuer_side,
            confirm=_("采纳后该报送即为定稿，不能再退回或修改。确定采纳吗？"),
        ),
        Transition(
            "return",
            _("退回"),
            source=AssignmentStatus.SUBMITTED,
            target=AssignmentStatus.RETURNED,
            comment_required=True,
            permission=REVIEW_PERMISSION,
            allowed=_is_issuer_side,
        ),
        Transition(
            "withdraw",
            _("撤回任务"),
            source=AssignmentStatus.PENDING,
            target=AssignmentStatus.WITHDRAWN,
            permission=WITHDRAW_PERMISSION,
            allowed=_is_issuer_side,
            confirm=_("撤回后各接收单位不再办理该任务，撤回不能恢复。确定撤回吗？"),
        ),
    ],
)

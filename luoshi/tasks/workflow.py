"""The steps of a task assignment, declared once with the core workflow helper.

待办 → 已提交 → 已采纳, or → 已退回 → (resubmit) 已提交 …
已提交 → (recall, before review) 待办: the unit takes its report back to change it.
待办 → 已撤回: the issuer withdraws the whole task before any unit has reported.
Only the recipient unit's own staff submit and recall; a reviewer who sees the *task* (the
issuing side) accepts or returns; whoever may change the task withdraws it.
"""

from django.utils.translation import gettext_lazy as _

from luoshi.core.workflow import Workflow, taken_by
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


S = AssignmentStatus
recipient = taken_by(SUBMIT_PERMISSION, _is_recipient)
issuer = taken_by(REVIEW_PERMISSION, _is_issuer_side)
withdrawer = taken_by(WITHDRAW_PERMISSION, _is_issuer_side)

# What the page asks once before an irreversible step is taken.
CONFIRM = {
    "recall": _("撤回后发文单位暂时看不到本次报送，修改后须重新提交。确定撤回吗？"),
    "accept": _("采纳后该报送即为定稿，不能再退回或修改。确定采纳吗？"),
    "withdraw": _("撤回后各接收单位不再办理该任务，撤回不能恢复。确定撤回吗？"),
}

ASSIGNMENT = Workflow(
    "tasks.assignment",
    model=TaskAssignment,
    frozen=[S.ACCEPTED, S.WITHDRAWN],
    transitions=[
        recipient("submit", _("提交"), S.PENDING, S.SUBMITTED),
        recipient("resubmit", _("重新提交"), S.RETURNED, S.SUBMITTED),
        recipient("recall", _("撤回报送"), S.SUBMITTED, S.PENDING, confirm=CONFIRM["recall"]),
        issuer("accept", _("采纳"), S.SUBMITTED, S.ACCEPTED, confirm=CONFIRM["accept"]),
        issuer("return", _("退回"), S.SUBMITTED, S.RETURNED, comment_required=True),
        withdrawer("withdraw", _("撤回任务"), S.PENDING, S.WITHDRAWN, confirm=CONFIRM["withdraw"]),
    ],
)

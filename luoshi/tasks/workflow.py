"""The steps of a task assignment, declared once with the core workflow helper.

待办 → 已提交 → 已采纳, or → 已退回 → (resubmit) 已提交 …
Only the recipient unit's own staff submit; a reviewer who sees the *task* (the issuing
side) accepts or returns.
"""

from django.utils.translation import gettext_lazy as _

from luoshi.core.workflow import Transition, Workflow
from luoshi.tasks.models import AssignmentStatus, TaskAssignment

SUBMIT_PERMISSION = "tasks.change_taskassignment"
REVIEW_PERMISSION = "tasks.review_taskassignment"


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
    frozen=[AssignmentStatus.ACCEPTED],
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
            "accept",
            _("采纳"),
            source=AssignmentStatus.SUBMITTED,
            target=AssignmentStatus.ACCEPTED,
            permission=REVIEW_PERMISSION,
            allowed=_is_issuer_side,
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
    ],
)

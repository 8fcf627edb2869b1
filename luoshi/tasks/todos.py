"""任务交办 in the 待办 workbench: tasks to report on, returned reports, reports to review."""

from django.utils.translation import gettext as _

from luoshi.core.registry import Todo
from luoshi.tasks.models import AssignmentStatus, TaskAssignment
from luoshi.tasks.selectors import assignments_for
from luoshi.tasks.workflow import REVIEW_PERMISSION, SUBMIT_PERMISSION

LIMIT = 100  # examined per kind: a workbench, not a report
ISSUED = "tasks:task_list"  # reviews are counted beside 我发出的任务 in the menu


def task_todos(user) -> list[Todo]:
    todos = []
    if user.unit_id and user.has_perm(SUBMIT_PERMISSION):
        own = assignments_for(user).filter(
            unit_id=user.unit_id, status__in=(AssignmentStatus.PENDING, AssignmentStatus.RETURNED)
        )
        for a in own.order_by("task__deadline")[:LIMIT]:
            returned = a.status == AssignmentStatus.RETURNED
            todos.append(
                Todo(
                    "fix" if returned else "submit",
                    a.task.title,
                    _("%(issuer)s交办，%(deadline)s截止")
                    % {
                        "issuer": a.task.unit.display_name,
                        "deadline": f"{a.task.deadline:%m月%d日}",
                    },
                    a.get_absolute_url(),
                    a.task.deadline,
                )
            )
    if user.has_perm(REVIEW_PERMISSION):
        # the reports the user may accept or return (the rule of ``ASSIGNMENT``'s issuer
        # steps, ``issuer_side``), chosen by one query rather than asked row by row
        waiting = assignments_for(user).filter(
            TaskAssignment.objects.issuer_side_q(user), status=AssignmentStatus.SUBMITTED
        )
        for a in waiting.order_by("submitted_at")[:LIMIT]:
            detail = _("%(unit)s已报送，待采纳") % {"unit": a.unit.display_name}
            todos.append(Todo("review", a.task.title, detail, a.get_absolute_url(), page=ISSUED))
    return todos

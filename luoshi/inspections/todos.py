"""督查整改 in the 待办 workbench: rectifications to report and to verify (销号)."""

from django.utils.translation import gettext as _

from luoshi.core.registry import Todo
from luoshi.inspections.models import OPEN_RECTIFICATION, RectificationStatus
from luoshi.inspections.selectors import items_for
from luoshi.inspections.workflow import RECTIFICATION, SUBMIT_PERMISSION, verifiable

LIMIT = 100


def rectification_todos(user) -> list[Todo]:
    todos = []
    if user.unit_id and user.has_perm(SUBMIT_PERMISSION):
        own = items_for(user).filter(unit_id=user.unit_id, status__in=OPEN_RECTIFICATION)
        for item in own.order_by("deadline")[:LIMIT]:
            returned = item.status == RectificationStatus.RETURNED
            detail = _("整改事项，%(deadline)s前完成") % {"deadline": f"{item.deadline:%m月%d日}"}
            todos.append(
                Todo(
                    "fix" if returned else "submit",
                    item.finding.description[:60],
                    detail,
                    item.get_absolute_url(),
                    item.deadline,
                )
            )
    submitted = verifiable(items_for(user).filter(status=RectificationStatus.SUBMITTED), user)
    for item in submitted.order_by("deadline")[:LIMIT]:
        if RECTIFICATION.may_act(item, user, ["close"]):
            detail = _("%(unit)s已提交整改，待核验销号") % {"unit": item.unit.display_name}
            todos.append(
                Todo("review", item.finding.description[:60], detail, item.get_absolute_url())
            )
    return todos

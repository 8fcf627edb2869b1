"""信息发布三审 in the 待办 workbench: the review steps the user may sign now."""

from django.utils.translation import gettext as _

from luoshi.core.registry import Todo
from luoshi.publications.selectors import publications_for
from luoshi.publications.workflow import PUBLICATION_FLOW, actionable

LIMIT = 100


def review_todos(user) -> list[Todo]:
    waiting = actionable(publications_for(user), user)
    todos = []
    for item in waiting.order_by("id")[:LIMIT]:
        if PUBLICATION_FLOW.may_act(item, user):
            detail = _("%(unit)s · %(state)s") % {
                "unit": item.unit.display_name,
                "state": item.get_status_display(),
            }
            todos.append(Todo("review", item.title, detail, item.get_absolute_url()))
    return todos

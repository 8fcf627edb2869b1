"""讲座论坛备案 in the 待办 workbench: the review step waiting for the user."""

from django.utils.translation import gettext as _

from luoshi.core.registry import Todo
from luoshi.events.selectors import events_for
from luoshi.events.workflow import EVENT_FLOW, reviewable

LIMIT = 100


def filing_todos(user) -> list[Todo]:
    waiting = reviewable(events_for(user), user)
    todos = []
    for event in waiting.order_by("start_at")[:LIMIT]:
        if EVENT_FLOW.may_act(event, user):
            detail = _("%(unit)s备案，待审核") % {"unit": event.unit.display_name}
            todos.append(Todo("review", event.topic, detail, event.get_absolute_url()))
    return todos

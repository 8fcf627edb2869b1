from luoshi.core import registry
from luoshi.core.navigation import menu_for
from luoshi.core.todo import todo_count


def navigation(request):
    """The menu and the acting unit, plus what the apps add to every page
    (``registry.page_context``, e.g. the unread notices)."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    context = {
        "menu": menu_for(user, request.path),
        "current_unit": user.unit,
        "todo_count": todo_count(user),
    }
    for provider in registry.PAGE_CONTEXT:
        context.update(provider(request))
    return context

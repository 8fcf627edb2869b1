from luoshi.core import registry
from luoshi.core.navigation import menu_for
from luoshi.core.todo import todo_counts


def navigation(request):
    """The menu and the acting unit, plus what the apps add to every page
    (``registry.page_context``, e.g. the unread notices)."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    counts = todo_counts(user)
    menu = menu_for(user, request.path)
    for group in menu:  # the steps waiting on each page's records, beside its name
        for item in group["items"]:
            item["todo"] = counts.get(item["url"], 0)
    context = {"menu": menu, "current_unit": user.unit, "todo_count": counts[""]}
    for provider in registry.PAGE_CONTEXT:
        context.update(provider(request))
    return context

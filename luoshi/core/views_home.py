from django.shortcuts import render
from django.utils import timezone

from luoshi.core import registry
from luoshi.core.todo import workbench


def home(request):
    """The home page: the user's 待办 (every module's waiting steps), then what the apps put
    on it (``registry.home_context``, e.g. the year's ledger summary)."""
    year = timezone.localdate().year
    context = {
        "year": year,
        "workbench": workbench(request.user),
        "home_panels": registry.home_panels(),
    }
    for provider in registry.HOME_CONTEXT:
        context.update(provider(request, year))
    return render(request, "core/home.html", context)

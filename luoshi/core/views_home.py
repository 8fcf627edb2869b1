from django.shortcuts import render
from django.utils import timezone

from luoshi.core import registry


def home(request):
    """The home page: what the apps put on it (``registry.home_context``, e.g. the year's
    ledger summary)."""
    year = timezone.localdate().year
    context = {"year": year}
    for provider in registry.HOME_CONTEXT:
        context.update(provider(request, year))
    return render(request, "core/home.html", context)

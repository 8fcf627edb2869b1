"""The records a list page shows, without rendering it: the page's own view, set up for a
request of its URL, gives the queryset the page paginates (scope, filters and all)."""

from django.test import RequestFactory
from django.urls import resolve


def list_view(user, url: str):
    """The list view of ``url`` set up for ``user``'s GET of it (not run)."""
    path, _sep, _query = url.partition("?")
    match = resolve(path)
    request = RequestFactory().get(url)
    request.user = user
    view = match.func.view_class()
    view.setup(request, *match.args, **match.kwargs)
    return view


def list_queryset(user, url: str):
    """The records the list page at ``url`` shows ``user`` (every page of it)."""
    return list_view(user, url).get_queryset()

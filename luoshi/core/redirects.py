"""Redirects to an address the request names (``next``): only ever to this site.

Every ``next`` (or other return address taken from a request or from stored data) goes
through ``safe_url`` / ``redirect_next``: Django's ``url_has_allowed_host_and_scheme``
accepts a path of this site (or an allowed host, with https when the request is), and
refuses ``https://elsewhere``, ``//elsewhere``, ``javascript:`` and the like, which then
fall back to the page's own default.
"""

from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def safe_url(request, url) -> str | None:
    """``url`` when it points into this site, else None."""
    if not url:
        return None
    allowed = url_has_allowed_host_and_scheme(
        str(url), allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return str(url) if allowed else None


def redirect_next(request, fallback, *, field: str = "next"):
    """Redirect to the request's ``next`` (POST, then query string) when it is an address of
    this site, else to ``fallback`` (a URL, a URL name or a model with get_absolute_url)."""
    wanted = request.POST.get(field) or request.GET.get(field)
    return redirect(safe_url(request, wanted) or resolve_url(fallback))

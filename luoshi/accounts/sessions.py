"""Browser sessions of a user: recorded at sign-in, ended on logout, password change,
administrator reset or a forced logout (强退).

Django keeps sessions in its session store (database or Redis), which cannot be listed
per user; ``UserSession`` remembers the keys so they can be ended server-side.
"""

import time
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.utils import timezone

from luoshi.accounts import policy
from luoshi.accounts.models import UserSession
from luoshi.core.client_address import client_address

SEEN_KEY = "_luoshi_seen"
SEEN_RESOLUTION = 300  # seconds between two writes of a session's last activity


def _store(session_key=None):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)


def record_session(request, user) -> UserSession | None:
    """Remember the request's (just signed-in) session as ``user``'s."""
    key = request.session.session_key
    if not key:
        return None
    session, _created = UserSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user": user,
            "ip": client_address(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        },
    )
    request.session[SEEN_KEY] = int(time.time())
    forget_expired(user)
    enforce_limit(user, keep=session)
    return session


def live(queryset=None):
    """Sessions active within the idle expiry (older rows belong to expired sessions)."""
    since = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    queryset = UserSession.objects.all() if queryset is None else queryset
    return queryset.filter(last_seen_at__gte=since)


def forget_expired(user) -> None:
    live_ids = live(UserSession.objects.filter(user=user)).values("pk")
    UserSession.objects.filter(user=user).exclude(pk__in=live_ids).delete()


def enforce_limit(user, *, keep) -> int:
    """At most SESSION_LIMIT_PER_USER sessions per user: the oldest sign-ins end."""
    limit = policy.session_limit()
    if not limit:
        return 0
    newest = UserSession.objects.filter(user=user).order_by("-created_at", "-id")
    surplus = newest.exclude(pk=keep.pk)[limit - 1 :]
    return end_sessions(surplus)


def touch(request) -> None:
    """Note the signed-in session's activity (at most every SEEN_RESOLUTION seconds); a
    session signed in before sessions were recorded is recorded now."""
    now = int(time.time())
    if now - request.session.get(SEEN_KEY, 0) < SEEN_RESOLUTION:
        return
    key = request.session.session_key
    updated = UserSession.objects.filter(session_key=key, user=request.user).update(
        last_seen_at=timezone.now()
    )
    if updated:
        request.session[SEEN_KEY] = now
    else:
        record_session(request, request.user)


def forget_session(session_key) -> None:
    UserSession.objects.filter(session_key=session_key).delete()


def end_sessions(sessions) -> int:
    """End the given ``UserSession`` rows: their session data is deleted from the store,
    so the browser holding one is signed out at its next request."""
    ended = 0
    for session in list(sessions):
        _store().delete(session.session_key)
        session.delete()
        ended += 1
    return ended


def end_all_sessions(user) -> int:
    return end_sessions(UserSession.objects.filter(user=user))

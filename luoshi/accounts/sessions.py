"""Browser sessions of a user: recorded at sign-in, ended on logout, password change,
administrator reset or a forced logout (强退).

Django keeps sessions in its session store (database or Redis), which cannot be listed
per user; ``UserSession`` remembers the keys so they can be ended server-side.
"""

from importlib import import_module

from django.conf import settings

from luoshi.accounts.models import UserSession
from luoshi.core.client_address import client_address


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
    return session


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

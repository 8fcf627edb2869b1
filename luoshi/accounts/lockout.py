"""Failed password checks outside the login form count like failed logins.

django-axes counts failures per account *and* client address (AXES_LOCKOUT_PARAMETERS,
the address from ``luoshi.core.client_address``). A wrong old password on the
change-password form is reported to it as a failed login of that account, so guessing
there locks the same way as guessing at the login page, and shows up in the login log.
"""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed


def _credentials(user) -> dict:
    return {"username": user.get_username()}


def is_locked(request, user) -> bool:
    return AxesProxyHandler.is_locked(request, _credentials(user))


def record_failure(request, user, *, sender) -> bool:
    """Count one wrong password of ``user``; True when this locks the account here."""
    user_login_failed.send(sender=sender, credentials=_credentials(user), request=request)
    return is_locked(request, user)


def locked_out(request, user):
    """Sign the user out and answer with the lockout page (429)."""
    credentials = _credentials(user)
    logout(request)
    request.axes_locked_out = False  # answered here; the middleware must not answer again
    return get_lockout_response(request, None, credentials)

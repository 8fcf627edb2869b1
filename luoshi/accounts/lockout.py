"""Failed password checks outside the login form count like failed logins.

django-axes counts failures per account *and* client address (AXES_LOCKOUT_PARAMETERS,
the address from ``luoshi.core.client_address``). A wrong old password on the
change-password form is reported to it as a failed login of that account, so guessing
there locks the same way as guessing at the login page, and shows up in the login log.
"""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.db.models import Sum
from django.utils import timezone

from luoshi.accounts import policy
from luoshi.core.client_address import client_address


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


def recent_failures(*, username=None, address=None) -> int:
    """Failed sign-ins within the cool-off time: of one account (from any address), or
    from one address (for any account)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(attempt_time__gte=since)
    if username is not None:
        attempts = attempts.filter(username=username)
    if address is not None:
        attempts = attempts.filter(ip_address=address)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def captcha_needed(request, username=None) -> bool:
    """A captcha is asked once an account, or a client address, has LOGIN_CAPTCHA_AFTER_
    FAILURES recent failures: guessing one password from many addresses (which the
    per-address lockout does not stop) or many accounts from one address gets slow."""
    limit = policy.captcha_after_failures()
    if not limit:
        return False
    address = client_address(request)
    if address and recent_failures(address=address) >= limit:
        return True
    return bool(username) and recent_failures(username=username) >= limit

"""Session bookkeeping from the auth signals (see luoshi.accounts.sessions)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from luoshi.accounts import otp, sessions
from luoshi.accounts.models import password_changed


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    sessions.record_session(request, user)
    otp.remember_state(request, user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if request is not None and request.session.session_key:
        sessions.forget_session(request.session.session_key)


@receiver(password_changed)
def on_password_changed(sender, user, **kwargs):
    """Every session signed in with the old password ends (the change-password page then
    keeps its own, see PasswordChangeView)."""
    sessions.end_all_sessions(user)

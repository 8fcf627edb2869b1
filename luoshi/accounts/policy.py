"""The 等保 login-security policy: every tunable in one place.

Each value is read from settings (environment variables, see luoshi/settings.py and
docs/login-security.md) at the time of use, so a future 参数设置 page only has to replace
these functions.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone


def password_max_age() -> timedelta | None:
    days = settings.PASSWORD_MAX_AGE_DAYS
    return timedelta(days=days) if days > 0 else None


def password_history_count() -> int:
    return max(settings.PASSWORD_HISTORY_COUNT, 0)


def change_at_first_login() -> bool:
    return settings.PASSWORD_CHANGE_AT_FIRST_LOGIN


def captcha_after_failures() -> int:
    """Failed sign-ins (per account, or per client address) after which a captcha is asked;
    0: never."""
    return max(settings.LOGIN_CAPTCHA_AFTER_FAILURES, 0)


def otp_required_roles() -> set[str]:
    return set(settings.OTP_REQUIRED_ROLES)


def session_limit() -> int:
    """Browser sessions one user may hold at once (the oldest ends); 0: no limit."""
    return max(settings.SESSION_LIMIT_PER_USER, 0)


def password_expired(user, now=None) -> bool:
    max_age = password_max_age()
    changed = user.password_changed_at
    if max_age is None or changed is None:
        return False
    return (now or timezone.now()) - changed >= max_age


def password_change_reason(user) -> str | None:
    """Why ``user`` must change the password before going on: "reset" (an initial or
    administrator-set password), "expired", or None. A directory user's password lives in
    the directory (LDAP/AD, 统一身份认证), whose own policy applies: never asked here."""
    if getattr(user, "is_directory_user", False):
        return None
    if user.must_change_password:
        return "reset"
    if password_expired(user):
        return "expired"
    return None

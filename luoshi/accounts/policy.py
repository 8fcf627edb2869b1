"""The 等保 login-security policy: every tunable in one place.

Each value is a parameter of 参数设置 (declared in luoshi.accounts.plugin), read at the
time of use: the value the system administrator set, else the setting (environment
variables, see luoshi/settings.py and docs/login-security.md).
"""

from datetime import timedelta

from django.utils import timezone

from luoshi.core.parameters import value


def password_max_age() -> timedelta | None:
    days = value("password_max_age_days")
    return timedelta(days=days) if days > 0 else None


def password_history_count() -> int:
    return max(value("password_history_count"), 0)


def change_at_first_login() -> bool:
    return bool(value("password_change_at_first_login"))


def captcha_after_failures() -> int:
    """Failed sign-ins (per account, or per client address) after which a captcha is asked;
    0: never."""
    return max(value("login_captcha_after_failures"), 0)


def otp_required_roles() -> set[str]:
    return set(value("otp_required_roles"))


def session_limit() -> int:
    """Browser sessions one user may hold at once (the oldest ends); 0: no limit."""
    return max(value("session_limit_per_user"), 0)


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

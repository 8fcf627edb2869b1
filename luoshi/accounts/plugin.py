"""What 用户与角色 plugs into core: the built-in roles, made by ``ensure_defaults``, and the
等保 login-security parameters of 参数设置 (read through ``luoshi.accounts.policy``)."""

from django.utils.translation import gettext_lazy as _

from luoshi.accounts.defaults import ensure_roles
from luoshi.accounts.models import Role
from luoshi.core import registry
from luoshi.core.registry import ParameterSpec


def _ensure_roles() -> None:
    ensure_roles()


registry.defaults_step(_ensure_roles)


def role_choices() -> dict[str, str]:
    return dict(Role.objects.order_by("order", "code").values_list("code", "name"))


SECURITY = _("登录安全（等保）")
for spec in (
    ParameterSpec(
        key="password_max_age_days",
        label=_("密码有效期"),
        group=SECURITY,
        kind="int",
        setting="PASSWORD_MAX_AGE_DAYS",
        minimum=0,
        maximum=3650,
        unit=_("天"),
        help=_("密码使用超过这么多天后，登录时须先修改；0 表示永不过期。"),
    ),
    ParameterSpec(
        key="password_history_count",
        label=_("不得重复使用的历史密码个数"),
        group=SECURITY,
        kind="int",
        setting="PASSWORD_HISTORY_COUNT",
        minimum=0,
        maximum=24,
        unit=_("个"),
        help=_("新密码不能与最近这么多个旧密码相同；0 表示不限制。"),
    ),
    ParameterSpec(
        key="password_change_at_first_login",
        label=_("首次登录及管理员重置后强制修改密码"),
        group=SECURITY,
        kind="bool",
        setting="PASSWORD_CHANGE_AT_FIRST_LOGIN",
        help=_("管理员设置的初始密码或重置后的密码，用户登录后须先改成自己的密码。"),
    ),
    ParameterSpec(
        key="login_captcha_after_failures",
        label=_("登录失败几次后要求验证码"),
        group=SECURITY,
        kind="int",
        setting="LOGIN_CAPTCHA_AFTER_FAILURES",
        minimum=0,
        maximum=100,
        unit=_("次"),
        help=_("同一账号或同一地址近期登录失败达到此次数后须输入图形验证码；0 表示不要求。"),
    ),
    ParameterSpec(
        key="otp_required_roles",
        label=_("必须使用动态口令（TOTP）的角色"),
        group=SECURITY,
        kind="codes",
        setting="OTP_REQUIRED_ROLES",
        choices=role_choices,
        help=_("这些角色（及超级管理员）登录时必须使用手机令牌；其他人可自愿启用。"),
    ),
    ParameterSpec(
        key="session_limit_per_user",
        label=_("每个用户同时在线会话数"),
        group=SECURITY,
        kind="int",
        setting="SESSION_LIMIT_PER_USER",
        minimum=0,
        maximum=100,
        unit=_("个"),
        help=_("超过时最早登录的会话被强制退出；0 表示不限制。"),
    ),
):
    registry.parameter(spec)

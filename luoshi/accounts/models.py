from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group, UserManager
from django.db import models
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.accounts import policy
from luoshi.core.fields import optional_fk
from luoshi.core.history import change_history
from luoshi.core.models import DetailPageModel, VersionedModel
from luoshi.core.scope import DataScope, ScopedQuerySet, ScopeSpec


class Role(Group, VersionedModel):
    """A role: Django permissions (inherited from Group) plus a data scope.

    Users hold roles through ``User.groups``; Django's ModelBackend therefore
    grants a role's permissions with no extra code, and ``luoshi.core.scope``
    reads the data scope.
    """

    code = models.SlugField(_("角色编码"), max_length=40, unique=True)
    data_scope = models.CharField(
        _("数据范围"), max_length=10, choices=DataScope.choices, default=DataScope.UNIT
    )
    custom_units = models.ManyToManyField(
        "units.Unit", verbose_name=_("自定义单位"), blank=True, related_name="+"
    )
    description = models.CharField(_("说明"), max_length=200, blank=True)
    is_builtin = models.BooleanField(_("内置角色"), default=False)
    order = models.PositiveIntegerField(_("排序"), default=0)

    history = change_history()

    # Group's GroupManager, inherited; declared so type checkers see Role rows, not Group rows
    # (an annotation only: nothing changes at run time or in migrations).
    objects: ClassVar[models.Manager[Role]]

    class Meta:
        verbose_name = verbose_name_plural = _("角色")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class LuoshiUserManager(UserManager.from_queryset(ScopedQuerySet)):
    pass


class AuthSource(models.TextChoices):
    """Where a user's password lives: here, or in a directory (luoshi.accounts.directory)."""

    LOCAL = "local", _("本系统账号")
    LDAP = "ldap", _("LDAP/AD 目录")
    OIDC = "oidc", _("统一身份认证")


class User(AbstractUser, VersionedModel):
    """A person: belongs to one unit and holds roles."""

    unit = optional_fk("units.Unit", _("所属单位"), models.PROTECT, related_name="users")
    full_name = models.CharField(_("姓名"), max_length=40, blank=True)
    title = models.CharField(_("职务"), max_length=60, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    language = models.CharField(
        _("界面语言"),
        max_length=10,
        choices=[("zh-hans", "简体中文"), ("zh-hant", "繁體中文")],
        default="zh-hans",
    )
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    must_change_password = models.BooleanField(
        _("须修改密码"),
        default=False,
        db_default=False,  # rows written by bulk SQL (luoshi.core.scale) get it too
        help_text=_("初始密码或管理员重置的密码：登录后须先修改密码"),
    )
    auth_source = models.CharField(
        _("账号来源"),
        max_length=10,
        choices=AuthSource.choices,
        default=AuthSource.LOCAL,
        db_default=AuthSource.LOCAL,
        help_text=_("目录账号的单位与角色在每次登录时按目录分组更新，密码由目录管理"),
    )

    objects = LuoshiUserManager()
    scope_spec = ScopeSpec(unit="unit", owner="pk")
    history = change_history("password", "last_login", m2m_fields=["groups"])

    class Meta:
        verbose_name = verbose_name_plural = _("用户")
        ordering = ["unit__path", "username"]

    def __str__(self):
        return self.full_name or self.username

    @property
    def is_directory_user(self) -> bool:
        return self.auth_source != AuthSource.LOCAL

    @property
    def roles(self):
        return Role.objects.filter(user=self)

    def holds_role(self, role_id: int) -> bool:
        """Does the user hold the role ``role_id``? The user's roles are read once per user
        object, as Django reads its permissions once (``_perm_cache``)."""
        if not hasattr(self, "_role_ids"):
            self._role_ids = set(self.groups.values_list("pk", flat=True))
        return role_id in self._role_ids

    def save(self, *args, **kwargs):
        """A new password (set here, or the first one given to ``create_user``) is dated
        and enters the history. After a change of an existing user's password (by the
        user, an administrator, ``changepassword`` or the admin site), ``password_changed``
        lets every credential that hangs on the old one go: sessions here, API tokens in
        luoshi.api."""
        adding = self._state.adding
        new_password = self._password is not None or (adding and bool(self.password))
        if new_password:
            self.password_changed_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "password_changed_at"}
        if _untracked_only(kwargs.get("update_fields")):
            self.skip_history_when_saving = True  # a login moves last_login: no history row
            try:
                super().save(*args, **kwargs)
            finally:
                del self.skip_history_when_saving
        else:
            super().save(*args, **kwargs)
        if new_password:
            PasswordHistory.remember(self)
        if new_password and not adding:
            password_changed.send(sender=type(self), user=self)


# Fields the history leaves out; a save of only these writes no history row.
UNTRACKED_FIELDS = frozenset({"last_login"})


def _untracked_only(update_fields) -> bool:
    return (
        update_fields is not None
        and len(update_fields) > 0
        and set(update_fields) <= UNTRACKED_FIELDS
    )


# Sent after an existing user's new password is saved (``user``).
password_changed = Signal()


class PasswordHistory(models.Model):
    """A user's earlier passwords (hashed), for PasswordHistoryValidator."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = _("历史密码")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d}"

    @classmethod
    def remember(cls, user) -> None:
        """Keep ``user``'s current (hashed) password and the ones before it, up to N."""
        count = policy.password_history_count()
        if not count or not user.has_usable_password():
            return
        cls.objects.create(user=user, password=user.password)
        keep = list(cls.objects.filter(user=user).values_list("pk", flat=True)[:count])
        cls.objects.filter(user=user).exclude(pk__in=keep).delete()


class UserSession(models.Model):
    """A signed-in browser session: who, from where, since when (for ending sessions)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="browser_sessions",
    )
    session_key = models.CharField(_("会话标识"), max_length=40, unique=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("登录时间"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("最近活动"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = _("在线会话")
        ordering = ["-last_seen_at", "-id"]

    def __str__(self):
        return f"{self.user} {self.ip or ''}"


class Position(models.TextChoices):
    PRIMARY = "primary", _("第一责任人")
    DIRECT = "direct", _("直接责任人")
    MEMBER = "member", _("班子成员")


class ResponsibilityPosition(VersionedModel, DetailPageModel):
    """Who holds which responsibility position in a unit for a year (read by other modules)."""

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="positions"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    position = models.CharField(_("责任岗位"), max_length=10, choices=Position.choices)
    user = models.ForeignKey(
        User, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="positions"
    )
    duty = models.CharField(_("分管领域"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_spec = ScopeSpec(unit="unit", owner="user")
    history = change_history()
    detail_url_name = "accounts:position_update"

    class Meta:
        verbose_name = verbose_name_plural = _("责任岗位")
        ordering = ["unit__path", "-year", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "position", "user"], name="unique_position_holder"
            ),
            models.UniqueConstraint(
                fields=["unit", "year"],
                condition=models.Q(position="primary"),
                name="one_primary_owner_per_unit_year",
            ),
        ]

    def __str__(self):
        return f"{self.unit} {self.year} {self.get_position_display()} {self.user}"

from django.contrib.auth.models import AbstractUser, Group, UserManager
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from luoshi.core.scope import DataScope, ScopedQuerySet, ScopeSpec


class Role(Group):
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

    # optimistic versioning (luoshi.core.concurrency): every edit claims this number
    version = models.PositiveIntegerField(_("版本"), default=0, editable=False)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class LuoshiUserManager(UserManager.from_queryset(ScopedQuerySet)):
    pass


class User(AbstractUser):
    """A person: belongs to one unit and holds roles."""

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("所属单位"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
    )
    full_name = models.CharField(_("姓名"), max_length=40, blank=True)
    title = models.CharField(_("职务"), max_length=60, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    language = models.CharField(
        _("界面语言"),
        max_length=10,
        choices=[("zh-hans", "简体中文"), ("zh-hant", "繁體中文")],
        default="zh-hans",
    )

    # optimistic versioning (luoshi.core.concurrency): every edit claims this number
    version = models.PositiveIntegerField(_("版本"), default=0, editable=False)
    objects = LuoshiUserManager()
    scope_spec = ScopeSpec(unit="unit", owner="pk")
    history = HistoricalRecords(
        excluded_fields=["version", "password", "last_login"], m2m_fields=["groups"]
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["unit__path", "username"]

    def __str__(self):
        return self.full_name or self.username

    @property
    def roles(self):
        return Role.objects.filter(user=self)


class Position(models.TextChoices):
    PRIMARY = "primary", _("第一责任人")
    DIRECT = "direct", _("直接责任人")
    MEMBER = "member", _("班子成员")


class ResponsibilityPosition(models.Model):
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

    # optimistic versioning (luoshi.core.concurrency): every edit claims this number
    version = models.PositiveIntegerField(_("版本"), default=0, editable=False)
    objects = ScopedQuerySet.as_manager()
    scope_spec = ScopeSpec(unit="unit", owner="user")
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("责任岗位")
        verbose_name_plural = _("责任岗位")
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

    def get_absolute_url(self):
        return reverse("accounts:position_update", args=[self.pk])

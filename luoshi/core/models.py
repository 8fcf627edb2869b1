"""Base models shared by every module."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from luoshi.core.scope import ScopedManager, ScopeSpec


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class DictionaryModel(models.Model):
    """A configurable dictionary entry (unit types, activity types, ...)."""

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60, unique=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        abstract = True
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class UnitScopedModel(TimeStampedModel):
    """A record that belongs to a unit: visible only within the user's data scope.

    Subclasses get ``unit`` (PROTECT: a unit with records cannot be deleted),
    ``created_by`` and ``Model.objects.for_user(user)``.
    """

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    objects = ScopedManager()
    scope_spec = ScopeSpec(unit="unit", owner="created_by")

    class Meta:
        abstract = True


# Models defined beside the mechanism they belong to, registered with the core app.
from luoshi.core.authority import BusinessLine, Guidance  # noqa: E402, F401
from luoshi.core.background import ImportJob  # noqa: E402, F401
from luoshi.core.parameters import SystemParameter  # noqa: E402, F401
from luoshi.core.workflow import WorkflowStep  # noqa: E402, F401

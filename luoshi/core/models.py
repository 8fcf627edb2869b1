"""Base models shared by every module."""

from typing import ClassVar

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from luoshi.core.fields import user_fk
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
    created_by = user_fk(_("创建人"), optional=True)

    objects = ScopedManager()
    scope_spec = ScopeSpec(unit="unit", owner="created_by")

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """A record edited under optimistic versioning (``luoshi.core.concurrency``): every edit
    claims ``version``."""

    version = models.PositiveIntegerField(_("版本"), default=0, editable=False)

    class Meta:
        abstract = True


class EvidencedModel(models.Model):
    """A record that carries evidence files (佐证材料, ``evidence.Evidence`` rows)."""

    evidence = GenericRelation("evidence.Evidence")

    class Meta:
        abstract = True


class DetailPageModel(models.Model):
    """A record with a page of its own: the url named ``detail_url_name``, taking its pk."""

    detail_url_name: ClassVar[str]

    class Meta:
        abstract = True

    def get_absolute_url(self) -> str:
        return reverse(self.detail_url_name, args=[self.pk])


# Models defined beside the mechanism they belong to, registered with the core app.
from luoshi.core.authority import BusinessLine, Guidance  # noqa: E402, F401
from luoshi.core.background import ImportJob  # noqa: E402, F401
from luoshi.core.parameters import SystemParameter  # noqa: E402, F401
from luoshi.core.workflow import WorkflowStep  # noqa: E402, F401


class Rollup(models.Model):
    """A rollup row (``luoshi.core.rollups``): the records of ``source`` in the subtree of
    ``unit`` (an ancestor at depth ≤ 3) dated in ``month``, split by ``dim``."""

    source = models.CharField(_("来源"), max_length=40)
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("单位"), on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(_("月份"))
    dim = models.IntegerField(_("分项"), default=0)
    total = models.IntegerField(_("合计"), default=0)
    counted = models.IntegerField(_("计入分子"), default=0)

    class Meta:
        verbose_name = verbose_name_plural = _("汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "unit", "month", "dim"], name="core_rollup_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.unit_id} {self.month:%Y-%m} {self.dim}"


class DataGeneration(models.Model):
    """数据版本 (``luoshi.core.figure_cache``): a counter raised after every commit that
    may change a figure; cached figures are keyed by it, so a write is never hidden by a
    cache. In the database (not the cache): every process reads the same number."""

    key = models.CharField(_("名称"), max_length=40, primary_key=True)
    value = models.BigIntegerField(_("版本"), default=0)

    class Meta:
        verbose_name = verbose_name_plural = _("数据版本")

    def __str__(self) -> str:
        return f"{self.key} {self.value}"

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from luoshi.core.models import DictionaryModel
from luoshi.core.scope import ScopedQuerySet, ScopeSpec


class UnitType(DictionaryModel):
    """区委 / 宣传部 / 局 / 乡镇 / 街道 / 村社区 / 党支部 / 学校 / 医院 / 企业 / 其他."""

    class Meta(DictionaryModel.Meta):
        verbose_name = _("单位类型")
        verbose_name_plural = _("单位类型")


class UnitQuerySet(MP_NodeQuerySet, ScopedQuerySet):
    pass


class UnitManager(MP_NodeManager.from_queryset(UnitQuerySet)):
    def get_queryset(self):
        return UnitQuerySet(self.model).order_by("path")


class Unit(MP_Node):
    """A node of the unit tree (materialized path: ``path`` orders and nests it)."""

    name = models.CharField(_("单位名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    code = models.CharField(_("单位编码"), max_length=40, unique=True)
    unit_type = models.ForeignKey(UnitType, verbose_name=_("单位类型"), on_delete=models.PROTECT)
    order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    node_order_by = ["order", "code"]
    steplen = 4

    # optimistic versioning (luoshi.core.concurrency): every edit claims this number
    version = models.PositiveIntegerField(_("版本"), default=0, editable=False)
    objects = UnitManager()
    scope_spec = ScopeSpec(unit="", owner=None)
    history = HistoricalRecords(excluded_fields=["version", "path", "depth", "numchild"])

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("units:detail", args=[self.pk])

    @property
    def display_name(self):
        return self.short_name or self.name

    @property
    def lineage_paths(self) -> list[str]:
        """Materialized paths of this unit and every unit above it (root first): filter
        ``unit__path__in=unit.lineage_paths`` for "this unit or an ancestor"."""
        return [self.path[:i] for i in range(self.steplen, len(self.path) + 1, self.steplen)]


class UnitYearStat(models.Model):
    """Per-year figures of a unit, e.g. the party-member headcount (denominator of rates)."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="year_stats"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    party_members = models.PositiveIntegerField(_("党员人数"))

    objects = ScopedQuerySet.as_manager()
    scope_spec = ScopeSpec(unit="unit", owner=None)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度党员人数")
        verbose_name_plural = _("年度党员人数")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="unique_unit_year_stat")
        ]

    def __str__(self):
        return f"{self.unit} {self.year}"

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from luoshi.core.models import DetailPageModel, DictionaryModel
from luoshi.core.scope import ScopedQuerySet, ScopeSpec


class UnitType(DictionaryModel):
    """区委 / 宣传部 / 局 / 乡镇 / 街道 / 村社区 / 党支部 / 学校 / 医院 / 企业 / 其他.

    The words a generated report uses for the unit's bodies are data of its type (a report
    never hard-codes them per type): its leading party body (党委/党组/党工委/党总支/党支部…),
    the meeting that studies ideological work, its theory study group (blank: it has none)
    and how a report for the whole subtree speaks (「全区各级党组织」「全系统各级党组织」: the unit
    and the units below it, the unit itself included).
    """

    party_body = models.CharField(
        _("党组织称谓"),
        max_length=20,
        default="党组织",
        help_text=_("如：党委、党组、党工委、党支部"),
    )
    meeting_name = models.CharField(
        _("议事会议称谓"), max_length=30, default="党组织会议", help_text=_("如：党工委会议")
    )
    study_group = models.CharField(
        _("理论学习中心组称谓"),
        max_length=30,
        blank=True,
        help_text=_("接在单位名称之后，如：党工委理论学习中心组；没有中心组的留空"),
    )
    subtree_voice = models.CharField(
        _("含下级时的称谓"),
        max_length=30,
        default="本单位及所属各单位",
        help_text=_("含下级的报告以此称呼本单位连同下级，如：全区各级党组织、全系统各级党组织"),
    )

    class Meta(DictionaryModel.Meta):
        verbose_name = verbose_name_plural = _("单位类型")


TRADITIONAL_VARIANTS = [
    ("s2tw", _("台湾标准（為、群眾、考核）")),
    ("s2hk", _("香港标准")),
    ("s2t", _("OpenCC 标准繁体")),
]


class UnitQuerySet(MP_NodeQuerySet, ScopedQuerySet):
    pass


class UnitManager(MP_NodeManager.from_queryset(UnitQuerySet)):
    def get_queryset(self):
        return UnitQuerySet(self.model).order_by("path")


class Unit(MP_Node, DetailPageModel):
    """A node of the unit tree (materialized path: ``path`` orders and nests it)."""

    name = models.CharField(_("单位名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    code = models.CharField(_("单位编码"), max_length=40, unique=True)
    unit_type = models.ForeignKey(UnitType, verbose_name=_("单位类型"), on_delete=models.PROTECT)
    order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    traditional_variant = models.CharField(
        _("繁体用字"),
        max_length=6,
        choices=TRADITIONAL_VARIANTS,
        default="s2tw",
        help_text=_("生成繁体报告时的用字标准（OpenCC，只转换字形，不改词语）"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    node_order_by = ["order", "code"]
    steplen = 4

    # optimistic versioning (luoshi.core.concurrency): every edit claims this number
    version = models.PositiveIntegerField(_("版本"), default=0, editable=False)
    objects = UnitManager()
    scope_spec = ScopeSpec(unit="", owner=None)
    history = HistoricalRecords(excluded_fields=["version", "path", "depth", "numchild"])
    detail_url_name = "units:detail"

    class Meta:
        verbose_name = verbose_name_plural = _("单位")
        ordering = ["path"]

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return self.short_name or self.name

    @property
    def lineage_paths(self) -> list[str]:
        """Materialized paths of this unit and every unit above it (root first): filter
        ``unit__path__in=unit.lineage_paths`` for "this unit or an ancestor"."""
        return [self.path[:i] for i in range(self.steplen, len(self.path) + 1, self.steplen)]

    def own_or_inherited(self, settings, inherited=None):
        """The row of ``settings`` (a queryset of a model with a ``unit``) for this unit, else
        the nearest unit above it's that ``inherited(row)`` lets apply below (any, if None)."""
        rows = {
            row.unit.path: row
            for row in settings.filter(unit__path__in=self.lineage_paths).select_related("unit")
        }
        for path in reversed(self.lineage_paths):
            row = rows.get(path)
            if row is not None and (path == self.path or inherited is None or inherited(row)):
                return row
        return None


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
        verbose_name = verbose_name_plural = _("年度党员人数")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="unique_unit_year_stat")
        ]

    def __str__(self):
        return f"{self.unit} {self.year}"

"""责任清单: responsibility packs (the framework, as data) and each unit's duty list of a year.

``Pack``/``PackItem`` are the loaded YAML (see ``luoshi.duty.pack_format``), the same for every
unit. A ``DutyList`` is one unit's list for a year, generated from a pack version; its
``DutyItem`` rows are copies of the pack's items with the unit's own adjustments (target
override, dropped with a reason, custom items, assigned persons). Progress is never stored:
it is measured live from the records through the metric layer (``luoshi.core.metrics``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from luoshi.core import indicators
from luoshi.core.fields import optional_fk, status_field, user_fk
from luoshi.core.history import change_history
from luoshi.core.indicators import is_registered
from luoshi.core.models import DetailPageModel, EvidencedModel, UnitScopedModel, VersionedModel
from luoshi.core.scope import ScopedManager, ScopeSpec
from luoshi.duty.periods import PeriodKind


class Owner(models.TextChoices):
    PRIMARY = "primary", _("第一责任人")
    DIRECT = "direct", _("直接责任人")
    MEMBER = "member", _("班子成员")
    UNIT = "unit", _("单位")


class TargetType(models.TextChoices):
    COUNT = "count", _("次数")
    RATE = "rate", _("比例")
    CHECKLIST = "checklist", _("清单")


class Pack(DetailPageModel):
    """One version of a responsibility pack, as loaded (its YAML kept verbatim)."""

    code = models.SlugField(_("责任包编码"), max_length=40)
    version = models.PositiveIntegerField(_("版本"))
    name = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    source = models.TextField(_("源文件内容"))
    source_name = models.CharField(_("源文件"), max_length=255, blank=True)
    loaded_at = models.DateTimeField(_("载入时间"), auto_now_add=True)
    grades = models.JSONField(
        _("考核等次"), default=list, blank=True, help_text=_("[{name, at_least}]，从高到低")
    )

    detail_url_name = "duty:pack_detail"

    class Meta:
        verbose_name = verbose_name_plural = _("责任包")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="unique_pack_version")
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"


class PackItem(models.Model):
    """An area (领域) or an item (责任项) of a pack version; items hang under their area."""

    pack = models.ForeignKey(Pack, on_delete=models.CASCADE, related_name="items")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    is_area = models.BooleanField(_("领域"), default=False)
    code = models.CharField(_("编码"), max_length=40)
    name = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    line = models.PositiveIntegerField(_("源文件行号"), default=0)
    owner = models.CharField(_("责任主体"), max_length=10, choices=Owner.choices, blank=True)
    indicator_kind = models.CharField(_("指标类型"), max_length=40, blank=True)
    indicator_params = models.JSONField(_("指标参数"), default=dict, blank=True)
    checklist = models.JSONField(_("清单子项"), default=list, blank=True)
    target_type = models.CharField(
        _("目标类型"), max_length=10, choices=TargetType.choices, blank=True
    )
    target_value = models.DecimalField(
        _("目标值"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    period = models.CharField(
        _("周期"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.YEAR
    )
    scoring = models.JSONField(_("评分规则"), default=dict, blank=True)
    is_retired = models.BooleanField(
        _("已停用"), default=False, help_text=_("旧版本中有、本版本已删除的责任项")
    )

    class Meta:
        verbose_name = verbose_name_plural = _("责任包条目")
        ordering = ["pack", "order"]
        constraints = [
            models.UniqueConstraint(fields=["pack", "code"], name="unique_pack_item_code")
        ]

    def __str__(self):
        return self.name

    @property
    def indicator_label(self) -> str:
        """The indicator by its name (「台账记录」), never its key."""
        if not self.indicator_kind:
            return ""
        return str(indicators.kinds().get(self.indicator_kind) or _("逐项核查"))


class DutyStatus(models.TextChoices):
    DRAFT = "draft", _("待签署")
    SIGNED = "signed", _("已签署")


class DutyList(UnitScopedModel, DetailPageModel):
    """A unit's duty list (责任清单) of a year, from one pack; signed as its 责任书."""

    year = models.PositiveSmallIntegerField(_("年度"))
    pack = models.ForeignKey(
        Pack, verbose_name=_("责任包"), on_delete=models.PROTECT, related_name="duty_lists"
    )
    pack_code = models.SlugField(_("责任包编码"), max_length=40)
    status = status_field(DutyStatus, default=DutyStatus.DRAFT)
    signed_by = user_fk(_("签署人"), optional=True)
    signed_at = models.DateTimeField(_("签署时间"), null=True, blank=True)

    history = change_history()
    detail_url_name = "duty:detail"

    class Meta:
        verbose_name = verbose_name_plural = _("责任清单")
        ordering = ["-year", "unit__path"]
        permissions = [("sign_dutylist", _("签署责任书"))]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "pack_code"], name="unique_duty_list_unit_year_pack"
            )
        ]

    def __str__(self):
        return _("%(unit)s %(year)d年%(pack)s") % {
            "unit": self.unit.display_name,
            "year": self.year,
            "pack": self.pack.name,
        }

    @property
    def is_draft(self):
        return self.status == DutyStatus.DRAFT


class DutyItem(UnitScopedModel, VersionedModel, EvidencedModel, DetailPageModel):
    """One item of a duty list: the pack item's copy plus this unit's adjustments.

    ``unit`` repeats the list's unit so scope and evidence need no join.
    """

    duty_list = models.ForeignKey(
        DutyList, verbose_name=_("责任清单"), on_delete=models.CASCADE, related_name="items"
    )
    pack_item = optional_fk(PackItem, _("责任包条目"), models.PROTECT)
    code = models.CharField(_("编码"), max_length=40)
    name = models.CharField(_("责任项"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    area_code = models.CharField(_("领域编码"), max_length=40, blank=True)
    area_name = models.CharField(_("领域"), max_length=200, blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    owner = models.CharField(_("责任主体"), max_length=10, choices=Owner.choices, blank=True)
    indicator_kind = models.CharField(_("指标类型"), max_length=40, blank=True)
    indicator_params = models.JSONField(_("指标参数"), default=dict, blank=True)
    checklist = models.JSONField(_("清单子项"), default=list, blank=True)
    target_type = models.CharField(_("目标类型"), max_length=10, choices=TargetType.choices)
    target_value = models.DecimalField(
        _("目标值"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    period = models.CharField(
        _("周期"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.YEAR
    )
    scoring = models.JSONField(_("评分规则"), default=dict, blank=True)
    target_override = models.DecimalField(
        _("本单位目标"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    override_reason = models.CharField(_("调整理由"), max_length=200, blank=True)
    is_custom = models.BooleanField(_("本单位增加"), default=False)
    is_dropped = models.BooleanField(_("已删减"), default=False)
    drop_reason = models.CharField(_("删减理由"), max_length=200, blank=True)
    is_retired = models.BooleanField(_("已停用"), default=False)
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("责任人"), blank=True, related_name="+"
    )

    history = change_history(m2m_fields=["assignees"])
    detail_url_name = "duty:item_detail"

    class Meta:
        verbose_name = verbose_name_plural = _("责任项")
        ordering = ["duty_list", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["duty_list", "code"], name="unique_duty_item_code")
        ]

    def __str__(self):
        return self.name

    @property
    def target(self):
        return self.target_override if self.target_override is not None else self.target_value

    @property
    def is_manual(self) -> bool:
        return self.indicator_kind in ("", "manual", "checklist") or not is_registered(
            self.indicator_kind
        )

    @property
    def is_active(self) -> bool:
        return not (self.is_dropped or self.is_retired)


class DutyCheck(models.Model):
    """A manual tick on a duty item: a checklist sub-item (key = its code) or a period
    (key = Y, H1, M03…) of an item nobody measures from the records yet."""

    item = models.ForeignKey(DutyItem, on_delete=models.CASCADE, related_name="checks")
    key = models.CharField(_("子项/周期"), max_length=40)
    done = models.BooleanField(_("已完成"), default=False)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = user_fk(_("填报人"))
    recorded_at = models.DateTimeField(_("填报时间"))

    objects = ScopedManager()
    scope_spec = ScopeSpec(unit="item__unit", owner="recorded_by")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("手工填报")
        ordering = ["item", "key"]
        constraints = [
            models.UniqueConstraint(fields=["item", "key"], name="unique_duty_check_key")
        ]

    def __str__(self):
        return f"{self.item} {self.key}"

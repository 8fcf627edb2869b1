"""督查整改: an inspection plan of an inspecting unit, one result per inspected unit (score
sheet, findings, evidence), and one rectification item (整改) per finding.

Scope: a plan belongs to the inspecting unit; a result, its findings and their
rectification items belong to the inspected unit and are visible to both sides — the
inspected unit's scope, and whoever sees the plan (the inspecting side) or sits on its team.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.core.fields import optional_fk, status_field, user_fk
from luoshi.core.models import DetailPageModel, EvidencedModel, UnitScopedModel, VersionedModel
from luoshi.core.scope import ScopedManager, ScopedQuerySet, ScopeSpec, issuer_q, scope_q

# The business line along which a unit may inspect units it directs (业务指导范围).
BUSINESS_LINE = "inspections"
# A plan's rows placed under the inspecting unit (督查单位): its checklist lines, and its
# results when they are counted for the inspecting side (``seen_from``).
INSPECTING_SIDE = ScopeSpec(unit="plan__unit", owner="plan__created_by")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草拟")
    IN_PROGRESS = "in_progress", _("督查中")
    COMPLETED = "completed", _("已完成")


class ResultStatus(models.TextChoices):
    PENDING = "pending", _("待督查")
    RECORDED = "recorded", _("已反馈")


class RectificationStatus(models.TextChoices):
    PENDING = "pending", _("待整改")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("退回重改")
    CLOSED = "closed", _("已销号")


OPEN_RECTIFICATION = (RectificationStatus.PENDING, RectificationStatus.RETURNED)


class InspectionPlanQuerySet(ScopedQuerySet):
    def for_user(self, user):
        """The inspecting unit's scope, plus the plans whose team the user is on."""
        condition = scope_q(user, self.model.scope_spec)
        if user is not None and user.is_authenticated and user.is_active:
            condition |= Q(
                pk__in=InspectionPlan.team.through.objects.filter(user_id=user.pk).values(
                    "inspectionplan_id"
                )
            )
        return self.filter(condition)


class InspectionPlan(UnitScopedModel, VersionedModel, EvidencedModel, DetailPageModel):
    """督查计划 of ``unit`` (the inspecting unit)."""

    title = models.CharField(_("督查名称"), max_length=200)
    description = models.TextField(_("督查内容与要求"), blank=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    inspected_units = models.ManyToManyField(
        "units.Unit", verbose_name=_("被督查单位"), related_name="+"
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("督查组成员"), related_name="inspection_plans"
    )
    status = status_field(PlanStatus, default=PlanStatus.DRAFT, max_length=12)

    objects = ScopedManager.from_queryset(InspectionPlanQuerySet)()
    detail_url_name = "inspections:plan_detail"

    class Meta:
        verbose_name = verbose_name_plural = _("督查计划")
        ordering = ["-starts_on", "-id"]

    def __str__(self):
        return self.title

    def on_team(self, user) -> bool:
        return user is not None and self.team.filter(pk=user.pk).exists()


class ChecklistLine(models.Model):
    """One line of a plan's checklist: copied from a pack item (code + name) or custom."""

    plan = models.ForeignKey(
        InspectionPlan, on_delete=models.CASCADE, related_name="lines", verbose_name=_("督查计划")
    )
    order = models.PositiveIntegerField(_("排序"), default=0)
    code = models.CharField(_("编码"), max_length=40, blank=True)
    name = models.CharField(_("检查内容"), max_length=200)
    max_score = models.DecimalField(_("分值"), max_digits=6, decimal_places=1, default=10)
    pack_item = optional_fk("duty.PackItem", _("责任包条目"), models.SET_NULL)

    objects = ScopedManager()
    scope_spec = INSPECTING_SIDE

    class Meta:
        verbose_name = verbose_name_plural = _("督查清单条目")
        ordering = ["plan", "order", "id"]

    def __str__(self):
        return self.name  # the code is the pack item's key, not for readers


class BothSidesQuerySet(ScopedQuerySet):
    """Visible to the inspected unit's scope and to the inspecting side: who sits on the
    plan's team, and who sees the plan as its inspecting unit (for a unit it directs but
    does not contain, while the 业务指导 authority lasts) — detail pages, exports and
    evidence downloads agree."""

    plan_path = "plan"

    def for_user(self, user):
        spec = self.model.scope_spec
        inspecting = ScopeSpec(
            unit=f"{self.plan_path}__unit", owner=f"{self.plan_path}__created_by"
        )
        condition = scope_q(user, spec) | issuer_q(user, spec, inspecting, BUSINESS_LINE)
        if user is not None and user.is_authenticated and user.is_active:
            team_plans = InspectionPlan.team.through.objects.filter(user_id=user.pk)
            condition |= Q(**{f"{self.plan_path}__in": team_plans.values("inspectionplan_id")})
        return self.filter(condition)


class ItemQuerySet(BothSidesQuerySet):
    plan_path = "finding__result__plan"


class InspectionResult(UnitScopedModel, EvidencedModel, DetailPageModel):
    """督查结果 of one inspected unit (``unit``) in one plan."""

    plan = models.ForeignKey(
        InspectionPlan, on_delete=models.CASCADE, related_name="results", verbose_name=_("督查计划")
    )
    status = status_field(ResultStatus, default=ResultStatus.PENDING)
    inspected_on = models.DateField(_("督查日期"), null=True, blank=True)
    summary = models.TextField(_("总体评价"), blank=True)
    total_score = models.DecimalField(
        _("得分"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    recorded_by = user_fk(_("录入人"), optional=True)

    frozen_with = "plan"  # final when the inspection is completed
    objects = ScopedManager.from_queryset(BothSidesQuerySet)()
    detail_url_name = "inspections:result_detail"

    class Meta:
        verbose_name = verbose_name_plural = _("督查结果")
        ordering = ["plan", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["plan", "unit"], name="one_result_per_unit")]

    def __str__(self):
        return f"{self.plan} · {self.unit}"

    def max_total(self):
        return sum((line.max_score for line in self.plan.lines.all()), start=0)


class ScoreLine(models.Model):
    """评分表: the score of one checklist line for one inspected unit."""

    result = models.ForeignKey(InspectionResult, on_delete=models.CASCADE, related_name="scores")
    line = models.ForeignKey(ChecklistLine, on_delete=models.CASCADE, related_name="scores")
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=1, null=True, blank=True)
    note = models.CharField(_("扣分说明"), max_length=300, blank=True)

    objects = ScopedManager()
    scope_spec = ScopeSpec(unit="result__unit", owner="result__created_by")

    class Meta:
        verbose_name = verbose_name_plural = _("评分")
        constraints = [
            models.UniqueConstraint(fields=["result", "line"], name="one_score_per_line")
        ]

    def __str__(self):
        return f"{self.line} {self.score}"


class Finding(UnitScopedModel):
    """督查发现的问题 in the inspected unit (``unit``)."""

    result = models.ForeignKey(
        InspectionResult,
        on_delete=models.CASCADE,
        related_name="findings",
        verbose_name=_("督查结果"),
    )
    plan = models.ForeignKey(
        InspectionPlan,
        on_delete=models.CASCADE,
        related_name="findings",
        verbose_name=_("督查计划"),
    )
    line = optional_fk(ChecklistLine, _("检查内容"), models.SET_NULL, related_name="findings")
    description = models.TextField(_("问题描述"))
    requirement = models.TextField(_("整改要求"), blank=True)

    objects = ScopedManager.from_queryset(BothSidesQuerySet)()

    class Meta:
        verbose_name = verbose_name_plural = _("督查问题")
        ordering = ["result", "id"]

    def __str__(self):
        return self.description[:40]


class RectificationItem(UnitScopedModel, EvidencedModel, DetailPageModel):
    """整改事项 of one finding: the unit submits, the inspecting team verifies (销号)."""

    finding = models.OneToOneField(
        Finding, on_delete=models.CASCADE, related_name="item", verbose_name=_("督查问题")
    )
    owner = user_fk(_("整改责任人"))
    deadline = models.DateField(_("整改期限"), db_index=True)
    status = status_field(RectificationStatus, default=RectificationStatus.PENDING, db_index=True)
    response = models.TextField(_("整改情况"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = user_fk(_("提交人"), optional=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    closed_by = user_fk(_("销号人"), optional=True)

    objects = ScopedManager.from_queryset(ItemQuerySet)()
    detail_url_name = "inspections:item_detail"

    class Meta:
        verbose_name = verbose_name_plural = _("整改事项")
        ordering = ["deadline", "id"]
        permissions = [("verify_rectificationitem", "核验（销号/退回重改）")]

    def __str__(self):
        return f"{self.unit} · {self.finding}"

    @property
    def plan(self):
        return self.finding.result.plan

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """逾期: still to be rectified (待整改 / 退回重改) after the deadline."""
        if self.status not in OPEN_RECTIFICATION:
            return False
        return (today or timezone.localdate()) > self.deadline

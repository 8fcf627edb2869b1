"""任务交办 and 信息报送: a task issued down the tree, one assignment per recipient unit,
and reporting schedules that issue the period's task by themselves.

Scope: a ``Task`` belongs to its issuing unit, a ``TaskAssignment`` to its recipient unit.
The issuer reaches the assignments of its tasks through the task (``selectors``).
"""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.core.fields import optional_fk, status_field, user_fk
from luoshi.core.models import DetailPageModel, EvidencedModel, UnitScopedModel, VersionedModel
from luoshi.core.scope import ScopedManager, ScopedQuerySet, ScopeSpec, issuer_q, scope_q

# The business line along which a unit may issue tasks to units it directs (业务指导范围).
BUSINESS_LINE = "tasks"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    HALF_YEARLY = "half_yearly", _("每半年")
    YEARLY = "yearly", _("每年")


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", _("待办")
    SUBMITTED = "submitted", _("已提交")
    ACCEPTED = "accepted", _("已采纳")
    RETURNED = "returned", _("已退回")
    WITHDRAWN = "withdrawn", _("已撤回")  # the issuer withdrew the task before any report


OPEN_STATUSES = (AssignmentStatus.PENDING, AssignmentStatus.RETURNED)


class RecipientChoice(models.Model):
    """Who receives: chosen units, and/or every unit of a subtree (or its direct children)."""

    recipient_units = models.ManyToManyField(
        "units.Unit", verbose_name=_("接收单位"), blank=True, related_name="+"
    )
    subtree_root = optional_fk("units.Unit", _("下发到该单位及其下级"), models.PROTECT)
    direct_only = models.BooleanField(
        _("仅直属下级"), default=False, help_text=_("只下发到所选单位的直属下级单位")
    )

    class Meta:
        abstract = True


class ReportingSchedule(UnitScopedModel, RecipientChoice, VersionedModel, DetailPageModel):
    """信息报送计划: issues the period's task to its recipients by itself."""

    code = models.SlugField(
        _("计划编码"),
        max_length=40,
        unique=True,
        help_text=_("责任清单以此编码引用本计划的按时报送率，如 monthly_info"),
    )
    title_template = models.CharField(
        _("标题模板"),
        max_length=200,
        help_text=_("可用 {period} 表示报送周期，如“{period}意识形态工作信息报送”"),
    )
    requirements = models.TextField(_("报送要求"))
    frequency = models.CharField(_("报送频次"), max_length=12, choices=Frequency.choices)
    due_day = models.PositiveSmallIntegerField(
        _("截止日"), help_text=_("周期最后一个月的第几日截止（1–31，超出当月天数按月末计）")
    )
    evidence_required = models.BooleanField(_("须附佐证材料"), default=True)
    duty_item_code = models.CharField(_("关联责任项编码"), max_length=40, blank=True)
    starts_on = models.DateField(_("启用日期"), default=timezone.localdate)
    is_active = models.BooleanField(_("启用"), default=True)

    detail_url_name = "tasks:schedule_update"

    class Meta:
        verbose_name = verbose_name_plural = _("报送计划")
        ordering = ["unit__path", "title_template"]

    def __str__(self):
        return self.title_template.replace("{period}", "")


class Task(UnitScopedModel, RecipientChoice, VersionedModel, EvidencedModel, DetailPageModel):
    """A task issued by ``unit`` to one or more units below it."""

    title = models.CharField(_("任务标题"), max_length=200)
    requirements = models.TextField(_("任务要求"))
    deadline = models.DateField(_("截止日期"), db_index=True)
    evidence_required = models.BooleanField(_("须附佐证材料"), default=True)
    duty_item_code = models.CharField(
        _("关联责任项编码"), max_length=40, blank=True, help_text=_("责任清单中的责任项编码")
    )
    schedule = optional_fk(ReportingSchedule, _("报送计划"), models.PROTECT, related_name="tasks")
    # The business line the task is issued along (业务指导范围): 任务交办, or 风险排查 for a
    # screening campaign's task.
    business_line = models.CharField(
        _("业务条线"), max_length=40, default=BUSINESS_LINE, editable=False
    )
    period_key = models.CharField(_("报送周期"), max_length=10, blank=True)
    period_start = models.DateField(_("周期开始"), null=True, blank=True)
    period_end = models.DateField(_("周期结束"), null=True, blank=True)
    # Set when the issuer withdrew the task (every assignment took the 撤回 step).
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True, editable=False)

    detail_url_name = "tasks:task_detail"

    class Meta:
        verbose_name = verbose_name_plural = _("交办任务")
        ordering = ["-deadline", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "period_key"],
                condition=models.Q(schedule__isnull=False),
                name="task_once_per_schedule_period",
            )
        ]

    def __str__(self):
        return self.title


class TaskAssignmentQuerySet(ScopedQuerySet):
    def for_user(self, user):
        """Visible on both sides: to the recipient unit's scope, and to whoever sees the
        task as its issuer (for a unit it directs but does not contain, while the 业务指导
        authority lasts) — so detail pages, exports and evidence downloads agree."""
        return self.filter(scope_q(user, self.model.scope_spec) | self.issuer_side_q(user))

    def issuer_side_q(self, user):
        spec = self.model.scope_spec
        issuer = ScopeSpec(unit="task__unit", owner="task__created_by")
        return issuer_q(user, spec, issuer, BUSINESS_LINE, line_field="task__business_line")

    def issuer_side(self, user):
        """The assignments ``user`` reads as issuer (to review them, to urge them)."""
        return self.filter(self.issuer_side_q(user))


class TaskAssignment(UnitScopedModel, EvidencedModel, DetailPageModel):
    """One recipient unit's part of a task: its response, evidence and review steps."""

    task = models.ForeignKey(
        Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="assignments"
    )
    status = status_field(AssignmentStatus, default=AssignmentStatus.PENDING, db_index=True)
    response = models.TextField(_("办理情况"), blank=True)
    first_submitted_at = models.DateTimeField(_("首次提交时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = user_fk(_("提交人"), optional=True)
    accepted_at = models.DateTimeField(_("采纳时间"), null=True, blank=True)

    objects = ScopedManager.from_queryset(TaskAssignmentQuerySet)()
    detail_url_name = "tasks:assignment_detail"

    class Meta:
        verbose_name = verbose_name_plural = _("任务办理")
        ordering = ["task__deadline", "unit__path"]
        permissions = [("review_taskassignment", "审核（采纳/退回）")]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="one_assignment_per_unit")
        ]

    def __str__(self):
        return f"{self.task} · {self.unit}"

    # Timeliness. A unit reports on time when its first submission is dated no later than
    # the deadline; a later return and resubmission does not make it late.

    def first_submitted_on(self) -> datetime.date | None:
        if self.first_submitted_at is None:
            return None
        return timezone.localdate(self.first_submitted_at)

    def on_time(self) -> bool:
        day = self.first_submitted_on()
        return day is not None and day <= self.task.deadline

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """Not submitted by the deadline, or submitted (first) after it."""
        day = self.first_submitted_on()
        if day is not None:
            return day > self.task.deadline
        return (today or timezone.localdate()) > self.task.deadline

    def timeliness(self, today: datetime.date | None = None) -> str:
        if self.first_submitted_at is None:
            return _("逾期未报") if self.is_overdue(today) else _("未到期")
        return _("按时报送") if self.on_time() else _("逾期报送")

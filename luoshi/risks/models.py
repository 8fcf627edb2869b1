"""风险点排查与研判: risk points of the unit's own work, screening campaigns, 分析研判 meetings.

Scope boundary (DESIGN.md §2): a risk point is about the unit's work (an area of its work,
what could go wrong, why, what the unit does about it). There are no fields about people
other than the unit's own responsible staff member (``owner``): no watch lists, no views.

A screening campaign is a task (``luoshi.tasks``): the campaign keeps the checklist, its
``Task`` keeps recipients, deadline, per-unit assignments, the submit/accept/return steps,
reminders and the on-time rate. Each recipient's self-check is a ``Screening`` linked to its
``TaskAssignment``; a unit may also screen on its own initiative (a ``Screening`` without a
campaign).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.core.fields import optional_fk, optional_one_to_one, status_field, user_fk
from luoshi.core.history import change_history
from luoshi.core.models import (
    DetailPageModel,
    DictionaryModel,
    EvidencedModel,
    UnitScopedModel,
    VersionedModel,
)
from luoshi.core.scope import ScopedManager, ScopedQuerySet, ScopeSpec, issuer_q, scope_q

# The business line along which a unit may launch screening campaigns to units it directs.
BUSINESS_LINE = "risks"


class RiskArea(DictionaryModel):
    """理论学习, 阵地管理, 网络宣传… (configurable)."""

    class Meta(DictionaryModel.Meta):
        verbose_name = verbose_name_plural = _("风险领域")


class RiskLevel(DictionaryModel):
    """红/橙/黄/蓝 (configurable); ``order`` 1 is the most severe."""

    color = models.CharField(_("颜色"), max_length=7, default="#6c757d")

    class Meta(DictionaryModel.Meta):
        verbose_name = verbose_name_plural = _("风险等级")


class RiskStatus(models.TextChoices):
    IDENTIFIED = "identified", _("识别")
    CONTROLLING = "controlling", _("管控中")
    RESOLVED = "resolved", _("已化解")
    LONG_TERM = "long_term", _("长期管控")


OPEN_RISK_STATUSES = (RiskStatus.IDENTIFIED, RiskStatus.CONTROLLING, RiskStatus.LONG_TERM)


class Campaign(UnitScopedModel, DetailPageModel):
    """排查: launched by ``unit`` to a subtree; the recipients and steps live on ``task``."""

    task = models.OneToOneField(
        "tasks.Task", verbose_name=_("任务"), on_delete=models.PROTECT, related_name="campaign"
    )
    checklist = models.TextField(_("排查清单"), help_text=_("每行一项"))

    detail_url_name = "risks:campaign_detail"

    class Meta:
        verbose_name = verbose_name_plural = _("排查活动")
        ordering = ["-task__deadline", "-id"]

    def __str__(self):
        return self.task.title

    @property
    def title(self):
        return self.task.title

    @property
    def deadline(self):
        return self.task.deadline

    def checklist_items(self) -> list[str]:
        return [line.strip() for line in self.checklist.splitlines() if line.strip()]


class ScreeningQuerySet(ScopedQuerySet):
    def for_user(self, user):
        """The unit's own side, and the launcher's side through the campaign (for a unit
        the launcher directs but does not contain, while the 业务指导 authority lasts)."""
        launcher = ScopeSpec(unit="campaign__unit", owner="campaign__created_by")
        spec = self.model.scope_spec
        return self.filter(scope_q(user, spec) | issuer_q(user, spec, launcher, BUSINESS_LINE))


class Screening(UnitScopedModel, EvidencedModel, DetailPageModel):
    """One unit's self-check (自查): checklist results, risk points found or none declared."""

    campaign = optional_fk(Campaign, _("排查活动"), models.CASCADE, related_name="screenings")
    assignment = optional_one_to_one(
        "tasks.TaskAssignment", _("任务办理"), models.CASCADE, related_name="screening"
    )
    title = models.CharField(_("排查名称"), max_length=200)
    checklist = models.TextField(_("排查清单"), blank=True, help_text=_("每行一项"))
    results = models.JSONField(_("自查结果"), default=dict, blank=True)
    no_risk_declared = models.BooleanField(_("未发现风险点"), default=False)
    no_risk_reason = models.TextField(_("未发现风险点的说明"), blank=True)
    summary = models.TextField(_("自查情况"), blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True, db_index=True)
    completed_by = user_fk(_("提交人"), optional=True)

    frozen_with = "assignment"  # final when the screening task is accepted
    objects = ScopedManager.from_queryset(ScreeningQuerySet)()
    detail_url_name = "risks:screening_detail"

    class Meta:
        verbose_name = verbose_name_plural = _("风险排查")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.title} · {self.unit}"

    def checklist_items(self) -> list[str]:
        source = self.campaign.checklist if self.campaign_id else self.checklist
        return [line.strip() for line in source.splitlines() if line.strip()]

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None

    @property
    def completed_on(self):
        return timezone.localdate(self.completed_at) if self.completed_at else None


class RiskPoint(UnitScopedModel, VersionedModel, EvidencedModel, DetailPageModel):
    """A risk point of the unit's own work; status 识别 → 管控中 → 已化解 / 长期管控."""

    area = models.ForeignKey(
        RiskArea, verbose_name=_("风险领域"), on_delete=models.PROTECT, related_name="risks"
    )
    level = models.ForeignKey(
        RiskLevel, verbose_name=_("风险等级"), on_delete=models.PROTECT, related_name="risks"
    )
    description = models.TextField(_("风险点描述"), help_text=_("本单位哪项工作存在什么风险"))
    cause = models.TextField(_("风险成因"), blank=True)
    measures = models.TextField(_("防控措施"))
    owner = user_fk(_("责任人"), optional=True, help_text=_("本单位负责落实防控措施的工作人员"))
    deadline = models.DateField(_("整改/管控时限"), null=True, blank=True)
    identified_on = models.DateField(_("识别日期"), default=timezone.localdate, db_index=True)
    status = status_field(RiskStatus, default=RiskStatus.IDENTIFIED, max_length=12, db_index=True)
    screening = optional_fk(Screening, _("来源排查"), models.SET_NULL, related_name="risks")

    history = change_history()
    detail_url_name = "risks:risk_detail"

    class Meta:
        verbose_name = verbose_name_plural = _("风险点")
        ordering = ["level__order", "-identified_on", "-id"]
        indexes = [models.Index(fields=["unit", "area", "level"])]

    def __str__(self):
        text = self.description.replace("\n", " ")
        return text[:40] + ("…" if len(text) > 40 else "")

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return (
            self.deadline is not None
            and self.status in (RiskStatus.IDENTIFIED, RiskStatus.CONTROLLING)
            and self.deadline < today
        )


class AnalysisMeeting(UnitScopedModel, VersionedModel, EvidencedModel, DetailPageModel):
    """分析研判 meeting of the unit; creates its ledger record (activity type ``analysis``)."""

    date = models.DateField(_("会议日期"), db_index=True)
    title = models.CharField(_("会议名称"), max_length=200)
    attendees = models.TextField(
        _("参会人员"), help_text=_("本单位参会人员的姓名、职务（每行一人或以顿号分隔）")
    )
    risks = models.ManyToManyField(
        RiskPoint, verbose_name=_("研判的风险点"), blank=True, related_name="meetings"
    )
    situation = models.TextField(_("形势分析"), blank=True)
    conclusions = models.TextField(_("研判结论与工作安排"))
    ledger_record = optional_one_to_one(
        "ledger.LedgerRecord", _("台账记录"), models.PROTECT, related_name="analysis_meeting"
    )

    history = change_history()
    detail_url_name = "risks:meeting_detail"

    class Meta:
        verbose_name = verbose_name_plural = _("分析研判会议")
        ordering = ["-date", "-id"]

    def __str__(self):
        return self.title

"""舆情事件处置: incidents about the unit's own work, entered by hand.

Scope boundary (DESIGN.md §2): an incident holds what happened, where it appeared, a source
link, the steps the unit took, the responsible unit and the outcome. There are NO fields for
personal data of members of the public (no names, accounts, phone numbers, ID numbers,
authors or commenters of posts, no views of anyone), and nothing imports, crawls or monitors
posts: every incident is typed in by the unit's own staff.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from luoshi.core.fields import status_field
from luoshi.core.history import change_history
from luoshi.core.models import (
    DetailPageModel,
    DictionaryModel,
    EvidencedModel,
    UnitScopedModel,
    VersionedModel,
)


class Platform(DictionaryModel):
    """Where an incident appeared: 本单位网站, 微信, 微博, 12345 热线… (configurable)."""

    class Meta(DictionaryModel.Meta):
        verbose_name = verbose_name_plural = _("舆情平台")


class IncidentLevel(models.TextChoices):
    GENERAL = "general", _("一般")
    MAJOR = "major", _("较大")
    SERIOUS = "serious", _("重大")


class IncidentStatus(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    ANALYZED = "analyzed", _("已研判")
    HANDLED = "handled", _("已处置")
    RESPONDED = "responded", _("已回应")
    CLOSED = "closed", _("已办结")


class Incident(UnitScopedModel, VersionedModel, EvidencedModel, DetailPageModel):
    """One incident about the unit's work and its timeline 登记 → 研判 → 处置 → 回应 → 办结.

    ``unit`` is the registering unit (the data scope); ``responsible_unit`` is that unit or
    one below it. Each step is a signed, timed ``WorkflowStep``; the step's content is kept
    here. No personal data of the public: see the module docstring.
    """

    title = models.CharField(_("事件标题"), max_length=120)
    discovered_at = models.DateTimeField(_("发现时间"), db_index=True)
    platform = models.ForeignKey(
        Platform, verbose_name=_("出现平台"), on_delete=models.PROTECT, related_name="incidents"
    )
    summary = models.TextField(_("事件概要"), help_text=_("发生了什么、涉及本单位哪项工作"))
    source_url = models.URLField(_("来源链接"), max_length=500, blank=True)
    level = models.CharField(
        _("事件等级"), max_length=10, choices=IncidentLevel.choices, default=IncidentLevel.GENERAL
    )
    responsible_unit = models.ForeignKey(
        "units.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+"
    )
    status = status_field(
        IncidentStatus, default=IncidentStatus.REGISTERED, max_length=12, db_index=True
    )
    # 研判
    analysis = models.TextField(_("研判意见"), blank=True)
    analyzed_at = models.DateTimeField(_("研判时间"), null=True, blank=True)
    # 处置
    measures = models.TextField(_("处置措施"), blank=True)
    handled_at = models.DateTimeField(_("处置时间"), null=True, blank=True)
    # 回应
    response_text = models.TextField(_("回应内容"), blank=True)
    responded_at = models.DateTimeField(
        _("回应时间"), null=True, blank=True, help_text=_("公开回应发布的时间")
    )
    # 办结
    outcome = models.TextField(_("办结情况"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    history = change_history()
    detail_url_name = "incidents:detail"

    class Meta:
        verbose_name = verbose_name_plural = _("舆情事件")
        ordering = ["-discovered_at", "-id"]
        indexes = [models.Index(fields=["unit", "discovered_at"])]

    def __str__(self):
        return self.title

    @property
    def time_to_response(self):
        """From discovery to the first public response."""
        if self.responded_at is None:
            return None
        return self.responded_at - self.discovered_at

    @property
    def time_to_close(self):
        if self.closed_at is None:
            return None
        return self.closed_at - self.discovered_at

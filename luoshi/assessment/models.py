"""考核: the yearly assessment of units by the rubric of a responsibility pack.

An ``Assessment`` is held by the assessing unit for a year and one pack version; its target
units are scored item by item (``AssessmentScore``): automatically from the records (the
unit's duty progress, measured live through ``luoshi.core.indicators``) or by hand with a
mandatory reason. Every score keeps its explanation: the rule in words, the measured value
and the url of the records behind it. Totals, ranking and grade bands are read from the
scores (``selectors.ranking``); publishing freezes them.
"""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from luoshi.core.fields import optional_fk, status_field, user_fk
from luoshi.core.models import DetailPageModel, EvidencedModel, UnitScopedModel, VersionedModel
from luoshi.core.scope import ScopedManager, ScopeSpec


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    COMPUTED = "computed", _("已计算")
    REVIEW = "review", _("复核中")
    REVIEWED = "reviewed", _("已复核")
    PUBLISHED = "published", _("已发布")


class Assessment(UnitScopedModel, DetailPageModel):
    """One yearly assessment; ``unit`` is the assessing unit."""

    name = models.CharField(_("考核名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    pack = models.ForeignKey(
        "duty.Pack", verbose_name=_("责任包"), on_delete=models.PROTECT, related_name="+"
    )
    targets = models.ManyToManyField("units.Unit", verbose_name=_("被考核单位"), related_name="+")
    status = status_field(AssessmentStatus, default=AssessmentStatus.DRAFT)
    grades = models.JSONField(_("考核等次"), default=list, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = user_fk(_("发布人"), optional=True)

    detail_url_name = "assessment:detail"

    class Meta:
        verbose_name = verbose_name_plural = _("考核")
        ordering = ["-year", "-id"]
        permissions = [
            ("compute_assessment", _("计算考核")),
            ("score_assessment", _("复核与手工评分")),
            ("publish_assessment", _("发布考核结果")),
        ]

    def __str__(self):
        return self.name

    @property
    def is_published(self):
        return self.status == AssessmentStatus.PUBLISHED

    @property
    def scores_open(self) -> bool:
        """Scores may change until the review is passed (已复核) or published."""
        return self.status not in (AssessmentStatus.REVIEWED, AssessmentStatus.PUBLISHED)


class ScoreSource(models.TextChoices):
    AUTO = "auto", _("自动计分")
    MANUAL = "manual", _("手工评分")
    PENDING = "pending", _("待手工评分")
    EXCLUDED = "excluded", _("不考核")


def source_q(source: str) -> Q:
    """The scores of one ``ScoreSource`` (as ``AssessmentScore.source`` reads each)."""
    if source == ScoreSource.EXCLUDED:
        return Q(excluded=True)
    if source == ScoreSource.MANUAL:
        return Q(excluded=False, manual_score__isnull=False)
    if source == ScoreSource.AUTO:
        return Q(excluded=False, manual_score__isnull=True, auto_score__isnull=False)
    return Q(excluded=False, manual_score__isnull=True, auto_score__isnull=True)


class AssessmentScore(VersionedModel, EvidencedModel):
    """One target unit × one pack item of an assessment, with its explanation."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("被考核单位"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("编码"), max_length=40)
    name = models.CharField(_("考核指标"), max_length=200)
    area_name = models.CharField(_("领域"), max_length=200, blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    duty_item = optional_fk("duty.DutyItem", _("责任项"), models.SET_NULL)
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=2, default=0)
    rule = models.TextField(_("评分规则"), blank=True)
    value = models.CharField(_("实测值"), max_length=200, blank=True)
    achieved = models.DecimalField(
        _("达成率(%)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    url = models.CharField(_("记录链接"), max_length=500, blank=True)
    auto_score = models.DecimalField(
        _("自动得分"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    manual_score = models.DecimalField(
        _("手工得分"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    reason = models.TextField(_("评分理由"), blank=True)
    scored_by = user_fk(_("评分人"), optional=True)
    scored_at = models.DateTimeField(_("评分时间"), null=True, blank=True)
    excluded = models.BooleanField(_("不考核"), default=False)

    frozen_with = "assessment"  # a published assessment keeps its scores' evidence as is
    objects = ScopedManager()
    scope_spec = ScopeSpec(unit="assessment__unit", owner="assessment__created_by")

    class Meta:
        verbose_name = verbose_name_plural = _("考核得分")
        ordering = ["assessment", "unit__path", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "unit", "code"], name="unique_assessment_score"
            )
        ]

    def __str__(self):
        return f"{self.unit} {self.name}"

    def get_absolute_url(self):
        return reverse("assessment:sheet", args=[self.assessment_id, self.unit_id]) + (
            f"#score-{self.pk}"
        )

    @property
    def source(self) -> str:
        if self.excluded:
            return ScoreSource.EXCLUDED
        if self.manual_score is not None:
            return ScoreSource.MANUAL
        if self.auto_score is not None:
            return ScoreSource.AUTO
        return ScoreSource.PENDING

    @property
    def source_label(self) -> str:
        return str(ScoreSource(self.source).label)

    @property
    def score(self) -> Decimal | None:
        if self.excluded:
            return None
        return self.manual_score if self.manual_score is not None else self.auto_score

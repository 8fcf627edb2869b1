"""讲座论坛报告会研讨会备案 (「一会一报」): the events a unit hosts, their review chain and rules."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from luoshi.core.fields import optional_fk, optional_one_to_one, status_field
from luoshi.core.history import change_history
from luoshi.core.models import DetailPageModel, EvidencedModel, UnitScopedModel, VersionedModel
from luoshi.core.scope import ScopedManager, ScopeSpec


class EventKind(models.TextChoices):
    LECTURE = "lecture", _("讲座")
    FORUM = "forum", _("论坛")
    REPORT = "report", _("报告会")
    SEMINAR = "seminar", _("研讨会")
    OTHER = "other", _("其他")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    REVIEWING = "reviewing", _("审核中")
    REFUSED = "refused", _("未通过")
    APPROVED = "approved", _("已批准")
    HELD = "held", _("已举办")


class ReviewerLevel(models.TextChoices):
    OWN = "own", _("主办单位")
    ANCESTOR = "ancestor", _("上级单位")


class ReviewChain(UnitScopedModel, VersionedModel):
    """Who reviews the events of ``unit`` (and, if ``applies_to_subtree``, of the units
    below it that have no chain of their own): ordered steps, each a role in a unit."""

    name = models.CharField(_("名称"), max_length=60)
    applies_to_subtree = models.BooleanField(_("适用于下级单位"), default=True)

    history = change_history()

    class Meta:
        verbose_name = verbose_name_plural = _("审核流程")
        ordering = ["unit__path"]
        constraints = [models.UniqueConstraint(fields=["unit"], name="one_event_chain_per_unit")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("events:chains")


class ReviewChainStep(models.Model):
    chain = models.ForeignKey(
        ReviewChain, verbose_name=_("审核流程"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)
    label = models.CharField(_("环节名称"), max_length=40)
    role = models.ForeignKey(
        "accounts.Role", verbose_name=_("审核角色"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(
        _("审核单位"), max_length=10, choices=ReviewerLevel.choices, default=ReviewerLevel.OWN
    )
    ancestor_type = optional_fk(
        "units.UnitType",
        _("上级单位类型"),
        models.PROTECT,
        help_text=_("留空表示直接上级单位；填写则取最近的该类型上级单位"),
    )

    objects = ScopedManager()
    scope_spec = ScopeSpec(unit="chain__unit", owner="chain__created_by")

    class Meta:
        verbose_name = verbose_name_plural = _("审核环节")
        ordering = ["chain", "order", "id"]

    def __str__(self):
        return self.label


class EventRule(UnitScopedModel, VersionedModel):
    """A filing rule of ``unit`` and the units below it, checked when an event is submitted:
    expected audience above ``min_audience`` requires an attachment titled ``required_tag``."""

    name = models.CharField(_("规则名称"), max_length=60)
    min_audience = models.PositiveIntegerField(
        _("预计人数超过"), help_text=_("预计参加人数超过此数时适用")
    )
    required_tag = models.CharField(
        _("须附材料"), max_length=40, help_text=_("附件名称须包含此词，如“安全预案”")
    )
    is_active = models.BooleanField(_("启用"), default=True)

    history = change_history()

    class Meta:
        verbose_name = verbose_name_plural = _("备案规则")
        ordering = ["unit__path", "min_audience"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("events:chains")


class EventFiling(UnitScopedModel, VersionedModel, EvidencedModel, DetailPageModel):
    """One event the unit hosts: applied, reviewed along the chain, approved, then held."""

    kind = models.CharField(_("类型"), max_length=10, choices=EventKind.choices)
    topic = models.CharField(_("主题"), max_length=200)
    synopsis = models.TextField(_("内容简介"))
    start_at = models.DateTimeField(_("开始时间"), db_index=True)
    end_at = models.DateTimeField(_("结束时间"))
    venue = models.CharField(_("地点"), max_length=200, blank=True)
    online_platform = models.CharField(
        _("线上平台"), max_length=100, blank=True, help_text=_("线上举办时填写平台名称")
    )
    expected_audience = models.PositiveIntegerField(_("预计人数"))
    status = status_field(EventStatus, default=EventStatus.DRAFT)
    current_step = models.PositiveSmallIntegerField(_("当前审核环节"), default=0)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    actual_audience = models.PositiveIntegerField(_("实际人数"), null=True, blank=True)
    held_summary = models.TextField(_("举办情况"), blank=True)
    # the ledger's record of the held event: not deleted while the filing refers to it
    ledger_record = optional_one_to_one(
        "ledger.LedgerRecord", _("台账记录"), models.PROTECT, related_name="event_filing"
    )

    history = change_history()
    detail_url_name = "events:detail"

    class Meta:
        verbose_name = verbose_name_plural = _("讲座论坛备案")
        ordering = ["-start_at", "-id"]
        permissions = [("review_eventfiling", _("审核讲座论坛备案"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_at__gte=models.F("start_at")),
                name="event_ends_after_start",
                violation_error_message=_("结束时间不能早于开始时间。"),
            )
        ]

    def __str__(self):
        return self.topic

    @property
    def place(self):
        return " / ".join(x for x in (self.venue, self.online_platform) if x)

    @property
    def filed_in_time(self) -> bool:
        return bool(self.approved_at and self.approved_at <= self.start_at)


class EventSpeaker(models.Model):
    """A speaker the unit invites (a public figure): name, affiliation and title only."""

    event = models.ForeignKey(
        EventFiling, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="speakers"
    )
    name = models.CharField(_("姓名"), max_length=40)
    affiliation = models.CharField(_("工作单位"), max_length=100)
    title = models.CharField(_("职务/职称"), max_length=60, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    objects = ScopedManager()
    scope_spec = ScopeSpec(unit="event__unit", owner="event__created_by")

    class Meta:
        verbose_name = verbose_name_plural = _("主讲人")
        ordering = ["event", "order", "id"]

    def __str__(self):
        return self.name


class EventReview(models.Model):
    """The review chain of one event, resolved when it is submitted: step ``order`` is
    taken by a holder of ``role`` in ``review_unit``. Decisions are WorkflowSteps."""

    event = models.ForeignKey(
        EventFiling, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="reviews"
    )
    order = models.PositiveSmallIntegerField(_("顺序"))
    label = models.CharField(_("环节名称"), max_length=40)
    role = models.ForeignKey(
        "accounts.Role", verbose_name=_("审核角色"), on_delete=models.PROTECT, related_name="+"
    )
    review_unit = models.ForeignKey(
        "units.Unit", verbose_name=_("审核单位"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager()
    scope_spec = ScopeSpec(unit="event__unit", owner="event__created_by")

    class Meta:
        verbose_name = verbose_name_plural = _("审核环节")
        ordering = ["event", "order"]
        constraints = [
            models.UniqueConstraint(fields=["event", "order"], name="one_review_per_event_order")
        ]

    def __str__(self):
        return f"{self.order}. {self.label}"

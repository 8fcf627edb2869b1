"""阵地管理: the unit's own channels (websites, new-media accounts, boards, halls) and their
periodic checks. Only the unit's own channels are kept here; nothing monitors anyone."""

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.core.fields import status_field, user_fk
from luoshi.core.history import change_history
from luoshi.core.models import (
    DetailPageModel,
    DictionaryModel,
    EvidencedModel,
    UnitScopedModel,
    VersionedModel,
)


class ChannelType(DictionaryModel):
    """门户网站, 微信公众号, 微博, 抖音/视频号, 宣传栏/电子屏, 讲堂/场馆, 其他."""

    class Meta(DictionaryModel.Meta):
        db_table = "channels_channeltype"  # the tables keep the names of the old app label
        verbose_name = verbose_name_plural = _("阵地类型")


class ChannelStatus(models.TextChoices):
    ACTIVE = "active", _("在用")
    CLOSED = "closed", _("已关闭")


class FilingStatus(models.TextChoices):
    FILED = "filed", _("已备案")
    PENDING = "pending", _("备案中")
    NOT_FILED = "not_filed", _("未备案")
    NOT_REQUIRED = "not_required", _("无需备案")


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months (the 31st becomes the month's last day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


class Channel(UnitScopedModel, VersionedModel, EvidencedModel, DetailPageModel):
    """One of the unit's own channels. Closing keeps the record and its history."""

    channel_type = models.ForeignKey(
        ChannelType, verbose_name=_("阵地类型"), on_delete=models.PROTECT, related_name="channels"
    )
    name = models.CharField(_("阵地名称"), max_length=100)
    account = models.CharField(
        _("账号或地址"), max_length=200, help_text=_("网址、公众号/账号名称，或实体阵地的地址")
    )
    administrator = user_fk(_("管理员"), help_text=_("负责该阵地日常管理的本系统用户"))
    filing_status = models.CharField(
        _("备案状态"), max_length=12, choices=FilingStatus.choices, default=FilingStatus.FILED
    )
    filing_number = models.CharField(_("备案号"), max_length=60, blank=True)
    opened_on = models.DateField(_("开通日期"))
    closed_on = models.DateField(_("关闭日期"), null=True, blank=True)
    close_reason = models.TextField(_("关闭原因"), blank=True)
    check_interval_months = models.PositiveSmallIntegerField(
        _("检查周期（月）"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text=_("默认每季度检查一次"),
    )
    status = status_field(ChannelStatus, default=ChannelStatus.ACTIVE)
    notes = models.TextField(_("备注"), blank=True)
    # Kept by services.refresh_schedule: last check, or the opening date, plus the interval.
    last_checked_on = models.DateField(_("最近检查"), null=True, blank=True, editable=False)
    next_check_due = models.DateField(_("下次检查"), null=True, blank=True, editable=False)

    history = change_history(
        "last_checked_on", "next_check_due", table_name="channels_historicalchannel"
    )
    detail_url_name = "channels:detail"

    class Meta:
        db_table = "channels_channel"
        verbose_name = verbose_name_plural = _("阵地")
        ordering = ["unit__path", "channel_type__order", "name"]
        indexes = [models.Index(fields=["status", "next_check_due"])]

    def __str__(self):
        return self.name

    @property
    def is_active(self):
        return self.status == ChannelStatus.ACTIVE

    @property
    def is_overdue(self) -> bool:
        return (
            self.is_active
            and self.next_check_due is not None
            and self.next_check_due < timezone.localdate()
        )

    def compute_next_due(self, last_checked_on=None) -> datetime.date:
        return add_months(last_checked_on or self.opened_on, self.check_interval_months)


class CheckResult(models.TextChoices):
    OK = "ok", _("正常")
    PROBLEMS = "problems", _("发现问题")


class ChannelCheck(UnitScopedModel, EvidencedModel):
    """A periodic check of a channel (its ``unit`` is the channel's unit)."""

    channel = models.ForeignKey(
        Channel, verbose_name=_("阵地"), on_delete=models.PROTECT, related_name="checks"
    )
    checked_on = models.DateField(_("检查日期"))
    checker = user_fk(_("检查人"))
    result = models.CharField(
        _("检查结果"), max_length=10, choices=CheckResult.choices, default=CheckResult.OK
    )
    findings = models.TextField(_("检查情况"), help_text=_("检查了哪些内容、发现的问题"))
    rectification = models.TextField(_("整改情况"), blank=True)

    frozen_with = "channel"  # final when the channel is closed
    history = change_history(table_name="channels_historicalchannelcheck")

    class Meta:
        db_table = "channels_channelcheck"
        verbose_name = verbose_name_plural = _("阵地检查")
        ordering = ["-checked_on", "-id"]

    def __str__(self):
        return f"{self.channel} {self.checked_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("channels:detail", args=[self.channel_id]) + f"#check-{self.pk}"

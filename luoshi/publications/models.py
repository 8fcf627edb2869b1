"""信息发布三审: the unit's own publications, 初审 → 复审 → 终审 → 已发布."""

from django.db import models
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from luoshi.core.fields import optional_fk, status_field, user_fk
from luoshi.core.history import change_history
from luoshi.core.models import DetailPageModel, EvidencedModel, UnitScopedModel, VersionedModel


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    FIRST = "first", _("待初审")
    SECOND = "second", _("待复审")
    FINAL = "final", _("待终审")
    APPROVED = "approved", _("待发布")
    PUBLISHED = "published", _("已发布")
    RETURNED = "returned", _("已退回")


# review state -> (step name, label); the order is the order of the three steps
REVIEW_STEPS: dict[str, str | Promise] = {
    PublicationStatus.FIRST: _("初审"),
    PublicationStatus.SECOND: _("复审"),
    PublicationStatus.FINAL: _("终审"),
}
DEFAULT_ROLES = {
    PublicationStatus.FIRST: "reviewer",
    PublicationStatus.SECOND: "reviewer",
    PublicationStatus.FINAL: "leader",
}


class ReviewConfig(UnitScopedModel, VersionedModel):
    """Which role takes each of the three steps for the publications of ``unit`` (and of
    the units below it without their own); without any: 审核员 / 审核员 / 领导."""

    first_role = models.ForeignKey(
        "accounts.Role", verbose_name=_("初审角色"), on_delete=models.PROTECT, related_name="+"
    )
    second_role = models.ForeignKey(
        "accounts.Role", verbose_name=_("复审角色"), on_delete=models.PROTECT, related_name="+"
    )
    final_role = models.ForeignKey(
        "accounts.Role", verbose_name=_("终审角色"), on_delete=models.PROTECT, related_name="+"
    )

    history = change_history()

    class Meta:
        verbose_name = verbose_name_plural = _("三审配置")
        ordering = ["unit__path"]
        constraints = [models.UniqueConstraint(fields=["unit"], name="one_review_config_per_unit")]

    def __str__(self):
        return str(self.unit)

    def get_absolute_url(self):
        return reverse("publications:configs")

    def role_for(self, state):
        return {
            PublicationStatus.FIRST: self.first_role,
            PublicationStatus.SECOND: self.second_role,
            PublicationStatus.FINAL: self.final_role,
        }[state]


class Publication(UnitScopedModel, VersionedModel, EvidencedModel, DetailPageModel):
    title = models.CharField(_("标题"), max_length=200)
    # The unit's registered channel (阵地管理) the piece goes out on; its name is kept in
    # ``channel_name`` as it was when chosen (records from before the picker have only that).
    channel = optional_fk("luoshi_channels.Channel", _("发布阵地"), models.PROTECT)
    channel_name = models.CharField(
        _("发布阵地名称"), max_length=100, help_text=_("如：区融媒体中心微信公众号")
    )
    body = models.TextField(_("正文"), blank=True, help_text=_("可填写正文，或上传稿件附件"))
    author = user_fk(_("作者"))
    status = status_field(PublicationStatus, default=PublicationStatus.DRAFT, db_index=True)
    submitted_at = models.DateTimeField(_("送审时间"), null=True, blank=True)
    published_url = models.URLField(_("发布链接"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)

    history = change_history()
    detail_url_name = "publications:detail"

    class Meta:
        verbose_name = verbose_name_plural = _("发布稿件")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("review_publication", _("初审/复审发布稿件")),
            ("final_review_publication", _("终审发布稿件")),
        ]

    def __str__(self):
        return self.title

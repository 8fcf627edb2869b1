from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luoshi.core.fields import optional_fk, status_field
from luoshi.core.history import change_history
from luoshi.core.models import DetailPageModel, UnitScopedModel, VersionedModel
from luoshi.core.scope import ScopedManager, ScopedQuerySet, ScopeSpec, scope_q


class NoticeQuerySet(models.QuerySet):
    def for_user(self, user):
        """A person's own notices: nobody reads anyone else's inbox."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notice(models.Model):
    """An in-app notice: a reminder before a deadline, an overdue warning, a returned or
    accepted submission, a 催办 from the issuer."""

    class Kind(models.TextChoices):
        INFO = "info", _("通知")
        REMINDER = "reminder", _("到期提醒")
        OVERDUE = "overdue", _("逾期提醒")
        URGE = "urge", _("催办")
        RETURNED = "returned", _("退回")
        ACCEPTED = "accepted", _("已采纳")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.INFO)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    # Identifies the event a notice is about, so a job run twice does not notify twice.
    dedupe_key = models.CharField(max_length=120, blank=True, db_index=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notice_once_per_event",
            )
        ]

    def __str__(self):
        return self.title


class NoticeChannel(models.TextChoices):
    """The ways a notice leaves the platform (the in-app notice is always kept)."""

    EMAIL = "email", _("电子邮件")
    WECOM = "wecom", _("企业微信群机器人")
    DINGTALK = "dingtalk", _("钉钉群机器人")


class UnitNoticeSetting(VersionedModel):
    """How a unit wants its notices besides the in-app inbox: which channels, where to."""

    unit = models.OneToOneField(
        "units.Unit",
        verbose_name=_("单位"),
        on_delete=models.CASCADE,
        related_name="notice_setting",
    )
    email_enabled = models.BooleanField(_("发送电子邮件"), default=False)
    email_addresses = models.TextField(
        _("单位接收邮箱"),
        blank=True,
        help_text=_("每行一个；单位收到的通知都发到这些邮箱。"),
    )
    email_people = models.BooleanField(
        _("同时发到接收人本人的邮箱"),
        default=False,
        help_text=_("接收人在个人资料中填写了邮箱时，通知也发给本人。"),
    )
    wecom_enabled = models.BooleanField(_("推送到企业微信群"), default=False)
    wecom_webhook = models.URLField(
        _("企业微信机器人地址"),
        max_length=500,
        blank=True,
        help_text=_(
            "群机器人的 Webhook 地址，形如 https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"
        ),
    )
    dingtalk_enabled = models.BooleanField(_("推送到钉钉群"), default=False)
    dingtalk_webhook = models.URLField(
        _("钉钉机器人地址"),
        max_length=500,
        blank=True,
        help_text=_("形如 https://oapi.dingtalk.com/robot/send?access_token=…"),
    )
    dingtalk_secret = models.CharField(
        _("钉钉加签密钥"),
        max_length=100,
        blank=True,
        help_text=_("机器人安全设置选「加签」时填写（SEC 开头）；留空表示不加签。"),
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_spec = ScopeSpec(unit="unit", owner=None)
    # the webhook addresses and the secret are credentials: not copied into the history
    history = change_history("wecom_webhook", "dingtalk_webhook", "dingtalk_secret")

    class Meta:
        verbose_name = verbose_name_plural = _("单位通知渠道")

    def __str__(self):
        return str(self.unit)

    def email_list(self) -> list[str]:
        return [line.strip() for line in self.email_addresses.splitlines() if line.strip()]

    def enabled_channels(self) -> list[str]:
        enabled = []
        if self.email_enabled:
            enabled.append(NoticeChannel.EMAIL)
        if self.wecom_enabled and self.wecom_webhook:
            enabled.append(NoticeChannel.WECOM)
        if self.dingtalk_enabled and self.dingtalk_webhook:
            enabled.append(NoticeChannel.DINGTALK)
        return enabled


class Delivery(models.Model):
    """One message of one event through one channel to one recipient (an address, or a
    unit's group robot). The unique (event, channel, recipient) is what makes a reminder go
    out once however often the job that notifies runs."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    event = models.CharField(_("事件"), max_length=160)
    channel = models.CharField(_("渠道"), max_length=10, choices=NoticeChannel.choices)
    recipient = models.CharField(_("接收方"), max_length=254)
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("单位"), on_delete=models.CASCADE, related_name="+"
    )
    notice = optional_fk(Notice, _("通知"), models.SET_NULL, related_name="deliveries")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    status = status_field(Status, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("开始发送"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_spec = ScopeSpec(unit="unit", owner=None)

    class Meta:
        verbose_name = verbose_name_plural = _("通知发送记录")
        ordering = ["-created_at", "-id"]
        default_permissions = ("view", "change")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "channel", "recipient"], name="delivery_once_per_recipient"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.get_channel_display()} {self.title}"


class AnnouncementQuerySet(ScopedQuerySet):
    """Read: the announcements of units in the user's scope (drafts included) and the
    published ones addressed to the user's unit. Write (``writable_by``): the former only."""

    def for_user(self, user):
        if not user.is_authenticated:
            return self.none()
        own_scope = scope_q(user, self.model.scope_spec)
        if not user.unit_id:
            return self.filter(own_scope)
        addressed = Q(
            status=Announcement.Status.PUBLISHED,
            pk__in=Announcement.target_units.through.objects.filter(unit=user.unit_id).values(
                "announcement"
            ),
        )
        return self.filter(own_scope | addressed)

    def writable_by(self, user):
        return self.filter(scope_q(user, self.model.scope_spec))

    def published(self):
        return self.filter(status=Announcement.Status.PUBLISHED)

    def for_reader(self, user):
        """The published announcements addressed to ``user``'s unit."""
        if not user.is_authenticated or not user.unit_id:
            return self.none()
        return self.published().filter(target_units=user.unit_id)


class Announcement(UnitScopedModel, VersionedModel, DetailPageModel):
    """通知公告: an announcement by a unit (its author's) to selected units; readers' opening
    is recorded (``AnnouncementReceipt``). Published, it can no longer be edited, only
    withdrawn."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        WITHDRAWN = "withdrawn", _("已撤回")

    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    target_units = models.ManyToManyField(
        "units.Unit", verbose_name=_("发送单位"), related_name="+"
    )
    status = status_field(Status, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    objects = ScopedManager.from_queryset(AnnouncementQuerySet)()
    history = change_history(m2m_fields=["target_units"])
    detail_url_name = "notices:announcement"

    class Meta:
        verbose_name = verbose_name_plural = _("通知公告")
        ordering = ["-published_at", "-created_at", "-id"]

    def __str__(self):
        return self.title


class AnnouncementReceipt(models.Model):
    """``user`` opened ``announcement`` (first time)."""

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="receipts"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(_("阅读时间"), auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = _("公告阅读记录")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["announcement", "user"], name="receipt_once")
        ]

    def __str__(self):
        return f"{self.user} {self.read_at:%Y-%m-%d %H:%M}"

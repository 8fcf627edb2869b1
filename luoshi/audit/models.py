from django.db import models
from django.utils.translation import gettext_lazy as _

from luoshi.audit import describe
from luoshi.core.fields import optional_fk, user_fk
from luoshi.core.scope import ScopedManager, ScopeSpec


class ChainedLog(models.Model):
    """A log row in a hash chain (luoshi.audit.chain): set when the row is sealed."""

    seq = models.BigIntegerField(_("链序号"), null=True, blank=True, unique=True, editable=False)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64, blank=True, editable=False)
    row_hash = models.CharField(_("本条哈希"), max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True


class LogChainHead(models.Model):
    """The end of one log's hash chain; its row lock orders the sealing."""

    name = models.CharField(max_length=100, primary_key=True)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)
    first_seq = models.BigIntegerField(
        default=1, help_text=_("最早保留的一条（更早的已按保留期限清理）")
    )

    def __str__(self):
        return f"{self.name} #{self.seq}"


class OperationLog(ChainedLog):
    """One create/update/delete of a record, or one workflow step taken on it: who, when,
    what changed, in the words of a clerk (``luoshi.audit.describe``).

    Written from django-simple-history's signal for every model with ``history``, from
    ``luoshi.audit.tracking`` for the other records, and from every ``WorkflowStep``; the
    full previous versions stay in the historical tables. ``unit`` is the unit whose data
    the record is (the log is read within the reader's data scope).
    """

    class Action(models.TextChoices):
        CREATE = "+", _("新增")
        UPDATE = "~", _("修改")
        DELETE = "-", _("删除")
        STEP = "*", _("办理")

    time = models.DateTimeField(_("时间"), db_index=True)
    user = user_fk(_("操作人"), optional=True)
    action = models.CharField(_("操作"), max_length=1, choices=Action.choices)
    model_label = models.CharField(_("对象类型"), max_length=100, db_index=True)
    model_name = models.CharField(_("对象类型名称"), max_length=100)
    object_id = models.CharField(_("对象编号"), max_length=40)
    object_repr = models.CharField(_("对象"), max_length=200)
    changes = models.JSONField(_("变更内容"), default=list, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    # The unit whose data the record is. No foreign-key constraint and never cleared: the
    # value is sealed in the row's hash.
    unit = optional_fk("units.Unit", _("单位"), models.DO_NOTHING, db_constraint=False)
    verb = models.CharField(_("操作名称"), max_length=40, blank=True)  # 退回, 定稿, 下发 …
    part = models.CharField(_("所涉部分"), max_length=200, blank=True)  # a score row of …
    comment = models.TextField(_("意见"), blank=True)

    objects = ScopedManager()
    scope_spec = ScopeSpec(unit="unit", owner="user")

    class Meta(ChainedLog.Meta):
        verbose_name = verbose_name_plural = _("操作日志")
        ordering = ["-time", "-id"]

    def __str__(self):
        return f"{self.time:%Y-%m-%d %H:%M} {self.get_action_display()} {self.object_repr}"

    @property
    def sentence(self) -> str:
        return describe.sentence(self)

    @property
    def summary(self) -> str:
        return describe.summary(self)


class LoginLog(ChainedLog):
    class Event(models.TextChoices):
        SUCCESS = "success", _("登录成功")
        FAILURE = "failure", _("登录失败")
        LOCKED = "locked", _("账号锁定")
        LOGOUT = "logout", _("退出登录")
        DENIED = "denied", _("拒绝访问")

    time = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    username = models.CharField(_("用户名"), max_length=150, db_index=True)
    user = user_fk(_("用户"), optional=True)
    event = models.CharField(_("事件"), max_length=10, choices=Event.choices)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=300, blank=True)
    path = models.CharField(_("访问地址"), max_length=300, blank=True)

    class Meta(ChainedLog.Meta):
        verbose_name = verbose_name_plural = _("登录日志")
        ordering = ["-time", "-id"]

    def __str__(self):
        return f"{self.time:%Y-%m-%d %H:%M} {self.username} {self.get_event_display()}"

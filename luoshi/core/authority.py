"""业务指导范围 (business-line authority) as data, read by the one scope mechanism.

A unit (or only the holders of one role in it) *directs* other units along business lines
(业务条线: 任务交办, 风险排查, 督查整改 …) although it is not their parent: the 区委宣传部, as
office of the 意识形态工作领导小组, issues tasks, screening campaigns and inspections to every
乡镇/街道 and 部门 of the district. ``luoshi.core.scope`` reads these rows
(``scope_q(..., line=)``, ``issuer_q``); no module special-cases them.

Each module declares its line in its ``plugin`` (``registry.business_line``); the lines are a
dictionary (``BusinessLine``), so the operation log and the pages speak of them by name.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class BusinessLine(models.Model):
    """One business line a unit may be directed along (a module: tasks, risks, inspections)."""

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60, unique=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        app_label = "core"
        verbose_name = verbose_name_plural = _("业务条线")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class Guidance(models.Model):
    """``unit`` (or its holders of ``role``) directs ``units`` (with their subordinates when
    ``with_subordinates``) along ``lines``. Directing means acting as issuer toward them
    (issuing, reading what they submit in answer, reviewing it), never writing their own
    records."""

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("指导单位"), on_delete=models.CASCADE, related_name="+"
    )
    role = models.ForeignKey(
        "accounts.Role",
        verbose_name=_("限定角色"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("留空：指导单位的全部人员（按各自角色的权限）；选定：仅持有该角色的人员"),
    )
    capacity = models.CharField(
        _("指导身份"),
        max_length=100,
        blank=True,
        help_text=_("如：区委意识形态工作领导小组办公室"),
    )
    lines = models.ManyToManyField(BusinessLine, verbose_name=_("业务条线"), related_name="+")
    units = models.ManyToManyField("units.Unit", verbose_name=_("被指导单位"), related_name="+")
    with_subordinates = models.BooleanField(
        _("含下级单位"), default=True, help_text=_("被指导单位的全部下级单位也在指导范围内")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # optimistic versioning (luoshi.core.concurrency): every edit claims this number
    version = models.PositiveIntegerField(_("版本"), default=0, editable=False)

    history = HistoricalRecords(
        excluded_fields=["version", "created_at", "updated_at"], m2m_fields=["lines", "units"]
    )

    class Meta:
        app_label = "core"
        verbose_name = verbose_name_plural = _("业务指导范围")
        ordering = ["unit__path", "id"]

    def __str__(self):
        name = str(self.unit)
        return f"{name}（{self.capacity}）" if self.capacity else name

    def get_absolute_url(self):
        return reverse("units:guidance_update", args=[self.pk])

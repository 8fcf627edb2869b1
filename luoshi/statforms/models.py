"""统计报表: forms an upper unit designs, its recipients fill each period through a task.

- ``StatForm`` belongs to the unit that designs it; its ``FormVersion``s are the lists of
  fields. A published version never changes (editing makes the next version).
- ``FormTask`` makes a ``tasks.Task`` a form task (its submission is the filled form);
  ``FormSchedule`` does the same for every task a ``tasks.ReportingSchedule`` issues.
- ``Submission`` is a recipient unit's filled form (one per ``TaskAssignment``): drafts,
  returns with reasons per field and resubmissions go through the task's workflow.
- ``FigureValue`` rows are the numbers of a submission, the records the form's metrics sum
  (only those of an accepted submission count).

Scope: a form and its versions belong to the designing unit; a submission and its figures to
the recipient unit, and are also read by whoever sees the task as its issuer.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from luoshi.core.fields import status_field
from luoshi.core.models import DetailPageModel, UnitScopedModel
from luoshi.core.scope import ScopedManager, ScopedQuerySet, ScopeSpec, scope_q


def plain_number(number) -> str:
    """248.0000 → "248", 67.5700 → "67.57" (never 2.48E+2)."""
    if number is None:
        return ""
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


class FieldKind(models.TextChoices):
    INTEGER = "integer", _("整数")
    DECIMAL = "decimal", _("小数")
    PERCENT = "percent", _("百分比")
    DATE = "date", _("日期")
    CHOICE = "choice", _("单选")
    TEXT = "text", _("短文本")
    TABLE = "table", _("表格（可填多行）")


NUMERIC_KINDS = (FieldKind.INTEGER, FieldKind.DECIMAL, FieldKind.PERCENT)
COLUMN_KINDS = (FieldKind.INTEGER, FieldKind.DECIMAL, FieldKind.DATE, FieldKind.TEXT)


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class StatForm(UnitScopedModel, DetailPageModel):
    code = models.SlugField(
        _("表单编码"),
        max_length=40,
        unique=True,
        help_text=_("如 ideology_quarterly，导入导出时识别表单"),
    )
    title = models.CharField(_("表单名称"), max_length=200)
    description = models.TextField(_("填报说明"), blank=True)

    detail_url_name = "statforms:form_detail"

    class Meta:
        verbose_name = verbose_name_plural = _("统计表")
        ordering = ["unit__path", "title"]

    def __str__(self):
        return self.title

    def latest_published(self) -> FormVersion | None:
        return self.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()


class FormVersion(DetailPageModel):
    form = models.ForeignKey(
        StatForm, verbose_name=_("统计表"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("版本号"))
    status = status_field(VersionStatus, default=VersionStatus.DRAFT)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ScopedManager()
    scope_spec = ScopeSpec(unit="form__unit", owner="form__created_by")
    detail_url_name = "statforms:version_detail"

    class Meta:
        verbose_name = verbose_name_plural = _("统计表版本")
        ordering = ["form", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["form", "number"], name="statform_version_once")
        ]

    def __str__(self):
        return _("%(form)s（第%(n)d版）") % {"form": self.form.title, "n": self.number}

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED

    @property
    def template_name(self) -> str:
        """The identity an Excel template of this version carries in its properties."""
        return f"{self.form.title}［{self.form.code} 第{self.number}版］"


class FormField(models.Model):
    version = models.ForeignKey(
        FormVersion, verbose_name=_("版本"), on_delete=models.CASCADE, related_name="fields"
    )
    order = models.PositiveIntegerField(_("排序"), default=0)
    code = models.CharField(
        _("字段编码"),
        max_length=40,
        help_text=_("小写字母开头，字母、数字、下划线，如 downloads；校验规则中用它指代本项"),
    )
    label = models.CharField(_("项目名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=FieldKind.choices)
    measure = models.CharField(
        _("计量单位"), max_length=10, blank=True, help_text=_("人、个、次、篇、块、%")
    )
    required = models.BooleanField(_("必填"), default=True)
    min_value = models.DecimalField(
        _("最小值"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("最大值"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    choices = models.TextField(_("选项"), blank=True, help_text=_("单选题每行一个选项"))
    columns = models.TextField(
        _("表格列"),
        blank=True,
        help_text=_(
            "表格每行一列：编码|列名|类型（integer/decimal/date/text），如 name|活动名称|text"
        ),
    )
    help_text = models.CharField(_("填报说明"), max_length=300, blank=True)
    metric_key = models.CharField(
        _("预填指标"), max_length=60, blank=True, help_text=_("由系统记录自动预填本项的指标")
    )
    metric_params = models.JSONField(_("指标参数"), default=dict, blank=True)
    figure = models.CharField(
        _("统计指标编码"),
        max_length=40,
        blank=True,
        help_text=_("填写后，采纳的数值作为指标供驾驶舱、责任清单和报告引用，如 xxqg_downloads"),
    )
    numerator = models.CharField(_("分子字段"), max_length=40, blank=True)
    denominator = models.CharField(_("分母字段"), max_length=40, blank=True)

    objects = ScopedManager()
    scope_spec = ScopeSpec(unit="version__form__unit", owner="version__form__created_by")

    class Meta:
        verbose_name = verbose_name_plural = _("统计项")
        ordering = ["version", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="statform_field_code_once")
        ]

    def __str__(self):
        return self.label

    @property
    def is_numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS

    @property
    def is_rate(self) -> bool:
        return self.kind == FieldKind.PERCENT and bool(self.numerator and self.denominator)

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def column_list(self) -> list[tuple[str, str, str]]:
        """(code, label, kind) of a table's columns."""
        result = []
        for line in self.columns.splitlines():
            parts = [part.strip() for part in line.split("|")]
            if len(parts) == 3 and all(parts):
                result.append((parts[0], parts[1], parts[2]))
        return result

    def title(self) -> str:
        return f"{self.label}（{self.measure}）" if self.measure else self.label

    @property
    def min_text(self) -> str:
        return plain_number(self.min_value)

    @property
    def max_text(self) -> str:
        return plain_number(self.max_value)


class FormRule(models.Model):
    """A rule across fields: ``downloads <= members``; comparisons over + - * / of codes."""

    version = models.ForeignKey(
        FormVersion, verbose_name=_("版本"), on_delete=models.CASCADE, related_name="rules"
    )
    expression = models.CharField(_("校验规则"), max_length=300)
    message = models.CharField(_("不满足时的提示"), max_length=200)

    objects = ScopedManager()
    scope_spec = ScopeSpec(unit="version__form__unit", owner="version__form__created_by")

    class Meta:
        verbose_name = verbose_name_plural = _("校验规则")
        ordering = ["version", "pk"]

    def __str__(self):
        return self.expression


class FormTask(DetailPageModel):
    """A task whose submission is the filled form of ``version`` for one period."""

    task = models.OneToOneField(
        "tasks.Task", verbose_name=_("任务"), on_delete=models.CASCADE, related_name="statform"
    )
    version = models.ForeignKey(
        FormVersion, verbose_name=_("统计表版本"), on_delete=models.PROTECT, related_name="tasks"
    )
    period_label = models.CharField(_("统计期"), max_length=40)
    period_start = models.DateField(_("统计期开始"))
    period_end = models.DateField(_("统计期结束"), db_index=True)

    objects = ScopedManager()
    scope_spec = ScopeSpec(unit="task__unit", owner="task__created_by")
    detail_url_name = "statforms:aggregate"

    class Meta:
        verbose_name = verbose_name_plural = _("统计任务")
        ordering = ["-period_end", "-pk"]

    def __str__(self):
        return f"{self.task.title}（{self.period_label}）"


class FormSchedule(models.Model):
    """Every task the schedule issues is a form task of the form's latest published version."""

    schedule = models.OneToOneField(
        "tasks.ReportingSchedule", on_delete=models.CASCADE, related_name="statform"
    )
    form = models.ForeignKey(StatForm, on_delete=models.PROTECT, related_name="schedules")

    objects = ScopedManager()
    scope_spec = ScopeSpec(unit="schedule__unit", owner="schedule__created_by")

    class Meta:
        verbose_name = verbose_name_plural = _("统计表报送计划")

    def __str__(self):
        return f"{self.schedule} · {self.form}"


class SubmissionQuerySet(ScopedQuerySet):
    def for_user(self, user):
        """The recipient unit's scope, and whoever sees the task as its issuer."""
        issuer_side = ScopeSpec(unit="form_task__task__unit", owner="form_task__task__created_by")
        return self.filter(scope_q(user, self.model.scope_spec) | scope_q(user, issuer_side))


class Submission(UnitScopedModel):
    """A recipient unit's filled form; its status is its task assignment's."""

    assignment = models.OneToOneField(
        "tasks.TaskAssignment", on_delete=models.CASCADE, related_name="statform_submission"
    )
    form_task = models.ForeignKey(
        FormTask, on_delete=models.CASCADE, related_name="submissions", verbose_name=_("统计任务")
    )
    values = models.JSONField(_("填报内容"), default=dict, blank=True)
    prefilled = models.JSONField(_("系统预填"), default=dict, blank=True)
    reasons = models.JSONField(_("修改预填值的理由"), default=dict, blank=True)
    returned_fields = models.JSONField(_("退回意见（逐项）"), default=dict, blank=True)
    source = models.CharField(_("填报方式"), max_length=10, blank=True)
    saved_at = models.DateTimeField(_("暂存时间"), null=True, blank=True)

    objects = ScopedManager.from_queryset(SubmissionQuerySet)()

    class Meta:
        verbose_name = verbose_name_plural = _("统计表填报")
        ordering = ["form_task", "unit__path"]

    def __str__(self):
        return f"{self.form_task.task.title} · {self.unit}"

    def get_absolute_url(self):
        return reverse("statforms:submission", args=[self.assignment_id])


class FigureValueQuerySet(ScopedQuerySet):
    def for_user(self, user):
        issuer_side = ScopeSpec(
            unit="submission__form_task__task__unit",
            owner="submission__form_task__task__created_by",
        )
        return self.filter(scope_q(user, self.model.scope_spec) | scope_q(user, issuer_side))


class FigureValue(UnitScopedModel):
    """One number of a submission (its current value): what the form's metrics sum."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="figures")
    form = models.ForeignKey(StatForm, on_delete=models.CASCADE, related_name="+")
    field_code = models.CharField(_("字段编码"), max_length=40)
    label = models.CharField(_("项目名称"), max_length=100)
    figure = models.CharField(_("统计指标编码"), max_length=40, blank=True, db_index=True)
    number = models.DecimalField(_("数值"), max_digits=20, decimal_places=4)
    period_end = models.DateField(_("统计期结束"), db_index=True)

    objects = ScopedManager.from_queryset(FigureValueQuerySet)()

    class Meta:
        verbose_name = verbose_name_plural = _("统计数值")
        ordering = ["-period_end", "unit__path", "field_code"]

    def __str__(self):
        return f"{self.label} {self.number}"

    def get_absolute_url(self):
        return self.submission.get_absolute_url()

    @property
    def number_text(self) -> str:
        return plain_number(self.number)

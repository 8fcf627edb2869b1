from __future__ import annotations

import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.core import metrics
from luoshi.core.forms import DateInput, ModelChoiceField, UserFormMixin
from luoshi.statforms.models import COLUMN_KINDS, FieldKind, FormField, FormVersion, StatForm
from luoshi.tasks.forms import RecipientFormMixin, ScheduleForm
from luoshi.tasks.models import Frequency, Task
from luoshi.tasks.periods import Period, period_of
from luoshi.units.models import Unit

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
CODE_MESSAGE = _("只能用小写字母开头的小写字母、数字、下划线，不超过40个字符")


class StatFormForm(UserFormMixin, forms.ModelForm):
    class Meta:
        model = StatForm
        fields = ["unit", "code", "title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].label = _("设计单位")


def metric_choices() -> list[tuple[str, str]]:
    registered = metrics.registry()
    choices = [(key, f"{m.label}（{key}）") for key, m in sorted(registered.items())]
    return [("", _("不预填"))] + [(k, v) for k, v in choices if not k.startswith("statform_")]


class FieldForm(forms.ModelForm):
    class Meta:
        model = FormField
        fields = [
            "code",
            "label",
            "kind",
            "measure",
            "required",
            "min_value",
            "max_value",
            "help_text",
            "choices",
            "columns",
            "numerator",
            "denominator",
            "metric_key",
            "metric_params",
            "figure",
            "order",
        ]
        widgets = {
            "choices": forms.Textarea(attrs={"rows": 3}),
            "columns": forms.Textarea(attrs={"rows": 3}),
            "metric_params": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "numerator": _("百分比项填写：由哪两个字段计算（分子字段编码）"),
            "denominator": _("百分比项填写：分母字段编码；汇总时用分子之和除以分母之和"),
            "metric_params": _('JSON，如 {"activity_type": "study_group"}'),
        }

    def __init__(self, *args, version: FormVersion, **kwargs):
        kwargs.pop("user", None)
        super().__init__(*args, **kwargs)
        self.version = version
        self.fields["metric_key"] = forms.ChoiceField(
            label=_("预填指标"),
            choices=metric_choices(),
            required=False,
            help_text=_("系统记录已知本项时自动预填；填报人修改须说明理由"),
        )

    def _code(self, name: str) -> str:
        value = (self.cleaned_data.get(name) or "").strip()
        if value and not CODE_RE.match(value):
            raise forms.ValidationError(CODE_MESSAGE)
        return value

    def clean_code(self):
        code = self._code("code")
        others = self.version.fields.exclude(pk=self.instance.pk)
        if others.filter(code=code).exists():
            raise forms.ValidationError(_("本表已有编码为「%(code)s」的字段") % {"code": code})
        return code

    def clean_figure(self):
        return self._code("figure")

    def clean_numerator(self):
        return self._code("numerator")

    def clean_denominator(self):
        return self._code("denominator")

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        low, high = cleaned.get("min_value"), cleaned.get("max_value")
        if low is not None and high is not None and low > high:
            self.add_error("max_value", _("最大值不能小于最小值"))
        if kind == FieldKind.CHOICE and not [
            c for c in (cleaned.get("choices") or "").splitlines() if c.strip()
        ]:
            self.add_error("choices", _("单选项请至少填写一个选项，每行一个"))
        if kind == FieldKind.TABLE:
            self._clean_columns(cleaned.get("columns") or "")
        if kind == FieldKind.PERCENT and bool(cleaned.get("numerator")) != bool(
            cleaned.get("denominator")
        ):
            self.add_error("denominator", _("分子、分母字段须同时填写或同时留空"))
        return cleaned

    def _clean_columns(self, text: str) -> None:
        lines = [line for line in text.splitlines() if line.strip()]
        if not lines:
            self.add_error("columns", _("表格请至少定义一列：编码|列名|类型"))
        for line in lines:
            parts = [p.strip() for p in line.split("|")]
            if len(parts) != 3 or not CODE_RE.match(parts[0]) or parts[2] not in COLUMN_KINDS:
                self.add_error(
                    "columns",
                    _(
                        "「%(line)s」格式不对，应为 编码|列名|类型，类型为 integer、decimal、date 或 text"
                    )
                    % {"line": line.strip()},
                )


class RuleForm(forms.Form):
    expression = forms.CharField(
        label=_("校验规则"),
        max_length=300,
        help_text=_("用字段编码写一个比较，可用 + - * /，如 downloads <= members"),
    )
    message = forms.CharField(
        label=_("不满足时的提示"), max_length=200, help_text=_("如：下载人数不能超过党员数")
    )


def recent_periods(today: datetime.date) -> list[Period]:
    """The periods a form task may be issued for: this and past quarters, half-years,
    years and months, newest first."""
    result: dict[str, Period] = {}
    for frequency, steps, days in (
        (Frequency.QUARTERLY, 8, 91),
        (Frequency.YEARLY, 3, 365),
        (Frequency.HALF_YEARLY, 4, 182),
        (Frequency.MONTHLY, 12, 30),
    ):
        for step in range(steps):
            period = period_of(frequency, today - datetime.timedelta(days=days * step))
            result.setdefault(period.key, period)
    return list(result.values())


class IssueForm(RecipientFormMixin, forms.ModelForm):
    """A form task: the version to fill, its 统计期, the deadline and the recipients."""

    # Not "version": the task model has that field (its edit number, never in a form).
    form_version = ModelChoiceField(label=_("统计表版本"), queryset=FormVersion.objects.none())
    period = forms.ChoiceField(label=_("统计期"))
    field_order = ["unit", "form_version", "period"]

    class Meta:
        model = Task
        fields = [
            "unit",
            "period",
            "title",
            "requirements",
            "deadline",
            "recipient_units",
            "subtree_root",
            "direct_only",
        ]
        widgets = {"deadline": DateInput(), "requirements": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, form: StatForm, **kwargs):
        super().__init__(*args, **kwargs)
        self.periods = {p.key: p for p in recent_periods(timezone.localdate())}
        self.fields["period"].choices = [(k, p.label) for k, p in self.periods.items()]
        versions = FormVersion.objects.for_user(self.user).filter(form=form, status="published")
        self.fields["form_version"].queryset = versions.order_by("-number")
        latest = versions.order_by("-number").first()
        if latest is not None:
            self.fields["form_version"].initial = latest.pk
        self.fields["title"].initial = form.title
        self.fields["requirements"].initial = form.description or _(
            "请按表填报，数据以本单位台账为准。"
        )

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("截止日期不能早于今天。"))
        return deadline

    @property
    def chosen_period(self) -> Period:
        return self.periods[self.cleaned_data["period"]]


class FormScheduleForm(ScheduleForm):
    """A reporting schedule whose every task is this form (the schedule needs no evidence)."""

    class Meta(ScheduleForm.Meta):
        fields = [f for f in ScheduleForm.Meta.fields if f not in ("evidence_required",)]


class YamlImportForm(forms.Form):
    file = forms.FileField(label=_("YAML 文件"), help_text=_("由“导出 YAML”得到的统计表定义"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["unit"] = ModelChoiceField(
            label=_("设计单位"),
            queryset=_units(user),
            initial=getattr(user, "unit_id", None),
        )
        self.order_fields(["unit", "file"])


def _units(user):
    return Unit.objects.for_user(user).filter(is_active=True).order_by("path")


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("总体意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class UploadForm(forms.Form):
    file = forms.FileField(label=_("填好的 Excel 模板"))

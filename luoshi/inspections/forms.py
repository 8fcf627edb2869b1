from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.accounts.models import User
from luoshi.core.forms import DateInput, UserFormMixin, unit_tree
from luoshi.core.scope import reach_q
from luoshi.duty.catalog import current_items
from luoshi.duty.models import PackItem
from luoshi.evidence.forms import EvidenceFilesField
from luoshi.inspections.models import BUSINESS_LINE, ChecklistLine, InspectionPlan
from luoshi.inspections.services import parse_custom_lines
from luoshi.units.models import Unit


def inspector_choices(user):
    """督查员 in the user's scope: the people a team is made of."""
    return (
        User.objects.for_user(user)
        .filter(is_active=True, groups__role__code="inspector")
        .distinct()
        .order_by("unit__path", "username")
    )


class PlanForm(UserFormMixin, forms.ModelForm):
    pack_items = forms.ModelMultipleChoiceField(
        label=_("从责任包选取检查内容"),
        queryset=PackItem.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    default_max = forms.DecimalField(
        label=_("责任包条目每项分值"), initial=10, min_value=1, max_digits=6, decimal_places=1
    )
    custom_lines = forms.CharField(
        label=_("自定义检查内容"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一项，可写「检查内容|分值」，如：佐证材料归档规范|10"),
    )

    class Meta:
        model = InspectionPlan
        fields = ["unit", "title", "description", "starts_on", "ends_on", "inspected_units", "team"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].label = _("督查单位")
        # the user's scope, and the units the user's unit directs along the inspection line
        self.fields["inspected_units"].queryset = Unit.objects.within_reach(
            self.user, BUSINESS_LINE
        ).filter(is_active=True)
        unit_tree(self.fields["inspected_units"])
        self.fields["team"].queryset = inspector_choices(self.user)
        self.fields["team"].help_text = _("仅可选择数据范围内具有「督查员」角色的人员。")
        self.fields["pack_items"].queryset = current_items()
        self.fields["pack_items"].label_from_instance = lambda i: i.name

    def clean_custom_lines(self):
        return parse_custom_lines(self.cleaned_data.get("custom_lines", ""))

    def clean(self):
        cleaned = super().clean()
        unit, units = cleaned.get("unit"), cleaned.get("inspected_units") or []
        if unit is not None:
            reach = reach_q(unit, Unit.scope_spec, BUSINESS_LINE, user=self.user)
            reached = set(
                Unit.objects.filter(reach).exclude(pk=unit.pk).values_list("pk", flat=True)
            )
            outside = [u.name for u in units if u.pk not in reached]
            if outside:
                self.add_error(
                    "inspected_units",
                    _("被督查单位须是督查单位的下级单位或其业务指导范围内的单位：%(units)s 不是。")
                    % {"units": "、".join(outside)},
                )
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("结束日期不能早于开始日期。"))
        has_lines = self.instance.pk and self.instance.lines.exists()
        if not has_lines and not cleaned.get("pack_items") and not cleaned.get("custom_lines"):
            raise ValidationError(_("请从责任包选取检查内容，或填写自定义检查内容。"))
        return cleaned


class FindingForm(forms.Form):
    line = forms.ModelChoiceField(
        label=_("检查内容"), queryset=ChecklistLine.objects.none(), required=False
    )
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 3}))
    requirement = forms.CharField(
        label=_("整改要求"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    owner = forms.ModelChoiceField(label=_("整改责任人"), queryset=User.objects.none())
    deadline = forms.DateField(label=_("整改期限"), widget=DateInput())

    def __init__(self, *args, result=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = result.plan.lines.all()
        self.fields["owner"].queryset = User.objects.filter(
            unit_id=result.unit_id, is_active=True
        ).order_by("username")


class SubmitForm(forms.Form):
    response = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 4}))
    files = EvidenceFilesField(label=_("整改佐证材料"))


class VerifyForm(forms.Form):
    comment = forms.CharField(
        label=_("核验意见"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("退回重改时须填写理由。"),
    )


class ScoreSheetForm(forms.Form):
    """The score sheet of one inspected unit: a score and a note per checklist line, the date
    and the overall judgement. A refused sheet comes back with everything typed kept and the
    error beside its line."""

    inspected_on = forms.DateField(label=_("督查日期"), required=False, widget=DateInput())
    summary = forms.CharField(
        label=_("总体评价"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"score-{line.pk}"] = forms.DecimalField(
                label=line.name,
                required=False,
                min_value=0,
                max_value=line.max_score,
                max_digits=6,
                decimal_places=2,
                error_messages={
                    "invalid": _("得分须为数字。"),
                    "min_value": _("得分不能小于 0。"),
                    "max_value": _("得分不能超过本项满分 %(limit_value)s。"),
                },
            )
            self.fields[f"note-{line.pk}"] = forms.CharField(
                label=_("扣分说明"), required=False, max_length=300
            )

    def clean_inspected_on(self):
        value = self.cleaned_data["inspected_on"]
        if value and value > timezone.localdate():
            raise ValidationError(_("督查日期不能晚于今天。"))
        return value

    def rows(self):
        """(line, score field, note field) for the template, bound or not."""
        return [(line, self[f"score-{line.pk}"], self[f"note-{line.pk}"]) for line in self.lines]

    def scores(self) -> dict:
        data = self.cleaned_data
        return {
            line.pk: (data.get(f"score-{line.pk}"), data.get(f"note-{line.pk}") or "")
            for line in self.lines
        }


def score_sheet_initial(result, lines) -> dict:
    entries = {s.line_id: s for s in result.scores.all()}
    initial = {"inspected_on": result.inspected_on, "summary": result.summary}
    for line in lines:
        entry = entries.get(line.pk)
        initial[f"score-{line.pk}"] = entry.score if entry else None
        initial[f"note-{line.pk}"] = entry.note if entry else ""
    return initial

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.core.forms import (
    ChoiceIdsInRangeMixin,
    DateInput,
    UserFormMixin,
    unit_tree,
    unit_tree_label,
)
from luoshi.duty.catalog import item_code_choices
from luoshi.evidence.forms import EvidenceFilesField
from luoshi.tasks.models import BUSINESS_LINE, ReportingSchedule, Task, TaskAssignment
from luoshi.tasks.selectors import recipient_choices
from luoshi.tasks.services import resolve_recipients
from luoshi.units.models import Unit


def duty_item_field(current: str = "") -> forms.ChoiceField:
    """The duty item a task counts toward, picked by name from the packs in force."""
    choices = item_code_choices()
    if current and current not in dict(choices):  # an item since retired stays as it was
        choices.append((current, current))
    return forms.ChoiceField(
        label=_("关联责任项"),
        choices=[("", _("不关联"))] + choices,
        required=False,
        help_text=_("关联后，各接收单位按时报送的情况计入该责任项的落实进度。"),
    )


class RecipientFormMixin(UserFormMixin):
    """Issuing unit in the user's scope; recipients in scope and below the issuing unit."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].label = _("发文单位")
        choices = recipient_choices(self.user)
        if self.user is not None and self.user.unit_id:  # a unit does not issue to itself
            choices = choices.exclude(pk=self.user.unit_id)
        self.fields["recipient_units"].queryset = choices
        unit_tree(self.fields["recipient_units"])
        self.fields["subtree_root"].queryset = (
            Unit.objects.within_reach(self.user, BUSINESS_LINE)
            .filter(is_active=True)
            .order_by("path")
        )
        self.fields["subtree_root"].label_from_instance = unit_tree_label
        self.fields["subtree_root"].help_text = _(
            "选中单位及其全部下级（不含发文单位本身）都会收到任务；可与上面的单位同时选择。"
        )
        if "duty_item_code" in self.fields:
            self.fields["duty_item_code"] = duty_item_field(self.instance.duty_item_code)
        self.recipients = []

    def clean(self):
        cleaned = super().clean()
        issuer = cleaned.get("unit")
        if issuer is None:
            return cleaned
        units = cleaned.get("recipient_units") or []
        root = cleaned.get("subtree_root")
        if not units and root is None:
            raise forms.ValidationError(_("请选择接收单位，或选择一个单位下发到其全部下级。"))
        reached = set(recipient_choices(self.user, issuer).values_list("pk", flat=True))
        outside = [u.name for u in units if u.pk not in reached]
        if outside:
            self.add_error(
                "recipient_units",
                _("只能向发文单位的下级单位或其业务指导范围内的单位交办任务：%(units)s 不在其中。")
                % {"units": "、".join(outside)},
            )
            return cleaned
        self.recipients = resolve_recipients(
            issuing_unit=issuer,
            units=units,
            subtree_root=root,
            direct_only=cleaned.get("direct_only", False),
            user=self.user,
        )
        if not self.recipients:
            raise forms.ValidationError(
                _("没有符合条件的接收单位：接收单位须是发文单位的下级单位且在您的数据范围内。")
            )
        return cleaned


class TaskForm(RecipientFormMixin, forms.ModelForm):
    attachments = EvidenceFilesField(label=_("附件"))

    class Meta:
        model = Task
        fields = [
            "unit",
            "title",
            "requirements",
            "deadline",
            "evidence_required",
            "duty_item_code",
            "recipient_units",
            "subtree_root",
            "direct_only",
        ]
        widgets = {"deadline": DateInput(), "requirements": forms.Textarea(attrs={"rows": 5})}

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("截止日期不能早于今天。"))
        return deadline


class TaskEditForm(UserFormMixin, forms.ModelForm):
    """An issued task's content, editable until the first unit reports (the recipients
    stay: to reach other units, issue another task)."""

    scoped_fields = ()

    class Meta:
        model = Task
        fields = ["title", "requirements", "deadline", "evidence_required", "duty_item_code"]
        widgets = {"deadline": DateInput(), "requirements": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duty_item_code"] = duty_item_field(self.instance.duty_item_code)

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate() and deadline != self.instance.deadline:
            raise forms.ValidationError(_("截止日期不能早于今天。"))
        return deadline


class BatchReviewForm(ChoiceIdsInRangeMixin, forms.Form):
    """批量采纳: the chosen submissions of one task (checked again one by one)."""

    assignments = forms.ModelMultipleChoiceField(
        label=_("所选报送"),
        queryset=TaskAssignment.objects.none(),
        error_messages={"required": _("请先勾选要采纳的报送。")},
    )
    comment = forms.CharField(label=_("审核意见"), required=False, max_length=500)

    def __init__(self, *args, assignments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignments"].queryset = assignments


class ScheduleForm(RecipientFormMixin, forms.ModelForm):
    class Meta:
        model = ReportingSchedule
        fields = [
            "unit",
            "code",
            "title_template",
            "requirements",
            "frequency",
            "due_day",
            "evidence_required",
            "duty_item_code",
            "starts_on",
            "is_active",
            "recipient_units",
            "subtree_root",
            "direct_only",
        ]
        widgets = {"starts_on": DateInput(), "requirements": forms.Textarea(attrs={"rows": 4})}

    def clean_due_day(self):
        day = self.cleaned_data["due_day"]
        if not 1 <= day <= 31:
            raise forms.ValidationError(_("截止日须在 1 到 31 之间。"))
        return day

    def clean_title_template(self):
        title = self.cleaned_data["title_template"]
        if "{period}" not in title:
            raise forms.ValidationError(_("标题模板须包含 {period}，以区分各期任务。"))
        return title


class SubmitForm(forms.Form):
    response = forms.CharField(
        label=_("办理情况"), widget=forms.Textarea(attrs={"rows": 5}), required=True
    )
    files = EvidenceFilesField()


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("审核意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

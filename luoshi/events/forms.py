from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.accounts.models import Role
from luoshi.core.forms import UserFormMixin
from luoshi.events.models import (
    EventFiling,
    EventRule,
    EventSpeaker,
    ReviewChain,
    ReviewChainStep,
)
from luoshi.evidence.forms import EvidenceFilesField
from luoshi.evidence.validation import check_upload
from luoshi.ledger.models import ActivityType


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class EventForm(UserFormMixin, forms.ModelForm):
    safety_plan = forms.FileField(
        label=_("安全预案"),
        required=False,
        help_text=_("预计人数较多的活动须上传安全预案（按本单位备案规则）。"),
    )
    evidence_files = EvidenceFilesField(label=_("其他附件"), help_text=_("如活动方案、邀请函等。"))

    class Meta:
        model = EventFiling
        fields = [
            "unit",
            "kind",
            "topic",
            "synopsis",
            "start_at",
            "end_at",
            "venue",
            "online_platform",
            "expected_audience",
        ]
        widgets = {
            "start_at": DateTimeInput(),
            "end_at": DateTimeInput(),
            "synopsis": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"unit": _("主办单位")}

    def clean_safety_plan(self):
        uploaded = self.cleaned_data.get("safety_plan")
        if uploaded:
            check_upload(uploaded)
        return uploaded

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_at"), cleaned.get("end_at")
        if start and end and end < start:
            self.add_error("end_at", _("结束时间不能早于开始时间。"))
        if not cleaned.get("venue") and not cleaned.get("online_platform"):
            self.add_error("venue", _("请填写举办地点或线上平台。"))
        return cleaned


SpeakerFormSet = forms.inlineformset_factory(
    EventFiling,
    EventSpeaker,
    fields=["name", "affiliation", "title"],
    extra=3,
    can_delete=True,
)


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class HeldForm(forms.Form):
    activity_type = forms.ModelChoiceField(
        label=_("计入台账类型"), queryset=ActivityType.objects.filter(is_active=True)
    )
    actual_audience = forms.IntegerField(label=_("实际参加人数"), min_value=0)
    summary = forms.CharField(label=_("举办情况"), widget=forms.Textarea(attrs={"rows": 4}))
    evidence_files = EvidenceFilesField(help_text=_("现场照片、签到表等；同时计入台账记录佐证。"))

    def __init__(self, *args, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        default = ActivityType.objects.filter(code="outreach_talk").first()
        if default is not None:
            self.fields["activity_type"].initial = default.pk
        if event is not None:
            self.fields["actual_audience"].initial = event.expected_audience


class ReviewChainForm(UserFormMixin, forms.ModelForm):
    class Meta:
        model = ReviewChain
        fields = ["unit", "name", "applies_to_subtree"]


class ChainStepForm(forms.ModelForm):
    class Meta:
        model = ReviewChainStep
        fields = ["order", "label", "role", "level", "ancestor_type"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = Role.objects.all()


ChainStepFormSet = forms.inlineformset_factory(
    ReviewChain, ReviewChainStep, form=ChainStepForm, extra=2, can_delete=True
)


class EventRuleForm(UserFormMixin, forms.ModelForm):
    class Meta:
        model = EventRule
        fields = ["unit", "name", "min_audience", "required_tag", "is_active"]

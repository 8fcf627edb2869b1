from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.accounts.models import User
from luoshi.channels.models import Channel, ChannelCheck, ChannelType, FilingStatus
from luoshi.core.forms import DateInput, UserFormMixin
from luoshi.evidence.forms import EvidenceFilesField


def users_in_scope(user):
    return (
        User.objects.for_user(user)
        .filter(is_active=True)
        .select_related("unit")
        .order_by("unit__path", "username")
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        unit = obj.unit.display_name if obj.unit_id else ""
        return f"{obj}（{unit}）" if unit else str(obj)


class ChannelForm(UserFormMixin, forms.ModelForm):
    administrator = PersonChoiceField(label=_("管理员"), queryset=User.objects.none())
    evidence_files = EvidenceFilesField(
        label=_("备案证明等材料"), help_text=_("可多选；如备案截图、开通审批表等。")
    )

    class Meta:
        model = Channel
        fields = [
            "unit",
            "channel_type",
            "name",
            "account",
            "administrator",
            "filing_status",
            "filing_number",
            "opened_on",
            "check_interval_months",
            "notes",
        ]
        widgets = {"opened_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel_type"].queryset = ChannelType.objects.filter(is_active=True)
        self.fields["administrator"].queryset = users_in_scope(self.user)
        if not self.instance.pk:
            self.fields["administrator"].initial = self.user.pk if self.user else None
        else:
            del self.fields["evidence_files"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("filing_status") == FilingStatus.FILED and not cleaned.get("filing_number"):
            self.add_error("filing_number", _("已备案的阵地须填写备案号。"))
        opened_on = cleaned.get("opened_on")
        if opened_on and opened_on > timezone.localdate():
            self.add_error("opened_on", _("开通日期不能晚于今天。"))
        return cleaned


class ChannelCheckForm(forms.ModelForm):
    checker = PersonChoiceField(label=_("检查人"), queryset=User.objects.none())
    evidence_files = EvidenceFilesField(help_text=_("可多选；如页面截图、检查记录表、现场照片。"))

    class Meta:
        model = ChannelCheck
        fields = ["checked_on", "checker", "result", "findings", "rectification"]
        widgets = {
            "checked_on": DateInput(),
            "findings": forms.Textarea(attrs={"rows": 4}),
            "rectification": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user=None, channel=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.channel = user, channel
        self.fields["checker"].queryset = users_in_scope(user)
        self.fields["checker"].initial = user.pk if user else None
        self.fields["checked_on"].initial = timezone.localdate()

    def clean_checked_on(self):
        day = self.cleaned_data["checked_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("检查日期不能晚于今天。"))
        if self.channel and day < self.channel.opened_on:
            raise forms.ValidationError(_("检查日期不能早于阵地开通日期。"))
        return day

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("result") == "problems" and not cleaned.get("rectification"):
            self.add_error("rectification", _("发现问题时须填写整改情况或整改安排。"))
        return cleaned


class ChannelCloseForm(forms.Form):
    closed_on = forms.DateField(label=_("关闭日期"), widget=DateInput())
    reason = forms.CharField(label=_("关闭原因"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, channel=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel = channel
        self.fields["closed_on"].initial = timezone.localdate()

    def clean_closed_on(self):
        day = self.cleaned_data["closed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("关闭日期不能晚于今天。"))
        if self.channel and day < self.channel.opened_on:
            raise forms.ValidationError(_("关闭日期不能早于开通日期。"))
        return day

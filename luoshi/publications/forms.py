import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.accounts.models import Role
from luoshi.channels.models import Channel, ChannelStatus
from luoshi.core.forms import UserFormMixin, preselect_single
from luoshi.events.forms import DateTimeInput
from luoshi.evidence.forms import EvidenceFilesField
from luoshi.publications.models import Publication, ReviewConfig


def channel_label(channel: Channel) -> str:
    return f"{channel.unit.display_name} · {channel.name}（{channel.channel_type.name}）"


class PublicationForm(UserFormMixin, forms.ModelForm):
    evidence_files = EvidenceFilesField(label=_("稿件附件"))

    class Meta:
        model = Publication
        fields = ["unit", "title", "channel", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["channel"]
        field.required = True
        field.queryset = (
            Channel.objects.for_user(self.user)
            .filter(status=ChannelStatus.ACTIVE)
            .select_related("unit", "channel_type")
            .order_by("unit__path", "channel_type__order", "name")
        )
        field.label_from_instance = channel_label
        field.help_text = _(
            "从发文单位在「阵地管理」中登记且在用的阵地中选择；没有可选的阵地时，请先登记阵地。"
        )
        field.error_messages["required"] = _("请选择发布阵地。")
        if not self.instance.pk:
            preselect_single(field)

    def clean(self):
        cleaned = super().clean()
        unit, channel = cleaned.get("unit"), cleaned.get("channel")
        if unit is not None and channel is not None and channel.unit_id != unit.pk:
            self.add_error(
                "channel",
                _("「%(channel)s」是%(owner)s的阵地，请选择%(unit)s自己登记的阵地。")
                % {"channel": channel.name, "owner": channel.unit.name, "unit": unit.name},
            )
        return cleaned

    def save(self, commit=True):
        if self.instance.channel_id:
            self.instance.channel_name = self.instance.channel.name
        return super().save(commit=commit)


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PublishForm(forms.Form):
    url = forms.URLField(label=_("发布链接"), max_length=500, assume_scheme="https")
    at = forms.DateTimeField(label=_("发布时间"), widget=DateTimeInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["at"].initial = timezone.localtime().replace(second=0, microsecond=0)

    def clean_at(self):
        value = self.cleaned_data["at"]
        # 登记发布 records a publication that has happened (a minute's grace for the clock)
        if value > timezone.now() + datetime.timedelta(minutes=1):
            raise forms.ValidationError(_("登记的是已发布的稿件，发布时间不能晚于当前时间。"))
        return value


class ReviewConfigForm(UserFormMixin, forms.ModelForm):
    class Meta:
        model = ReviewConfig
        fields = ["unit", "first_role", "second_role", "final_role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_role", "second_role", "final_role"):
            self.fields[name].queryset = Role.objects.all()

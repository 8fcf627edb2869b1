from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _now
from django.utils.translation import gettext_lazy as _

from luoshi.core.forms import UserFormMixin, unit_tree
from luoshi.notices.models import Announcement, UnitNoticeSetting


class AnnouncementForm(UserFormMixin, forms.ModelForm):
    """An announcement (draft): the author's unit and the units it goes to, both within the
    author's scope."""

    scoped_fields = ("unit", "target_units")

    class Meta:
        model = Announcement
        fields = ["unit", "title", "body", "target_units"]
        labels = {"unit": _("发布单位")}
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        unit_tree(self.fields["target_units"])
        self.fields["target_units"].initial = None  # chosen each time, not the author's own
        self.fields["target_units"].help_text = _("公告发给这些单位的全部人员。")


class UnitNoticeSettingForm(forms.ModelForm):
    class Meta:
        model = UnitNoticeSetting
        fields = [
            "email_enabled",
            "email_addresses",
            "email_people",
            "wecom_enabled",
            "wecom_webhook",
            "dingtalk_enabled",
            "dingtalk_webhook",
            "dingtalk_secret",
        ]
        widgets = {
            "email_addresses": forms.Textarea(attrs={"rows": 3}),
            "dingtalk_secret": forms.PasswordInput(render_value=True),
        }

    def clean_email_addresses(self):
        text = self.cleaned_data["email_addresses"]
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        bad = []
        for line in lines:
            try:
                EmailValidator()(line)
            except ValidationError:
                bad.append(line)
        if bad:
            raise forms.ValidationError(
                _now("邮箱地址格式不对：%(bad)s") % {"bad": "、".join(bad[:5])}
            )
        return "\n".join(lines)

    def clean(self):
        data = super().clean()
        required = [
            ("wecom_enabled", "wecom_webhook", _now("启用企业微信推送须填写机器人地址。")),
            ("dingtalk_enabled", "dingtalk_webhook", _now("启用钉钉推送须填写机器人地址。")),
        ]
        for switch, field, message in required:
            if data.get(switch) and not data.get(field):
                self.add_error(field, message)
        if data.get("email_enabled") and not (
            data.get("email_addresses") or data.get("email_people")
        ):
            self.add_error(
                "email_addresses", _now("启用电子邮件须填写单位接收邮箱，或勾选发到本人邮箱。")
            )
        return data

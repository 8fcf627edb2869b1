import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.api.models import MAX_LIFETIME
from luoshi.core.dates import day_start
from luoshi.core.forms import DateInput


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("令牌名称"), max_length=60, help_text=_("用途，如“统计报表脚本”")
    )
    expires_on = forms.DateField(
        label=_("有效期至"),
        widget=DateInput(),
        help_text=_("到期当日 24 时失效；最长一年。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].initial = timezone.localdate() + datetime.timedelta(days=90)

    def clean_expires_on(self):
        value = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if value < today:
            raise forms.ValidationError(_("有效期不能早于今天。"))
        if value > today + MAX_LIFETIME:
            raise forms.ValidationError(_("有效期最长一年。"))
        return value

    @property
    def expires_at(self):
        """The end of the chosen day, local time."""
        return day_start(self.cleaned_data["expires_on"] + datetime.timedelta(days=1))

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.dashboard.selectors import Period, period_for


class PeriodForm(forms.Form):
    """Which period the dashboard shows: a year, or one of its quarters or months."""

    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)
    quarter = forms.TypedChoiceField(
        label=_("季度"),
        choices=[("", _("全年")), *[(q, _("第%(q)d季度") % {"q": q}) for q in range(1, 5)]],
        coerce=int,
        empty_value=None,
        required=False,
    )
    month = forms.TypedChoiceField(
        label=_("月份"),
        choices=[("", _("不限")), *[(m, _("%(m)d月") % {"m": m}) for m in range(1, 13)]],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("quarter") and data.get("month"):
            raise forms.ValidationError(_("季度与月份只能选择其一。"))
        return data

    def period(self) -> Period:
        """The chosen period; the current year when nothing (or something invalid) is chosen."""
        data = self.cleaned_data if self.is_valid() else {}
        year = data.get("year") or timezone.localdate().year
        return period_for(year, data.get("quarter"), data.get("month"))

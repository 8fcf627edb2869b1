import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.reports.models import Report
from luoshi.units.models import Unit


class ReportForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = ["unit", "year", "kind", "subtree", "plans_input"]
        widgets = {"plans_input": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        units = Unit.objects.for_user(user).order_by("path")
        self.fields["unit"].queryset = units
        if user is not None and user.unit_id and not self.initial.get("unit"):
            self.initial["unit"] = user.unit_id
        self.initial.setdefault("year", datetime.date.today().year)

    def clean_year(self):
        year = self.cleaned_data["year"]
        this_year = datetime.date.today().year
        if not 2000 <= year <= this_year + 1:
            raise forms.ValidationError(
                _("年度须在 2000 至 %(max)d 之间。") % {"max": this_year + 1}
            )
        return year

    def clean(self):
        """「含下级单位」 only for a user who may open every unit below: a report states the
        subtree's figures as the subtree's, so a narrower scope would state part of it."""
        cleaned = super().clean()
        unit = cleaned.get("unit")
        if cleaned.get("subtree") and unit is not None:
            below = Unit.objects.filter(path__startswith=unit.path, is_active=True)
            if below.count() > below.for_user(self.user).count():
                self.add_error(
                    "subtree",
                    _("您的数据范围不含该单位的全部下级单位，不能生成含下级单位的报告。"),
                )
        return cleaned

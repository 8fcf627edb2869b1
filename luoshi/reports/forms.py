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

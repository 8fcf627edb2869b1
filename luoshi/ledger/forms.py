from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.core.forms import DateInput, UserFormMixin
from luoshi.evidence.forms import EvidenceFilesField
from luoshi.ledger.models import ActivityType, LedgerRecord


class LedgerRecordForm(UserFormMixin, forms.ModelForm):
    evidence_files = EvidenceFilesField()

    class Meta:
        model = LedgerRecord
        fields = [
            "unit",
            "activity_type",
            "date",
            "title",
            "expected_participants",
            "actual_participants",
            "audience_count",
            "location",
            "outlet_name",
            "outlet_level",
            "summary",
            "outcome",
            "tags",
        ]
        widgets = {
            "date": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity_type"].queryset = ActivityType.objects.filter(is_active=True)
        if self.instance.pk:
            del self.fields["evidence_files"]

    def clean(self):
        cleaned = super().clean()
        activity_type = cleaned.get("activity_type")
        if activity_type and activity_type.needs_outlet:
            for name in ("outlet_name", "outlet_level"):
                if not cleaned.get(name):
                    self.add_error(name, _("上稿/外宣类记录须填写此项。"))
        return cleaned


class ActivityTypeForm(forms.ModelForm):
    class Meta:
        model = ActivityType
        fields = [
            "code",
            "name",
            "order",
            "needs_outlet",
            "description",
            "report_phrase",
            "measure_word",
            "report_area",
            "is_active",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)

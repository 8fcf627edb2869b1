from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.core.forms import DateInput, UserFormMixin
from luoshi.evidence.forms import EvidenceFilesField
from luoshi.ledger import selectors
from luoshi.ledger.models import ENTRY_FIELDS, ActivityType, LedgerRecord


class LedgerRecordForm(UserFormMixin, forms.ModelForm):
    evidence_files = EvidenceFilesField()
    # shown (as a checkbox) only when the record repeats one already kept
    confirm_repeat = forms.BooleanField(
        label=_("确认不是重复录入（确是另一次活动）"), required=False, widget=forms.HiddenInput
    )

    class Meta:
        model = LedgerRecord
        fields = ["unit", "activity_type", *ENTRY_FIELDS]
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
        order = list(self.fields)
        order.remove("confirm_repeat")
        order.insert(order.index("title") + 1, "confirm_repeat")
        self.order_fields(order)

    def clean(self):
        cleaned = super().clean()
        activity_type = cleaned.get("activity_type")
        if activity_type and activity_type.needs_outlet:
            for name in ("outlet_name", "outlet_level"):
                if not cleaned.get(name):
                    self.add_error(name, _("上稿/外宣类记录须填写此项。"))
        self._check_repeat(cleaned)
        return cleaned

    def _check_repeat(self, cleaned) -> None:
        """The same unit, type, date and title as a kept record: warn once; the user saves it
        anyway only by ticking that it is another activity."""
        needed = ("unit", "activity_type", "date", "title")
        if cleaned.get("confirm_repeat") or not all(cleaned.get(name) for name in needed):
            return
        repeat = selectors.repeat_of(
            **{name: cleaned[name] for name in needed}, exclude_pk=self.instance.pk
        )
        if repeat is None:
            return
        self.fields["confirm_repeat"].widget = forms.CheckboxInput()
        self.add_error(
            "title",
            _(
                "本单位已有同一天、同一标题的「%(type)s」记录（%(by)s录入）；如确是另一次活动，"
                "请勾选下方「确认不是重复录入」后再保存。"
            )
            % {"type": cleaned["activity_type"], "by": repeat.created_by or _("系统")},
        )


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

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.core.forms import UserFormMixin
from luoshi.evidence.forms import EvidenceFilesField
from luoshi.incidents.models import Incident, IncidentStatus, Platform
from luoshi.incidents.workflow import STEP_FIELDS


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class IncidentForm(UserFormMixin, forms.ModelForm):
    """Registration: what happened, where, the source link. No personal data of the public."""

    scoped_fields = ("unit", "responsible_unit")
    evidence_files = EvidenceFilesField(help_text=_("可多选；如页面截图（请遮盖无关个人信息）。"))

    class Meta:
        model = Incident
        fields = [
            "unit",
            "title",
            "discovered_at",
            "platform",
            "source_url",
            "summary",
            "level",
            "responsible_unit",
        ]
        labels = {"unit": _("登记单位"), "level": _("初判等级")}
        widgets = {
            "discovered_at": DateTimeInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["platform"].queryset = Platform.objects.filter(is_active=True)
        self.fields["source_url"].assume_scheme = "https"
        self.fields["source_url"].help_text = _("事件出现位置的链接（可选）")
        if self.instance.pk:
            del self.fields["evidence_files"]
            if self.instance.status != IncidentStatus.REGISTERED:
                del self.fields["level"]  # confirmed at 研判

    def clean_discovered_at(self):
        value = self.cleaned_data["discovered_at"]
        if value > timezone.now():
            raise forms.ValidationError(_("发现时间不能晚于当前时间。"))
        if self.instance.pk and self.instance.analyzed_at and value > self.instance.analyzed_at:
            raise forms.ValidationError(_("发现时间不能晚于研判时间。"))
        return value

    def clean(self):
        cleaned = super().clean()
        unit, responsible = cleaned.get("unit"), cleaned.get("responsible_unit")
        if unit and responsible and not responsible.path.startswith(unit.path):
            self.add_error("responsible_unit", _("责任单位须为登记单位或其下级单位。"))
        return cleaned


class IncidentStepForm(forms.Form):
    """The form of one step; its fields are the incident's fields of that step, required."""

    evidence_files = EvidenceFilesField()

    def __init__(self, *args, incident=None, step=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.incident = incident
        _time_field, names = STEP_FIELDS[step]
        model_fields = forms.fields_for_model(
            Incident,
            fields=names,
            widgets={
                "analysis": forms.Textarea(attrs={"rows": 4}),
                "measures": forms.Textarea(attrs={"rows": 4}),
                "response_text": forms.Textarea(attrs={"rows": 5}),
                "outcome": forms.Textarea(attrs={"rows": 4}),
                "responded_at": DateTimeInput(),
            },
            labels={"level": _("确认等级"), "response_text": _("公开回应内容")},
        )
        for name in reversed(names):
            field = model_fields[name]
            field.required = True
            self.fields = {name: field, **self.fields}
        if "level" in self.fields:
            self.fields["level"].initial = incident.level
        if "responded_at" in self.fields:
            self.fields["responded_at"].initial = timezone.localtime().replace(
                second=0, microsecond=0
            )

    def clean_responded_at(self):
        value = self.cleaned_data["responded_at"]
        if value > timezone.now():
            raise forms.ValidationError(_("回应时间不能晚于当前时间。"))
        if value < self.incident.discovered_at:
            raise forms.ValidationError(_("回应时间不能早于发现时间。"))
        return value

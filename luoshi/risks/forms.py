from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.accounts.models import User
from luoshi.core.forms import DateInput, UserFormMixin, unit_tree_label
from luoshi.core.scope import reach_q
from luoshi.evidence.forms import EvidenceFilesField
from luoshi.risks.models import (
    BUSINESS_LINE,
    AnalysisMeeting,
    RiskArea,
    RiskLevel,
    RiskPoint,
    Screening,
)
from luoshi.units.models import Unit


class RiskForm(UserFormMixin, forms.ModelForm):
    """A risk point of the unit's own work: no fields about anyone outside the unit's staff."""

    evidence_files = EvidenceFilesField()

    class Meta:
        model = RiskPoint
        fields = [
            "unit",
            "area",
            "level",
            "description",
            "cause",
            "measures",
            "owner",
            "deadline",
            "identified_on",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "cause": forms.Textarea(attrs={"rows": 3}),
            "measures": forms.Textarea(attrs={"rows": 3}),
            "deadline": DateInput(),
            "identified_on": DateInput(),
        }

    def __init__(self, *args, screening=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.screening = screening
        self.fields["area"].queryset = RiskArea.objects.filter(is_active=True)
        self.fields["level"].queryset = RiskLevel.objects.filter(is_active=True)
        units = self.fields["unit"].queryset
        self.fields["owner"].queryset = User.objects.filter(
            unit__in=units, is_active=True
        ).select_related("unit")
        self.fields["owner"].label_from_instance = lambda u: (
            f"{u.full_name or u.username}（{u.unit}）"
        )
        if screening is not None:  # registered during a self-check: the screening's unit
            self.fields["unit"].queryset = Unit.objects.filter(pk=screening.unit_id)
            self.fields["unit"].initial = screening.unit_id
        if self.instance.pk:
            del self.fields["evidence_files"]

    def clean(self):
        cleaned = super().clean()
        unit, owner = cleaned.get("unit"), cleaned.get("owner")
        if unit and owner and owner.unit_id != unit.pk:
            self.add_error("owner", _("责任人须为本单位工作人员。"))
        identified, deadline = cleaned.get("identified_on"), cleaned.get("deadline")
        if identified and identified > timezone.localdate():
            self.add_error("identified_on", _("识别日期不能晚于今天。"))
        if identified and deadline and deadline < identified:
            self.add_error("deadline", _("时限不能早于识别日期。"))
        return cleaned


class StepForm(forms.Form):
    comment = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CampaignForm(UserFormMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("发起单位"), queryset=Unit.objects.none())
    title = forms.CharField(label=_("排查名称"), max_length=200)
    requirements = forms.CharField(label=_("排查要求"), widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("截止日期"), widget=DateInput())
    subtree_root = forms.ModelChoiceField(
        label=_("下发到该单位的下级"), queryset=Unit.objects.none()
    )
    direct_only = forms.BooleanField(label=_("仅直属下级"), required=False)
    checklist = forms.CharField(
        label=_("排查清单"),
        help_text=_("每行一项，各单位逐项自查"),
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    scoped_fields = ("unit",)
    instance = type("NoInstance", (), {"pk": None})()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        root = self.fields["subtree_root"]
        # the launcher's scope, and the units its unit directs along the risks line
        root.queryset = (
            Unit.objects.within_reach(self.user, BUSINESS_LINE)
            .filter(is_active=True)
            .order_by("path")
        )
        root.label_from_instance = unit_tree_label

    def clean_deadline(self):
        value = self.cleaned_data["deadline"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("截止日期不能早于今天。"))
        return value

    def clean(self):
        cleaned = super().clean()
        unit, root = cleaned.get("unit"), cleaned.get("subtree_root")
        reach = reach_q(unit, Unit.scope_spec, BUSINESS_LINE, user=self.user) if unit else None
        if root and reach is not None and not Unit.objects.filter(reach, pk=root.pk).exists():
            self.add_error("subtree_root", _("须为发起单位、其下级单位或其业务指导范围内的单位。"))
        return cleaned


class ScreeningForm(UserFormMixin, forms.ModelForm):
    """A screening the unit starts on its own initiative."""

    class Meta:
        model = Screening
        fields = ["unit", "title", "checklist"]
        widgets = {"checklist": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checklist"].required = True


RESULT_CHOICES = [("ok", _("符合要求")), ("issue", _("存在问题"))]


class SelfCheckForm(forms.Form):
    """The checklist results, and the declaration that no risk point was found."""

    no_risk_declared = forms.BooleanField(label=_("经排查，未发现风险点"), required=False)
    no_risk_reason = forms.CharField(
        label=_("说明理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("声明未发现风险点时必填：排查了哪些工作、依据是什么"),
    )
    summary = forms.CharField(
        label=_("自查情况"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, screening, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = screening.checklist_items()
        results = screening.results or {}
        self.item_fields = []
        for index, item in enumerate(self.items):
            name = f"item_{index}"
            self.fields[name] = forms.ChoiceField(
                label=item,
                choices=[("", "---------"), *RESULT_CHOICES],
                required=False,
                initial=(results.get(item) or {}).get("result", ""),
            )
            self.fields[f"note_{index}"] = forms.CharField(
                label=_("备注"), required=False, initial=(results.get(item) or {}).get("note", "")
            )
            self.item_fields.append((name, f"note_{index}"))
        self.fields["no_risk_declared"].initial = screening.no_risk_declared
        self.fields["no_risk_reason"].initial = screening.no_risk_reason
        self.fields["summary"].initial = screening.summary

    def rows(self):
        return [(self[a], self[b]) for a, b in self.item_fields]

    def results(self) -> dict:
        out = {}
        for item, (name, note) in zip(self.items, self.item_fields, strict=True):
            value = self.cleaned_data.get(name)
            if value:
                out[item] = {"result": value, "note": self.cleaned_data.get(note, "")}
        return out


class MeetingForm(UserFormMixin, forms.ModelForm):
    evidence_files = EvidenceFilesField(help_text=_("可多选；如会议纪要、签到表、照片。"))

    class Meta:
        model = AnalysisMeeting
        fields = ["unit", "date", "title", "attendees", "risks", "situation", "conclusions"]
        widgets = {
            "date": DateInput(),
            "attendees": forms.Textarea(attrs={"rows": 2}),
            "situation": forms.Textarea(attrs={"rows": 3}),
            "conclusions": forms.Textarea(attrs={"rows": 4}),
            "risks": forms.CheckboxSelectMultiple(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["risks"].queryset = RiskPoint.objects.for_user(self.user).select_related(
            "unit", "level", "area"
        )
        self.fields["risks"].label_from_instance = lambda r: f"【{r.level}】{r.unit.name}：{r}"
        if self.instance.pk:
            del self.fields["evidence_files"]

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("会议日期不能晚于今天。"))
        return value

    def clean(self):
        cleaned = super().clean()
        unit = cleaned.get("unit")
        for risk in cleaned.get("risks") or []:
            if unit and not risk.unit.path.startswith(unit.path):
                self.add_error("risks", _("只能研判本单位及下级单位的风险点。"))
                break
        return cleaned

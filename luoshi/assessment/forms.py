from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.assessment.models import Assessment
from luoshi.assessment.services import children_of
from luoshi.core.forms import UserFormMixin
from luoshi.duty.forms import offer_newest_packs


class AssessmentForm(UserFormMixin, forms.ModelForm):
    """A new assessment: the assessing unit, the year, the pack and (optionally) the units
    assessed — by default the assessing unit's direct children."""

    scoped_fields = ("unit", "targets")

    class Meta:
        model = Assessment
        fields = ["unit", "year", "pack", "name", "targets"]
        labels = {"unit": _("考核单位")}
        help_texts = {
            "targets": _("不选则考核「考核单位」的全部直属下级单位。"),
            "name": _("不填则为「某年度某责任包考核」。"),
        }
        widgets = {"targets": forms.SelectMultiple(attrs={"size": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer_newest_packs(self.fields)
        self.fields["name"].required = False
        self.fields["targets"].required = False
        self.fields["targets"].initial = []

    def clean(self):
        data = super().clean()
        unit, targets = data.get("unit"), data.get("targets")
        if unit is not None and not targets and not children_of(unit).exists():
            self.add_error("targets", _("考核单位没有下级单位，请选择被考核单位。"))
        outside = [t.name for t in targets or () if unit and not t.is_descendant_of(unit)]
        if outside:
            self.add_error(
                "targets",
                _("被考核单位须是考核单位的下级单位：%(units)s。") % {"units": "、".join(outside)},
            )
        return data


class ManualScoreForm(forms.Form):
    manual_score = forms.DecimalField(
        label=_("手工得分"),
        min_value=0,
        max_digits=6,
        decimal_places=2,
        required=False,
        help_text=_("留空则恢复为自动得分。"),
    )
    reason = forms.CharField(
        label=_("评分理由"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, score=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.score = score
        if score is not None:
            self.fields["manual_score"].max_value = score.points
            self.fields["manual_score"].widget.attrs["max"] = str(score.points)

    def clean(self):
        data = super().clean()
        if data.get("manual_score") is not None and not (data.get("reason") or "").strip():
            self.add_error("reason", _("手工评分须填写评分理由。"))
        return data


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("意见"), required=False, max_length=2000)

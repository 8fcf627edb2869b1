from urllib.parse import parse_qsl, urlencode

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.core import metrics
from luoshi.core.forms import ChoiceIdsInRangeMixin, UserFormMixin
from luoshi.duty.models import DutyItem, DutyList, Owner, Pack, TargetType
from luoshi.duty.periods import PeriodKind
from luoshi.duty.selectors import latest_packs
from luoshi.ledger.models import ActivityType


def offer_newest_packs(fields) -> None:
    """A form's ``pack`` and ``year`` (a duty list's, an assessment's): only the newest
    version of each pack (preselected when there is one), this year to begin with."""
    newest = [p.pk for p in latest_packs()]
    fields["pack"].queryset = Pack.objects.filter(pk__in=newest)
    if len(newest) == 1:
        fields["pack"].initial = newest[0]
    fields["year"].initial = timezone.localdate().year
    fields["year"].min_value = 2000


class GenerateForm(UserFormMixin, forms.ModelForm):
    """Generate a unit's duty list of a year from (the newest version of) a pack."""

    class Meta:
        model = DutyList
        fields = ["unit", "year", "pack"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer_newest_packs(self.fields)

    def validate_unique(self):  # an existing list is returned as it is (idempotent)
        pass


class CustomItemForm(forms.Form):
    area_name = forms.CharField(label=_("领域"), max_length=200)
    name = forms.CharField(label=_("责任项"), max_length=200)
    description = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.ChoiceField(label=_("责任主体"), choices=Owner.choices)
    target_type = forms.ChoiceField(
        label=_("目标类型"),
        choices=[(TargetType.COUNT, _("次数")), (TargetType.RATE, _("比例(%)"))],
    )
    target_value = forms.DecimalField(
        label=_("目标值"), min_value=0, max_digits=8, decimal_places=2
    )
    period = forms.ChoiceField(label=_("周期"), choices=PeriodKind.choices)
    activity_type = forms.ModelChoiceField(
        label=_("按台账计数"),
        queryset=ActivityType.objects.filter(is_active=True),
        required=False,
        empty_label=_("（不计数，手工填报）"),
        help_text=_("选择活动类型后，进度按该类台账记录自动统计"),
    )

    indicator = forms.ChoiceField(
        label=_("按统计指标"),
        required=False,
        help_text=_(
            "选择统计表中指定的统计指标后，进度按已采纳的填报数值自动统计"
            "（数值以“次数”目标比较，比率以“比例”目标比较）"
        ),
    )

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        if areas:
            self.fields["area_name"].widget = forms.Select(choices=[(a, a) for a in areas])
        self.fields["indicator"].choices = [("", _("（不按统计指标）"))] + indicator_choices()

    def clean_indicator(self):
        """(metric key, params) of the chosen metric, or None."""
        value = self.cleaned_data.get("indicator") or ""
        if not value:
            return None
        key, _sep, query = value.partition("?")
        return key, dict(parse_qsl(query))

    def clean(self):
        cleaned = super().clean()
        rate = cleaned.get("target_type") == TargetType.RATE
        if rate and (cleaned.get("target_value") or 0) > 100:
            self.add_error("target_value", _("比例不能超过 100。"))
        if rate and cleaned.get("activity_type"):
            self.add_error("activity_type", _("按台账计数的责任项只能以次数为目标。"))
        indicator = cleaned.get("indicator")
        if indicator and cleaned.get("activity_type"):
            self.add_error("indicator", _("台账计数和统计指标只能选一个。"))
        elif indicator and metrics.get(indicator[0]).is_rate != rate:
            self.add_error(
                "indicator",
                _("比率指标须以“比例”为目标。")
                if not rate
                else _("数值指标须以“次数”为目标（达到该数值即完成）。"),
            )
        return cleaned


def indicator_choices() -> list[tuple[str, str]]:
    """The parameter sets the registered metrics offer a picker (e.g. the figures the
    statistics forms designate), as "key?params": label."""
    choices = []
    for key, metric in sorted(metrics.registry().items()):
        if metric.param_choices is None:
            continue
        for params, label in metric.param_choices():
            choices.append((f"{key}?{urlencode(params)}", f"{metric.label}：{label}"))
    return choices


class DropForm(forms.Form):
    reason = forms.CharField(label=_("删减理由"), max_length=200)

    def __init__(self, *args, instance=None, user=None, **kwargs):  # an edit page's kwargs
        super().__init__(*args, **kwargs)


class TargetForm(forms.ModelForm):
    class Meta:
        model = DutyItem
        fields = ["target_override", "override_reason"]
        help_texts = {"target_override": _("留空则恢复责任包的目标")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        value = cleaned.get("target_override")
        if value is not None and not cleaned.get("override_reason", "").strip():
            self.add_error("override_reason", _("调整目标须填写理由。"))
        if value is not None and self.instance.target_type == TargetType.RATE and value > 100:
            self.add_error("target_override", _("比例不能超过 100。"))
        return cleaned


class AssignForm(ChoiceIdsInRangeMixin, forms.ModelForm):
    class Meta:
        model = DutyItem
        fields = ["assignees"]
        widgets = {"assignees": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignees"].queryset = people
        self.fields["assignees"].label_from_instance = lambda u: f"{u} {u.title}".strip()


class ReopenForm(forms.Form):
    comment = forms.CharField(label=_("撤回理由"), max_length=500)

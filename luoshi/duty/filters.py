import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.core.filters import MAX_ID, UnitSubtreeFilterSet, YearFilter
from luoshi.duty.models import DutyList, DutyStatus, Pack
from luoshi.units.models import Unit


def pack_choices():
    return [
        (code, name)
        for code, name in Pack.objects.order_by("code", "-version")
        .values_list("code", "name")
        .distinct()
    ]


class DutyListFilter(UnitSubtreeFilterSet):
    year = YearFilter()
    pack_code = django_filters.ChoiceFilter(label=_("责任包"), choices=pack_choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=DutyStatus.choices)
    # the link of a 责任包 page's 「使用此版本的责任清单」: not typed by anyone
    pack = django_filters.NumberFilter(
        field_name="pack_id", min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )

    class Meta:
        model = DutyList
        fields = []


class OverviewForm(forms.Form):
    """Which units × which pack and year the overview shows."""

    unit = forms.ModelChoiceField(
        label=_("上级单位"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("（范围内全部单位）"),
        help_text=_("显示所选单位的直属下级"),
    )
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)
    pack = forms.ChoiceField(label=_("责任包"), choices=(), required=False)
    scope = forms.ChoiceField(
        label=_("统计范围"),
        choices=[("own", _("本单位")), ("subtree", _("含下级"))],
        required=False,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.for_user(user)
        self.fields["pack"].choices = pack_choices()

    def values(self, default_pack: str) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "parent": data.get("unit"),
            "year": data.get("year") or timezone.localdate().year,
            "pack_code": data.get("pack") or default_pack,
            "subtree": data.get("scope") == "subtree",
        }

from functools import cached_property

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.core.filters import MAX_ID, UnitSubtreeFilterSet, YearFilter
from luoshi.duty import selectors
from luoshi.duty.models import DutyItem, DutyList, DutyStatus, Pack
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


def state_choices():
    return [(s, selectors.status_label(s)) for s in (*selectors.STATES, selectors.ASSESSED)]


MEASURE_SCOPES = [("own", _("本单位")), ("subtree", _("含下级"))]


class DutyItemFilter(UnitSubtreeFilterSet):
    """The items of duty lists; ``state``: those of ONE list (``duty_list``) whose progress,
    measured now for the user (``scope``: own unit or with the subtree), is in that state,
    as the metric ``duty_items`` counts them."""

    year = YearFilter(field_name="duty_list__year")
    # the links of figures over several years (the metric ``duty_items``): not typed by anyone
    year_from = YearFilter(
        field_name="duty_list__year", lookup_expr="gte", widget=forms.HiddenInput
    )
    year_to = YearFilter(field_name="duty_list__year", lookup_expr="lte", widget=forms.HiddenInput)
    duty_list = django_filters.NumberFilter(
        field_name="duty_list_id", min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )
    scope = django_filters.ChoiceFilter(
        label=_("统计范围"),
        choices=MEASURE_SCOPES,
        method="filter_nothing",
        widget=forms.HiddenInput,
    )
    state = django_filters.ChoiceFilter(
        label=_("进度状态"),
        choices=state_choices,
        method="filter_state",
        help_text=_("在某一责任清单之内"),
    )

    class Meta:
        model = DutyItem
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.data.get("duty_list"):  # a state is measured within one list: no choice
            self.filters["state"].extra["widget"] = forms.HiddenInput()

    @cached_property
    def chosen_list(self) -> DutyList | None:
        """The list ``duty_list`` names, if the user may open it (a valid form only)."""
        pk = self.form.cleaned_data.get("duty_list") if self.is_valid() else None
        user = getattr(self.request, "user", None)
        return selectors.duty_lists_for(user).filter(pk=pk).first() if pk else None

    @property
    def subtree(self) -> bool:
        """Measured with the units below (``scope``), not the unit alone."""
        return self.is_valid() and self.form.cleaned_data.get("scope") == "subtree"

    @cached_property
    def progress(self) -> dict[int, selectors.ItemProgress]:
        """{item pk: progress} of the chosen list's items, measured now for the user (own
        unit, or with the subtree: ``scope``); {} without a list."""
        if self.chosen_list is None:
            return {}
        rows = selectors.list_progress(
            self.chosen_list, user=self.request.user, subtree=self.subtree
        )
        return {row.item.pk: row for row in rows}

    def filter_state(self, queryset, name, value):
        """The items of the list ``duty_list`` in the state ``value`` (``progress``);
        without a list (or one the user may not open): none, a state being measured list
        by list."""
        if self.chosen_list is None:
            return queryset.none()
        states = selectors.item_states(list(self.progress.values()))
        chosen = [item for item, state in states.items() if selectors.in_state(state, value)]
        return queryset.filter(pk__in=chosen)


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
        choices=MEASURE_SCOPES,
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

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.core.filters import MAX_ID, ScopedFilterSet, UnitFilter
from luoshi.core.forms import DateInput
from luoshi.statforms.models import FigureValue
from luoshi.units.models import Unit


class FigureFilter(ScopedFilterSet):
    """The filters a form metric's links use: figure, unit (含下级/仅本单位), 统计期."""

    # by code, as a metric's link gives it; picked by the item's name on the form
    figure = django_filters.CharFilter(label=_("统计指标"), field_name="figure")
    unit = UnitFilter(label=_("单位"), queryset=Unit.objects.none(), method="filter_subtree")
    unit_scope = django_filters.ChoiceFilter(
        label=_("范围"),
        choices=[("subtree", _("含下级")), ("own", _("仅本单位"))],
        method="filter_nothing",
        empty_label=None,
    )
    period_from = django_filters.DateFilter(
        label=_("统计期结束从"), field_name="period_end", lookup_expr="gte", widget=DateInput()
    )
    period_to = django_filters.DateFilter(
        label=_("统计期结束到"), field_name="period_end", lookup_expr="lte", widget=DateInput()
    )
    # 已采纳 unless asked: the figures' sums are of accepted submissions; a form task's 汇总
    # also sums the submitted ones
    status = django_filters.ChoiceFilter(
        label=_("报送状态"),
        choices=[("received", _("已提交或已采纳"))],
        method="filter_nothing",
        empty_label=_("已采纳"),
    )
    # the links of one form task's 汇总: not typed by anyone
    form_task = django_filters.NumberFilter(
        field_name="submission__form_task_id",
        min_value=1,
        max_value=MAX_ID,
        widget=forms.HiddenInput,
    )
    field_code = django_filters.CharFilter(field_name="field_code", widget=forms.HiddenInput)

    class Meta:
        model = FigureValue
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        names: dict[str, str] = {}
        if user is not None:
            shown = FigureValue.objects.for_user(user).exclude(figure="")
            for code, label in shown.values_list("figure", "label").distinct().order_by("label"):
                names.setdefault(code, label)
        self.filters["figure"].extra["widget"] = forms.Select(
            choices=[("", _("全部")), *names.items()]
        )

    def filter_subtree(self, queryset, name, value):
        if self.form.cleaned_data.get("unit_scope") == "own":
            return queryset.filter(unit=value)
        return queryset.in_subtree(value)

    def filter_nothing(self, queryset, name, value):
        return queryset

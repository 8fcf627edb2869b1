import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.core.filters import MAX_ID, UnitSubtreeFilterSet, date_range, picker
from luoshi.statforms.models import FigureValue


def _figure_choices(user) -> list[tuple[str, str]]:
    """The figures ``user`` may see, by name (a code once)."""
    names: dict[str, str] = {}
    if user is not None:
        shown = FigureValue.objects.for_user(user).exclude(figure="")
        for code, label in shown.values_list("figure", "label").distinct().order_by("label"):
            names.setdefault(code, label)
    return [("", _("全部")), *names.items()]


class FigureFilter(UnitSubtreeFilterSet):
    """The filters a form metric's links use: figure, unit (含下级/仅本单位), 统计期."""

    # by code, as a metric's link gives it; picked by the item's name on the form
    figure = django_filters.CharFilter(label=_("统计指标"), field_name="figure")
    period_from, period_to = date_range("period_end", _("统计期结束从"), _("统计期结束到"))
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
        order = ("figure", "unit", "unit_scope", "period_from", "period_to")
        order += tuple(name for name in self.filters if name not in order)
        self.filters = {name: self.filters[name] for name in order}  # the unit before the period
        user = getattr(self.request, "user", None)
        self.filters["figure"].extra["widget"] = picker(_figure_choices, user)

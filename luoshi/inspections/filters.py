import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.core.filters import UnitSubtreeFilterSet, YesNoFilter, date_range
from luoshi.inspections.models import (
    OPEN_RECTIFICATION,
    InspectionPlan,
    InspectionResult,
    PlanStatus,
    RectificationItem,
    RectificationStatus,
    ResultStatus,
)
from luoshi.units.models import Unit


def _plans_in_scope(request):
    """A list's 督查计划 choices: the plans the user may see (django-filter calls it with the
    request when the filter is shown or validated)."""
    return InspectionPlan.objects.for_user(request.user).distinct()


class ItemFilter(UnitSubtreeFilterSet):
    unit_label = _("被督查单位")
    status = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=[*RectificationStatus.choices, ("open", _("未整改（待整改或退回重改）"))],
        method="filter_status",
    )
    overdue = YesNoFilter(label=_("逾期未整改"), method="filter_overdue")
    open = YesNoFilter(label=_("未销号"), method="filter_open")
    plan = django_filters.ModelChoiceFilter(
        label=_("督查计划"), queryset=_plans_in_scope, field_name="finding__plan"
    )
    deadline_from, deadline_to = date_range("deadline", _("整改期限从"), _("整改期限到"))

    class Meta:
        model = RectificationItem
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        # An inspected unit outside the user's unit scope (seen from the inspecting side: the
        # team, 业务指导) has its items listed, so a figure of it can name it too.
        inspected = InspectionResult.objects.for_user(request.user).values("unit_id")
        in_scope = self.filters["unit"].queryset.values("pk")
        self.filters["unit"].queryset = Unit.objects.filter(
            Q(pk__in=in_scope) | Q(pk__in=inspected)
        )

    def filter_status(self, queryset, name, value):
        if value == "open":
            return queryset.filter(status__in=OPEN_RECTIFICATION)
        return queryset.filter(status=value)

    def filter_open(self, queryset, name, value):
        closed = Q(status=RectificationStatus.CLOSED)
        return queryset.exclude(closed) if value else queryset.filter(closed)

    def filter_overdue(self, queryset, name, value):
        overdue = Q(status__in=OPEN_RECTIFICATION, deadline__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class InspectedFilter(UnitSubtreeFilterSet):
    """The units inspected, by the inspecting unit (``unit``, 含下级 or 仅本单位: the list's
    results are ``seen_from`` it) and the plans' start dates: the list 被督查单位 opens."""

    unit_label = _("督查单位")
    plan = django_filters.ModelChoiceFilter(label=_("督查计划"), queryset=_plans_in_scope)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ResultStatus.choices)
    starts_on_from, starts_on_to = date_range("plan__starts_on", _("开始日期从"), _("开始日期到"))

    class Meta:
        model = InspectionResult
        fields = []


class PlanFilter(UnitSubtreeFilterSet):
    unit_label = _("督查单位")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=PlanStatus.choices)
    title = django_filters.CharFilter(label=_("督查名称"), lookup_expr="icontains")
    starts_on_from, starts_on_to = date_range("starts_on", _("开始日期从"), _("开始日期到"))

    class Meta:
        model = InspectionPlan
        fields = []

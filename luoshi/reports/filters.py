import django_filters
from django.utils.translation import gettext_lazy as _

from luoshi.core.filters import ScopedFilterSet, UnitFilter, YearFilter
from luoshi.reports.models import Report, ReportKind, ReportStatus
from luoshi.units.models import Unit


class ReportFilter(ScopedFilterSet):
    unit = UnitFilter(label=_("单位"), queryset=Unit.objects.none())
    year = YearFilter()
    kind = django_filters.ChoiceFilter(label=_("报告类型"), choices=ReportKind.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ReportStatus.choices)

    class Meta:
        model = Report
        fields = []

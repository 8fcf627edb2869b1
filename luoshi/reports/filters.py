import django_filters
from django.utils.translation import gettext_lazy as _

from luoshi.reports.models import Report, ReportKind, ReportStatus
from luoshi.units.models import Unit


class ReportFilter(django_filters.FilterSet):
    unit = django_filters.ModelChoiceFilter(label=_("单位"), queryset=Unit.objects.none())
    year = django_filters.NumberFilter(label=_("年度"))
    kind = django_filters.ChoiceFilter(label=_("报告类型"), choices=ReportKind.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ReportStatus.choices)

    class Meta:
        model = Report
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["unit"].queryset = Unit.objects.for_user(request.user)

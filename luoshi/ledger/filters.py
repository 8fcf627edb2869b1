import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luoshi.core.filters import UnitSubtreeFilterSet, YearFilter
from luoshi.core.forms import DateInput
from luoshi.ledger.models import ActivityType, LedgerRecord, OutletLevel


class LedgerFilter(UnitSubtreeFilterSet):
    activity_type = django_filters.ModelChoiceFilter(
        label=_("活动类型"), queryset=ActivityType.objects.all()
    )
    year = YearFilter(field_name="date", lookup_expr="year")
    date_from = django_filters.DateFilter(
        label=_("开始日期"), field_name="date", lookup_expr="gte", widget=DateInput()
    )
    date_to = django_filters.DateFilter(
        label=_("结束日期"), field_name="date", lookup_expr="lte", widget=DateInput()
    )
    outlet_level = django_filters.MultipleChoiceFilter(
        label=_("媒体级别"), choices=OutletLevel.choices
    )
    q = django_filters.CharFilter(label=_("关键词"), method="filter_keyword")
    evidence = django_filters.ChoiceFilter(
        label=_("佐证"),
        choices=[("present", _("有佐证")), ("missing", _("无佐证"))],
        method="filter_evidence",
    )

    class Meta:
        model = LedgerRecord
        fields = []

    def filter_keyword(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value)
            | Q(summary__icontains=value)
            | Q(outcome__icontains=value)
            | Q(tags__icontains=value)
            | Q(location__icontains=value)
        )

    def filter_evidence(self, queryset, name, value):
        return queryset.filter(has_evidence=(value == "present"))

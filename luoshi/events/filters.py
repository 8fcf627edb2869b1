import django_filters
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from luoshi.core.dates import on_local_days
from luoshi.core.filters import UnitSubtreeFilterSet
from luoshi.core.forms import DateInput
from luoshi.events.models import EventFiling, EventKind, EventStatus


class EventFilter(UnitSubtreeFilterSet):
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=EventKind.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=EventStatus.choices)
    date_from = django_filters.DateFilter(
        label=_("开始日期"), method="filter_from", widget=DateInput()
    )
    date_to = django_filters.DateFilter(label=_("结束日期"), method="filter_to", widget=DateInput())
    timely = django_filters.ChoiceFilter(
        label=_("事前备案"),
        choices=[("yes", _("举办前已批准")), ("no", _("未在举办前批准"))],
        method="filter_timely",
    )
    q = django_filters.CharFilter(label=_("关键词"), method="filter_keyword")

    class Meta:
        model = EventFiling
        fields = []

    def filter_from(self, queryset, name, value):
        return queryset.filter(on_local_days("start_at", start=value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(on_local_days("start_at", end=value))

    def filter_timely(self, queryset, name, value):
        timely = Q(approved_at__isnull=False, approved_at__lte=F("start_at"))
        return queryset.filter(timely) if value == "yes" else queryset.exclude(timely)

    def filter_keyword(self, queryset, name, value):
        return queryset.filter(
            Q(topic__icontains=value)
            | Q(synopsis__icontains=value)
            | Q(venue__icontains=value)
            | Q(speakers__name__icontains=value)
            | Q(speakers__affiliation__icontains=value)
        ).distinct()

import datetime

import django_filters
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.core.filters import ScopedFilterSet, UnitFilter
from luoshi.core.forms import DateInput
from luoshi.events.models import EventFiling, EventKind, EventStatus
from luoshi.units.models import Unit


def _day_start(day):
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


class EventFilter(ScopedFilterSet):
    unit = UnitFilter(label=_("单位"), queryset=Unit.objects.none(), method="filter_subtree")
    unit_scope = django_filters.ChoiceFilter(
        label=_("范围"),
        choices=[("subtree", _("含下级")), ("own", _("仅本单位"))],
        method="filter_nothing",
        empty_label=None,
    )
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

    def filter_subtree(self, queryset, name, value):
        if self.form.cleaned_data.get("unit_scope") == "own":
            return queryset.filter(unit=value)
        return queryset.in_subtree(value)

    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_from(self, queryset, name, value):
        return queryset.filter(start_at__gte=_day_start(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(start_at__lt=_day_start(value + datetime.timedelta(days=1)))

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

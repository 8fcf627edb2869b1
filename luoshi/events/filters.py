import django_filters
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from luoshi.core.filters import KeywordFilter, UnitSubtreeFilterSet, date_range
from luoshi.events.models import EventFiling, EventKind, EventStatus


class EventFilter(UnitSubtreeFilterSet):
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=EventKind.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=EventStatus.choices)
    date_from, date_to = date_range("start_at", _("开始日期"), _("结束日期"), local_days=True)
    timely = django_filters.ChoiceFilter(
        label=_("事前备案"),
        choices=[("yes", _("举办前已批准")), ("no", _("未在举办前批准"))],
        method="filter_timely",
    )
    q = KeywordFilter(
        "topic",
        "synopsis",
        "venue",
        "speakers__name",
        "speakers__affiliation",
        distinct=True,
    )

    class Meta:
        model = EventFiling
        fields = []

    def filter_timely(self, queryset, name, value):
        timely = Q(approved_at__isnull=False, approved_at__lte=F("start_at"))
        return queryset.filter(timely) if value == "yes" else queryset.exclude(timely)

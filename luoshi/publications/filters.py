import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luoshi.core.dates import on_local_days
from luoshi.core.filters import UnitSubtreeFilterSet
from luoshi.core.forms import DateInput
from luoshi.publications.models import Publication, PublicationStatus
from luoshi.publications.selectors import with_full_review


class PublicationFilter(UnitSubtreeFilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=PublicationStatus.choices)
    date_from = django_filters.DateFilter(
        label=_("发布日期起"), method="filter_from", widget=DateInput()
    )
    date_to = django_filters.DateFilter(
        label=_("发布日期止"), method="filter_to", widget=DateInput()
    )
    coverage = django_filters.ChoiceFilter(
        label=_("三审"),
        choices=[("full", _("三审齐全")), ("partial", _("三审不全"))],
        method="filter_coverage",
    )
    q = django_filters.CharFilter(label=_("关键词"), method="filter_keyword")

    class Meta:
        model = Publication
        fields = []

    def filter_from(self, queryset, name, value):
        return queryset.filter(on_local_days("published_at", start=value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(on_local_days("published_at", end=value))

    def filter_coverage(self, queryset, name, value):
        full = Q(has_pass_first=True, has_pass_second=True, has_pass_final=True)
        queryset = with_full_review(queryset)
        return queryset.filter(full) if value == "full" else queryset.exclude(full)

    def filter_keyword(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(body__icontains=value) | Q(channel_name__icontains=value)
        )

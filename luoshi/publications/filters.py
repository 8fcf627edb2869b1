import django_filters
from django.utils.translation import gettext_lazy as _

from luoshi.core.filters import KeywordFilter, UnitSubtreeFilterSet, date_range
from luoshi.publications.models import Publication, PublicationStatus
from luoshi.publications.selectors import full_review


class PublicationFilter(UnitSubtreeFilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=PublicationStatus.choices)
    date_from, date_to = date_range(
        "published_at", _("发布日期起"), _("发布日期止"), local_days=True
    )
    coverage = django_filters.ChoiceFilter(
        label=_("三审"),
        choices=[("full", _("三审齐全")), ("partial", _("三审不全"))],
        method="filter_coverage",
    )
    q = KeywordFilter("title", "body", "channel_name")

    class Meta:
        model = Publication
        fields = []

    def filter_coverage(self, queryset, name, value):
        full = full_review()
        return queryset.filter(full) if value == "full" else queryset.exclude(full)

import django_filters
from django.utils.translation import gettext_lazy as _

from luoshi.core.filters import KeywordFilter, UnitSubtreeFilterSet, YesNoFilter, date_range
from luoshi.incidents import selectors
from luoshi.incidents.models import Incident, IncidentLevel, IncidentStatus, Platform


class IncidentFilter(UnitSubtreeFilterSet):
    platform = django_filters.ModelChoiceFilter(
        label=_("出现平台"), queryset=Platform.objects.all()
    )
    level = django_filters.ChoiceFilter(label=_("事件等级"), choices=IncidentLevel.choices)
    status = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=[*IncidentStatus.choices, ("open", _("未办结"))],
        method="filter_status",
    )
    discovered_from, discovered_to = date_range(None, _("发现日期自"), _("发现日期至"))
    responded = YesNoFilter(label=_("已首次响应"), method="filter_responded")
    handled = YesNoFilter(label=_("已处置完成"), method="filter_handled")
    q = KeywordFilter("title", "summary", "measures", "outcome")

    class Meta:
        model = Incident
        fields = []

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        return selectors.discovered_between(
            queryset, data.get("discovered_from"), data.get("discovered_to")
        )

    def filter_status(self, queryset, name, value):
        if value == "open":
            return queryset.exclude(selectors.closed_q())
        return queryset.filter(status=value)

    def filter_responded(self, queryset, name, value):
        return queryset.filter(responded_at__isnull=not value)

    def filter_handled(self, queryset, name, value):
        return queryset.filter(handled_at__isnull=not value)

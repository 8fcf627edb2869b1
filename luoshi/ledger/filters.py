import django_filters
from django.utils.translation import gettext_lazy as _

from luoshi.core.filters import (
    KeywordFilter,
    UnitSubtreeFilterSet,
    YearFilter,
    YesNoFilter,
    date_range,
)
from luoshi.ledger.models import ATTENDANCE_RECORDED, ActivityType, LedgerRecord, OutletLevel


class LedgerFilter(UnitSubtreeFilterSet):
    activity_type = django_filters.ModelChoiceFilter(
        label=_("活动类型"), queryset=ActivityType.objects.all()
    )
    year = YearFilter(field_name="date", lookup_expr="year")
    date_from, date_to = date_range("date", _("开始日期"), _("结束日期"))
    outlet_level = django_filters.MultipleChoiceFilter(
        label=_("媒体级别"), choices=OutletLevel.choices
    )
    q = KeywordFilter("title", "summary", "outcome", "tags", "location")
    evidence = django_filters.ChoiceFilter(
        label=_("佐证"),
        choices=[("present", _("有佐证")), ("missing", _("无佐证"))],
        method="filter_evidence",
    )
    attendance = YesNoFilter(label=_("已记出勤（应到、实到均已填写）"), method="filter_attendance")

    class Meta:
        model = LedgerRecord
        fields = []

    def filter_evidence(self, queryset, name, value):
        return queryset.filter(has_evidence=(value == "present"))

    def filter_attendance(self, queryset, name, value):
        recorded = ATTENDANCE_RECORDED
        return queryset.filter(recorded) if value else queryset.exclude(recorded)

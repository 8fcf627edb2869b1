import django_filters
from django.utils.translation import gettext_lazy as _

from luoshi.channels import selectors
from luoshi.channels.models import Channel, ChannelStatus, ChannelType, FilingStatus
from luoshi.core.filters import KeywordFilter, UnitSubtreeFilterSet, date_range
from luoshi.core.forms import DateInput

STATUS_ALL = "all"


class ChannelFilter(UnitSubtreeFilterSet):
    """Without a status the list shows channels in use; 已关闭 / 全部 show the others."""

    channel_type = django_filters.ModelChoiceFilter(
        label=_("阵地类型"), queryset=ChannelType.objects.all()
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=[*ChannelStatus.choices, (STATUS_ALL, _("全部"))],
        method="filter_nothing",
        empty_label=None,
    )
    overdue = django_filters.ChoiceFilter(
        label=_("检查"),
        choices=[("yes", _("检查逾期")), ("no", _("未逾期"))],
        method="filter_overdue",
    )
    filing_status = django_filters.ChoiceFilter(label=_("备案状态"), choices=FilingStatus.choices)
    q = KeywordFilter("name", "account", "filing_number", "notes")
    # Used by the 阵地检查 indicator's link: channels open on a day, checked in a period.
    active_on = django_filters.DateFilter(
        label=_("在用日期"), method="filter_active_on", widget=DateInput()
    )
    checked_from, checked_to = date_range(None, _("检查日期自"), _("检查日期至"))

    class Meta:
        model = Channel
        fields = []

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        status = data.get("status") or ChannelStatus.ACTIVE
        if status != STATUS_ALL:
            queryset = queryset.filter(status=status)
        if data.get("checked_from") or data.get("checked_to"):
            queryset = selectors.checked_between(
                queryset, data.get("checked_from"), data.get("checked_to")
            )
        return queryset

    def filter_overdue(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(selectors.overdue_q())
        return queryset.exclude(selectors.overdue_q())

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(selectors.active_on_q(value))

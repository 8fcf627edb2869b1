import django_filters
from django.utils.translation import gettext_lazy as _

from luoshi.core.filters import KeywordFilter, UnitSubtreeFilterSet, date_range
from luoshi.risks.models import Campaign, RiskArea, RiskLevel, RiskPoint, RiskStatus, Screening
from luoshi.risks.selectors import completed_between, found_q


class RiskFilter(UnitSubtreeFilterSet):
    area = django_filters.ModelChoiceFilter(label=_("风险领域"), queryset=RiskArea.objects.all())
    level = django_filters.ModelChoiceFilter(label=_("风险等级"), queryset=RiskLevel.objects.all())
    status = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=[*RiskStatus.choices, ("open", _("未化解"))],
        method="filter_status",
    )
    campaign = django_filters.ModelChoiceFilter(
        label=_("排查活动"), queryset=Campaign.objects.none(), field_name="screening__campaign"
    )
    identified_from, identified_to = date_range("identified_on", _("识别日期自"), _("识别日期至"))
    q = KeywordFilter("description", "cause", "measures")

    class Meta:
        model = RiskPoint
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["campaign"].queryset = Campaign.objects.for_user(request.user).select_related(
            "task"
        )

    def filter_status(self, queryset, name, value):
        if value == "open":
            return queryset.exclude(status=RiskStatus.RESOLVED)
        return queryset.filter(status=value)


class ScreeningFilter(UnitSubtreeFilterSet):
    completed = django_filters.ChoiceFilter(
        label=_("是否完成"),
        choices=[("yes", _("已完成")), ("no", _("未完成"))],
        method="filter_completed",
    )
    completed_from, completed_to = date_range(None, _("完成日期自"), _("完成日期至"))
    campaign = django_filters.ModelChoiceFilter(
        label=_("排查活动"), queryset=Campaign.objects.none(), field_name="campaign"
    )
    found = django_filters.ChoiceFilter(
        label=_("排查结果"),
        choices=[("risks", _("发现风险点")), ("none", _("声明未发现"))],
        method="filter_found",
    )
    # the links of a campaign's figures: its deadline (排查活动的截止日期)
    deadline_from, deadline_to = date_range(
        "campaign__task__deadline", _("排查截止日期从"), _("排查截止日期到")
    )

    class Meta:
        model = Screening
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        if user is not None:  # picked by name, not typed as a number
            campaigns = Campaign.objects.for_user(user).select_related("task")
            self.filters["campaign"].queryset = campaigns

    def filter_completed(self, queryset, name, value):
        return queryset.filter(completed_at__isnull=(value != "yes"))

    def filter_found(self, queryset, name, value):
        return queryset.filter(found_q(value))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        return completed_between(queryset, data.get("completed_from"), data.get("completed_to"))

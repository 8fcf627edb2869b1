import django_filters
from django import forms
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.core.filters import (
    MAX_ID,
    KeywordFilter,
    ScopedFilterSet,
    UnitSubtreeFilterSet,
    YearFilter,
    date_range,
    picker,
)
from luoshi.duty.catalog import item_code_choices
from luoshi.tasks.models import (
    OPEN_STATUSES,
    AssignmentStatus,
    ReportingSchedule,
    Task,
    TaskAssignment,
)


def _schedule_choices(user) -> list[tuple[str, str]]:
    schedules = ReportingSchedule.objects.for_user(user) if user else []
    return [("", _("全部")), *((s.code, str(s)) for s in schedules)]


def _duty_item_choices() -> list[tuple[str, str]]:
    return [("", _("全部")), *item_code_choices()]


class AssignmentFilter(UnitSubtreeFilterSet):
    unit_label = _("接收单位")
    status = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=[*AssignmentStatus.choices, ("open", _("未办结")), ("current", _("未撤回"))],
        method="filter_status",
    )
    timeliness = django_filters.ChoiceFilter(
        label=_("时效"),
        choices=[("overdue", _("逾期未报")), ("late", _("逾期报送")), ("on_time", _("按时报送"))],
        method="filter_timeliness",
    )
    deadline_from, deadline_to = date_range("task__deadline", _("截止日期从"), _("截止日期到"))
    # by code, as the figures' links give them; picked by name on the form (see __init__)
    schedule = django_filters.CharFilter(label=_("报送计划"), field_name="task__schedule__code")
    duty_item = django_filters.CharFilter(label=_("关联责任项"), field_name="task__duty_item_code")
    # a task's own link to its reports: not typed by anyone
    task = django_filters.NumberFilter(
        field_name="task_id", min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )
    q = KeywordFilter("task__title", "task__requirements", "response")

    class Meta:
        model = TaskAssignment
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        self.filters["schedule"].extra["widget"] = picker(_schedule_choices, user)
        self.filters["duty_item"].extra["widget"] = picker(_duty_item_choices)

    def filter_status(self, queryset, name, value):
        if value == "open":
            return queryset.filter(status__in=OPEN_STATUSES)
        if value == "current":
            return queryset.exclude(status=AssignmentStatus.WITHDRAWN)
        return queryset.filter(status=value)

    def filter_timeliness(self, queryset, name, value):
        # Compared by date in the project's time zone, like ``TaskAssignment.on_time``.
        today = timezone.localdate()
        if value == "overdue":
            return queryset.filter(
                status__in=OPEN_STATUSES,
                first_submitted_at__isnull=True,
                task__deadline__lt=today,
            )
        late = Q(first_submitted_at__date__gt=F("task__deadline"))
        if value == "late":
            return queryset.filter(late)
        return queryset.filter(first_submitted_at__isnull=False).exclude(late)


class TaskFilter(ScopedFilterSet):
    q = KeywordFilter("title", "requirements")
    kind = django_filters.ChoiceFilter(
        label=_("类型"),
        choices=[("manual", _("交办任务")), ("scheduled", _("信息报送"))],
        method="filter_kind",
    )
    year = YearFilter(field_name="deadline", lookup_expr="year")

    class Meta:
        model = Task
        fields = []

    def filter_kind(self, queryset, name, value):
        return queryset.filter(schedule__isnull=(value == "manual"))

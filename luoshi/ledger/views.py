from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.core.excel import model_columns
from luoshi.core.views import (
    ScopedCreateView,
    ScopedDeleteView,
    ScopedDetailView,
    ScopedListView,
    ScopedUpdateView,
)
from luoshi.ledger import services
from luoshi.ledger.filters import LedgerFilter
from luoshi.ledger.forms import ActivityTypeForm, LedgerRecordForm
from luoshi.ledger.models import ActivityType, LedgerRecord
from luoshi.ledger.selectors import by_activity_type, metric_count, records_for


class LedgerPageMixin:
    model = LedgerRecord
    form_class = LedgerRecordForm
    list_url_name = "ledger:list"

    readable = staticmethod(records_for)


class LedgerListView(LedgerPageMixin, ScopedListView):
    template_name = "ledger/record_list.html"
    filterset_class = LedgerFilter

    def get_paginator(self, *args, **kwargs):
        paginator = super().get_paginator(*args, **kwargs)
        # A list a figure links to (unit, scope, type, dates, evidence) is counted by the
        # metric that states the figure: exact, and from the rollups for whole months,
        # instead of counting up to 100,001 rows on every request.
        paginator.known = metric_count(self.filterset, self.request.user)
        return paginator

    export_title = gettext_lazy("工作台账")
    export_columns = model_columns(
        LedgerRecord,
        "unit unit_code activity_type date title expected_participants actual_participants"
        " audience_count location outlet_name outlet_level summary outcome tags has_evidence",
        unit_code=(gettext_lazy("单位编码"), lambda r: r.unit.code),
        has_evidence=(gettext_lazy("佐证"), lambda r: _("有") if r.has_evidence else _("无佐证")),
    )


class LedgerDetailView(LedgerPageMixin, ScopedDetailView):
    template_name = "ledger/record_detail.html"  # its history: the record's operation log

    def get_queryset(self):
        return super().get_queryset().select_related("created_by")  # 录入 on the page


class LedgerCreateView(LedgerPageMixin, ScopedCreateView):
    success_message = gettext_lazy("台账记录已保存。")

    def save(self, form):
        return services.create_record(
            form=form, user=self.request.user, files=form.cleaned_data.get("evidence_files", [])
        )


class LedgerUpdateView(LedgerPageMixin, ScopedUpdateView):
    success_message = gettext_lazy("台账记录已更新。")


class LedgerDeleteView(LedgerPageMixin, ScopedDeleteView):
    template_name = "includes/confirm_delete.html"
    success_url = reverse_lazy("ledger:list")
    protected_message = gettext_lazy(
        "该台账记录由其他模块登记（讲座论坛的举办情况、风险研判会议），随原记录保留，不能删除。"
    )

    def delete_object(self, obj):
        services.delete_record(record=obj)


class ActivityTypeListView(ScopedListView):
    model = ActivityType
    action = "change"
    template_name = "ledger/activitytype_list.html"
    paginate_by = None

    def scoped_queryset(self):  # a dictionary: the same for every unit
        return ActivityType.objects.all()

    def get_context_data(self, **kwargs):
        """Each type with 本年记录数 (the metric ``ledger_count`` of that type over this year
        and every record the user may open), linking to exactly those records."""
        context = super().get_context_data(**kwargs)
        year = timezone.localdate().year
        used = by_activity_type(self.request.user, year, dims=[t.pk for t in self.object_list])
        context.update(year=year, rows=[(t, used[t.pk]) for t in self.object_list])
        return context


class ActivityTypeFormView:
    model = ActivityType
    form_class = ActivityTypeForm
    success_url = reverse_lazy("ledger:types")
    list_url_name = "ledger:types"

    def scoped_queryset(self):
        return ActivityType.objects.all()


class ActivityTypeCreateView(ActivityTypeFormView, ScopedCreateView):
    success_message = gettext_lazy("活动类型已保存。")


class ActivityTypeUpdateView(ActivityTypeFormView, ScopedUpdateView):
    success_message = gettext_lazy("活动类型已保存。")

import django_filters
from django.utils.translation import gettext_lazy as _

from luoshi.audit.models import LoginLog, OperationLog
from luoshi.core import errors
from luoshi.core.filters import ScopedFilterSet
from luoshi.core.forms import DateInput
from luoshi.core.views import ScopedListView


class OperationLogFilter(ScopedFilterSet):
    user = django_filters.CharFilter(label=_("操作人"), field_name="user__username")
    action = django_filters.ChoiceFilter(label=_("操作"), choices=OperationLog.Action.choices)
    model_label = django_filters.ChoiceFilter(label=_("对象类型"), choices=[])
    q = django_filters.CharFilter(
        label=_("对象"), field_name="object_repr", lookup_expr="icontains"
    )
    date_from = django_filters.DateFilter(
        label=_("开始日期"), field_name="time", lookup_expr="date__gte", widget=DateInput()
    )
    date_to = django_filters.DateFilter(
        label=_("结束日期"), field_name="time", lookup_expr="date__lte", widget=DateInput()
    )

    class Meta:
        model = OperationLog
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        labels = OperationLog.objects.order_by().values_list("model_label", "model_name").distinct()
        self.filters["model_label"].extra["choices"] = sorted(set(labels))


class LoginLogFilter(ScopedFilterSet):
    username = django_filters.CharFilter(label=_("用户名"), lookup_expr="icontains")
    event = django_filters.ChoiceFilter(label=_("事件"), choices=LoginLog.Event.choices)
    date_from = django_filters.DateFilter(
        label=_("开始日期"), field_name="time", lookup_expr="date__gte", widget=DateInput()
    )

    class Meta:
        model = LoginLog
        fields = []


class OperationLogView(ScopedListView):
    """System-wide audit trail: only for holders of ``audit.view_operationlog``."""

    model = OperationLog
    template_name = "audit/operation_list.html"
    filterset_class = OperationLogFilter
    paginate_by = 50
    export_columns = [
        (_("时间"), lambda o: o.time),
        (_("操作人"), lambda o: str(o.user or "")),
        (_("操作"), lambda o: o.get_action_display()),
        (_("对象类型"), lambda o: o.model_name),
        (_("对象"), lambda o: o.object_repr),
        (
            _("变更内容"),
            lambda o: "；".join(f"{c['field']}: {c['old']} → {c['new']}" for c in o.changes),
        ),
        (_("IP 地址"), lambda o: o.ip),
    ]

    def scoped_queryset(self):
        return OperationLog.objects.select_related("user")


class LoginLogView(ScopedListView):
    model = LoginLog
    template_name = "audit/login_list.html"
    filterset_class = LoginLogFilter
    paginate_by = 50
    export_columns = [
        (_("时间"), lambda o: o.time),
        (_("用户名"), lambda o: o.username),
        (_("事件"), lambda o: o.get_event_display()),
        (_("IP 地址"), lambda o: o.ip),
        (_("浏览器"), lambda o: o.user_agent),
    ]

    def scoped_queryset(self):
        return LoginLog.objects.all()


def permission_denied(request, exception=None):
    """``handler403``: the refusal goes to the login log, then the product's 403 page."""
    from luoshi.audit.signals import log_permission_denied

    log_permission_denied(request)
    return errors.permission_denied(request, exception)

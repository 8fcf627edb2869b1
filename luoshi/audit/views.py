import django_filters
from django.apps import apps
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from luoshi.audit.models import LoginLog, OperationLog
from luoshi.audit.selectors import entries_of
from luoshi.audit.signals import log_permission_denied
from luoshi.audit.tracking import is_logged
from luoshi.core import errors
from luoshi.core.excel import model_columns
from luoshi.core.filters import ScopedFilterSet, UnitFilter, date_range, parse_id
from luoshi.core.forms import DateInput
from luoshi.core.labels import current_label, label_aliases
from luoshi.core.scope import is_scoped
from luoshi.core.views import ScopedListView, perm_name


class OperationLogFilter(ScopedFilterSet):
    """Search the log by object (type + name), person, unit (含下级) and date range."""

    model_label = django_filters.ChoiceFilter(
        label=_("对象类型"), choices=[], method="filter_model_label"
    )
    q = django_filters.CharFilter(
        label=_("对象名称"), field_name="object_repr", lookup_expr="icontains"
    )
    user = django_filters.CharFilter(label=_("操作人"), method="filter_user")
    unit = UnitFilter(
        label=_("单位（含下级）"),
        queryset=OperationLog._meta.get_field("unit").related_model.objects.none(),
        method="filter_unit",
    )
    action = django_filters.ChoiceFilter(label=_("操作"), choices=OperationLog.Action.choices)
    date_from, date_to = date_range("time__date", _("开始日期"), _("结束日期"))

    class Meta:
        model = OperationLog
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        labels = OperationLog.objects.order_by().values_list("model_label", "model_name")
        choices = {(current_label(label), name) for label, name in labels.distinct()}
        self.filters["model_label"].extra["choices"] = sorted(choices)

    def filter_model_label(self, queryset, name, value):
        return queryset.filter(model_label__in=label_aliases(value))

    def filter_user(self, queryset, name, value):
        return queryset.filter(Q(user__username=value) | Q(user__full_name__icontains=value))

    def filter_unit(self, queryset, name, unit):
        return queryset.filter(unit__path__startswith=unit.path)


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
    export_columns = model_columns(
        OperationLog,
        "time user action model_name object_repr unit sentence ip",
        model_name=_("对象类型"),
        sentence=_("记录"),
    )

    def scoped_queryset(self):
        """The entries of records in the reader's data scope (系统管理员: all)."""
        return OperationLog.objects.for_user(self.request.user).select_related("user", "unit")


class ObjectLogView(OperationLogView):
    """「操作记录」 of one record: whoever may read the record reads its whole log."""

    template_name = "audit/object_log.html"
    filterset_class = None

    def dispatch(self, request, *args, **kwargs):
        self.target_model = logged_model(kwargs["label"])
        return super().dispatch(request, *args, **kwargs)

    def get_permission_required(self):
        return (perm_name(self.target_model, "view"),)

    def get(self, request, *args, **kwargs):
        self.target = readable_object(request.user, self.target_model, kwargs["pk"])
        return super().get(request, *args, **kwargs)

    def scoped_queryset(self):
        return entries_of(self.target).select_related("user", "unit")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["target"] = self.target
        context["target_name"] = type(self.target)._meta.verbose_name
        return context


def logged_model(label: str):
    """The model ``label`` names if it has an operation log, else 404."""
    try:
        model = apps.get_model(current_label(label))
    except (LookupError, ValueError):
        raise Http404 from None
    if not is_logged(model):
        raise Http404
    return model


def readable_object(user, model, pk: str):
    """The record ``pk`` of ``model`` if ``user`` may read it (its data scope), else 404."""
    if parse_id(pk) is None:
        raise Http404
    manager = model._default_manager
    queryset = manager.for_user(user) if is_scoped(model) else manager.all()
    return get_object_or_404(queryset, pk=pk)


class LoginLogView(ScopedListView):
    model = LoginLog
    template_name = "audit/login_list.html"
    filterset_class = LoginLogFilter
    paginate_by = 50
    export_columns = model_columns(LoginLog, "time username event ip user_agent")

    def scoped_queryset(self):
        return LoginLog.objects.all()


def permission_denied(request, exception=None):
    """``handler403``: the refusal goes to the login log, then the product's 403 page."""
    log_permission_denied(request)
    return errors.permission_denied(request, exception)

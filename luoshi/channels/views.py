from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.channels import selectors, services
from luoshi.channels.filters import ChannelFilter
from luoshi.channels.forms import ChannelCheckForm, ChannelCloseForm, ChannelForm
from luoshi.channels.models import Channel, ChannelCheck, ChannelStatus
from luoshi.channels.workflow import CHANNEL_FLOW
from luoshi.core.excel import model_columns
from luoshi.core.history import recent_changes
from luoshi.core.views import (
    RecordFormView,
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedUpdateView,
)
from luoshi.units.models import Unit


class ChannelPageMixin:
    model = Channel
    form_class = ChannelForm
    list_url_name = "channels:list"

    readable = staticmethod(selectors.channels_for)


class ChannelListView(ChannelPageMixin, ScopedListView):
    template_name = "channels/channel_list.html"
    filterset_class = ChannelFilter
    export_title = gettext_lazy("阵地台账")
    export_columns = model_columns(
        Channel,
        "unit channel_type name account administrator filing_status filing_number opened_on"
        " closed_on check_interval_months last_checked_on next_check_due is_overdue status notes",
        is_overdue=(gettext_lazy("检查逾期"), lambda c: _("逾期") if c.is_overdue else ""),
    )

    def get_queryset(self):
        queryset = super().get_queryset()
        if not self.filterset.is_bound:  # default filter: channels in use
            queryset = queryset.filter(status=ChannelStatus.ACTIVE)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summary"] = self.summary()
        return context

    def summary(self) -> dict | None:
        """The summary line of the unit the filter names (by default the top of the user's
        scope), with its subtree unless 仅本单位."""
        data = self.filterset.form.cleaned_data if self.filterset.is_valid() else {}
        unit = data.get("unit") or Unit.objects.for_user(self.request.user).order_by("path").first()
        if unit is None:
            return None
        return selectors.summary(self.request.user, unit, data.get("unit_scope") != "own")


class ChannelDetailView(ChannelPageMixin, ScopedDetailView):
    template_name = "channels/channel_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["checks"] = selectors.checks_of(self.object)
        context["steps"] = selectors.steps_of(self.object)
        context["history"] = recent_changes(self.object)
        return context


class ChannelCreateView(ChannelPageMixin, ScopedCreateView):
    success_message = gettext_lazy("阵地已登记。")

    def save(self, form):
        return services.create_channel(
            channel=form.save(commit=False),
            user=self.request.user,
            files=form.cleaned_data.get("evidence_files", []),
        )


class ChannelUpdateView(ChannelPageMixin, ScopedUpdateView):
    success_message = gettext_lazy("阵地信息已更新。")

    def save(self, form):
        return services.update_channel(form=form, user=self.request.user)


class ChannelFormView(RecordFormView):
    """A form about one channel in scope (404 outside it); refused once it is closed."""

    list_url_name = "channels:list"
    page_title_format = ""
    closed_message: Any = ""

    def record_queryset(self):
        return selectors.channels_for(self.request.user)

    def refusal(self) -> str:
        return "" if self.record.is_active else str(self.closed_message)

    def get_page_title(self) -> str:
        return self.page_title_format % {"name": self.record.name}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "channel": self.record}


class ChannelCheckCreateView(ChannelFormView):
    model = ChannelCheck
    action = "add"
    form_class = ChannelCheckForm
    page_title_format = gettext_lazy("登记检查：%(name)s")
    closed_message = gettext_lazy("阵地已关闭，不能再登记检查。")
    success_message = gettext_lazy("检查记录已保存。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form) -> None:
        data = {k: v for k, v in form.cleaned_data.items() if k != "evidence_files"}
        services.record_check(
            channel=self.record,
            user=self.request.user,
            files=form.cleaned_data.get("evidence_files", []),
            **data,
        )


class ChannelCloseView(ChannelFormView):
    model = Channel
    action = "change"
    form_class = ChannelCloseForm
    page_title_format = gettext_lazy("关闭阵地：%(name)s")
    closed_message = gettext_lazy("阵地已关闭。")
    confirm = CHANNEL_FLOW.transitions["close"].confirm
    success_message = gettext_lazy("阵地已关闭，其记录与历史均已保留。")

    def perform(self, form) -> None:
        services.close_channel(
            channel=self.record,
            user=self.request.user,
            reason=form.cleaned_data["reason"],
            closed_on=form.cleaned_data["closed_on"],
        )

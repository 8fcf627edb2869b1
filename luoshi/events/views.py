import datetime

from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from luoshi.core.excel import model_columns
from luoshi.core.filters import year_month_from_query
from luoshi.core.history import recent_changes
from luoshi.core.views import (
    InlineFormsetMixin,
    RecordFormView,
    RefusalOnFormMixin,
    ScopedActionView,
    ScopedCreateView,
    ScopedDeleteView,
    ScopedDetailView,
    ScopedListView,
    ScopedMixin,
    ScopedUpdateView,
)
from luoshi.events import selectors, services
from luoshi.events.filters import EventFilter
from luoshi.events.forms import (
    ChainStepFormSet,
    DecisionForm,
    EventForm,
    EventRuleForm,
    HeldForm,
    ReviewChainForm,
    SpeakerFormSet,
)
from luoshi.events.models import EventFiling, EventRule, ReviewChain
from luoshi.events.workflow import EVENT_FLOW


class EventPageMixin:
    model = EventFiling
    form_class = EventForm
    list_url_name = "events:list"

    readable = staticmethod(selectors.events_for)


class EventListView(EventPageMixin, ScopedListView):
    template_name = "events/event_list.html"
    filterset_class = EventFilter
    export_columns = model_columns(
        EventFiling,
        "unit kind topic speakers start_at place expected_audience actual_audience status"
        " filed_in_time",
        unit=gettext_lazy("主办单位"),
        place=gettext_lazy("地点/平台"),
        speakers=(gettext_lazy("主讲人"), lambda e: "、".join(s.name for s in e.speakers.all())),
        filed_in_time=(
            gettext_lazy("举办前已批准"),
            lambda e: _("是") if e.filed_in_time else _("否"),
        ),
    )

    def get_queryset(self):
        return super().get_queryset().prefetch_related("speakers")


class EventFormMixin(RefusalOnFormMixin, InlineFormsetMixin, EventPageMixin):
    template_name = "events/event_form.html"
    formset_class = SpeakerFormSet
    formset_name = "speakers"
    refusal_as_message = True

    def save(self, form):
        return services.save_event(
            form=form,
            speakers=self.formset,
            user=self.request.user,
            files=form.cleaned_data.get("evidence_files", []),
            safety_plan=form.cleaned_data.get("safety_plan"),
        )


class EventCreateView(EventFormMixin, ScopedCreateView):
    success_message = gettext_lazy("备案已保存为草稿，请核对后提交审核。")


class EventUpdateView(EventFormMixin, ScopedUpdateView):
    success_message = gettext_lazy("备案已更新。")

    def scoped_queryset(self):
        return super().scoped_queryset().filter(status__in=services.EDITABLE)


class EventDeleteView(EventPageMixin, ScopedDeleteView):
    template_name = "includes/confirm_delete.html"
    success_url = reverse_lazy("events:list")

    def scoped_queryset(self):
        return super().scoped_queryset().filter(status__in=services.EDITABLE)

    def delete_object(self, obj):
        services.delete_event(event=obj)


class EventDetailView(EventPageMixin, ScopedDetailView):
    template_name = "events/event_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event, user = self.object, self.request.user
        available = EVENT_FLOW.available_names(event, user)
        context.update(
            speakers=event.speakers.all(),
            reviews=event.reviews.select_related("role", "review_unit"),
            steps=EVENT_FLOW.history(event),
            can_edit=event.status in services.EDITABLE
            and user.has_perm("events.change_eventfiling"),
            can_submit="submit" in available,
            can_decide=bool(available & {"approve", "approve_final", "refuse"}),
            can_hold="hold" in available,
            decision_form=DecisionForm(),
            history=recent_changes(event, 30),
        )
        return context


class EventSubmitView(EventPageMixin, ScopedActionView):
    success_message = gettext_lazy("已提交审核。")

    def perform(self, obj):
        services.submit(event=obj, user=self.request.user)


class EventDecideView(EventPageMixin, ScopedActionView):
    comment_form = DecisionForm

    def perform(self, obj):
        approve = self.request.POST.get("decision") == "approve"
        services.decide(event=obj, user=self.request.user, approve=approve, comment=self.comment())
        self.success_message = _("已审核通过。") if approve else _("已退回，不予批准。")


class EventHeldView(EventPageMixin, RecordFormView):
    """After the event: the organizer records how it went; this writes the ledger record."""

    form_class = HeldForm
    action = "change"
    confirm = EVENT_FLOW.transitions["hold"].confirm
    success_message = gettext_lazy("举办情况已登记，并已计入工作台账。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "event": self.record}

    def get_page_title(self) -> str:
        return _("登记举办情况：%(topic)s") % {"topic": self.record}

    def perform(self, form) -> None:
        services.record_held(
            event=self.record,
            user=self.request.user,
            activity_type=form.cleaned_data["activity_type"],
            actual_audience=form.cleaned_data["actual_audience"],
            summary=form.cleaned_data["summary"],
            files=form.cleaned_data.get("evidence_files", []),
        )


class CalendarView(EventPageMixin, ScopedMixin, generic.TemplateView):
    template_name = "events/calendar.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        first = year_month_from_query(self.request.GET, today)
        previous = (first - datetime.timedelta(days=1)).replace(day=1)
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        context.update(
            weeks=selectors.month_grid(self.request.user, first.year, first.month),
            month=first,
            previous=previous,
            following=following,
            today=today,
            weekdays=[_("一"), _("二"), _("三"), _("四"), _("五"), _("六"), _("日")],
        )
        return context


# --- configuration: review chains and rules -----------------------------------------------------


class ChainPageMixin:
    model = ReviewChain
    form_class = ReviewChainForm
    list_url_name = "events:chains"
    success_url = reverse_lazy("events:chains")


class ChainListView(ChainPageMixin, ScopedListView):
    template_name = "events/chain_list.html"
    paginate_by = None

    def get_queryset(self):
        return super().get_queryset().select_related("unit").prefetch_related("steps__role")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rules"] = EventRule.objects.for_user(self.request.user).select_related("unit")
        return context


class ChainFormMixin(InlineFormsetMixin, ChainPageMixin):
    template_name = "events/chain_form.html"
    formset_class = ChainStepFormSet
    formset_name = "steps"
    success_message = gettext_lazy("审核流程已保存。")

    def save(self, form):
        return services.save_chain(form=form, steps=self.formset, user=self.request.user)


class ChainCreateView(ChainFormMixin, ScopedCreateView):
    pass


class ChainUpdateView(ChainFormMixin, ScopedUpdateView):
    pass


class RulePageMixin:
    model = EventRule
    form_class = EventRuleForm
    list_url_name = "events:chains"
    success_url = reverse_lazy("events:chains")

    def save(self, form):
        return services.save_rule(form=form, user=self.request.user)


class RuleCreateView(RulePageMixin, ScopedCreateView):
    success_message = gettext_lazy("备案规则已保存。")


class RuleUpdateView(RulePageMixin, ScopedUpdateView):
    success_message = gettext_lazy("备案规则已保存。")

from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.core.excel import model_columns
from luoshi.core.history import recent_changes
from luoshi.core.views import (
    RecordFormView,
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedUpdateView,
)
from luoshi.core.workflow import refusal
from luoshi.incidents import selectors, services
from luoshi.incidents.filters import IncidentFilter
from luoshi.incidents.forms import IncidentForm, IncidentStepForm
from luoshi.incidents.models import Incident, IncidentStatus
from luoshi.incidents.templatetags.incident_tags import hours
from luoshi.incidents.workflow import INCIDENT_FLOW


class IncidentPageMixin:
    model = Incident
    form_class = IncidentForm
    list_url_name = "incidents:list"

    readable = staticmethod(selectors.incidents_for)


class IncidentListView(IncidentPageMixin, ScopedListView):
    template_name = "incidents/incident_list.html"
    filterset_class = IncidentFilter
    export_title = gettext_lazy("舆情事件处置台账")
    export_columns = model_columns(
        Incident,
        "unit responsible_unit title discovered_at platform level summary source_url status"
        " analysis measures response_text responded_at time_to_response outcome closed_at"
        " time_to_close",
        unit=gettext_lazy("登记单位"),
        time_to_response=(
            gettext_lazy("首次回应用时（小时）"),
            lambda i: hours(i.time_to_response),
        ),
        time_to_close=(gettext_lazy("办结用时（小时）"), lambda i: hours(i.time_to_close)),
    )


class IncidentDetailView(IncidentPageMixin, ScopedDetailView):
    template_name = "incidents/incident_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["timeline"] = selectors.timeline(self.object)
        context["next_step"] = selectors.next_step(self.object, self.request.user)
        context["history"] = recent_changes(self.object)
        return context


class IncidentCreateView(IncidentPageMixin, ScopedCreateView):
    success_message = gettext_lazy("舆情事件已登记。")

    def save(self, form):
        return services.register_incident(
            incident=form.save(commit=False),
            user=self.request.user,
            files=form.cleaned_data.get("evidence_files", []),
        )


class IncidentUpdateView(IncidentPageMixin, ScopedUpdateView):
    success_message = gettext_lazy("舆情事件已更新。")

    def get_queryset(self):
        return super().get_queryset().exclude(status=IncidentStatus.CLOSED)

    def save(self, form):
        return services.update_incident(form=form, user=self.request.user)


class IncidentStepView(IncidentPageMixin, RecordFormView):
    """One step of the timeline. Out of order or already taken: refused with a message."""

    action = "change"
    form_class = IncidentStepForm

    def get_permission_required(self):
        # 办结 may be a leader's sign-off (incidents.workflow.may_close decides): reaching
        # the page needs only to see the incident, the workflow refuses whoever may not.
        if self.kwargs.get("step") == "close":
            return ("incidents.view_incident",)
        return super().get_permission_required()

    @cached_property
    def transition(self):
        """The step named in the URL (an unknown step: 404, after the 403 and the record's
        404, as in every scoped view)."""
        transition = INCIDENT_FLOW.transitions.get(self.kwargs["step"])
        if transition is None:
            raise Http404
        return transition

    def refusal(self) -> str:
        """Why the step cannot be taken now (out of order, or not this user's), else "":
        the service refuses it too (conditional update); this spares filling the form."""
        if self.record.status not in self.transition.sources:
            return self.out_of_order()
        return refusal(self.transition.check, self.request.user, self.record)

    def out_of_order(self) -> str:
        return _("当前状态为「%(state)s」，不能执行「%(step)s」。") % {
            "state": self.record.get_status_display(),
            "step": self.transition.label,
        }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "incident": self.record, "step": self.transition.name}

    def get_page_title(self) -> str:
        return _("%(step)s：%(title)s") % {"step": self.transition.label, "title": self.record}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("confirm", self.transition.confirm or "")
        return super().get_context_data(**kwargs)

    def get_success_message(self) -> str:
        return _("已完成「%(step)s」。") % {"step": self.transition.label}

    def perform(self, form) -> None:
        services.take_step(
            incident=self.record,
            step=self.transition.name,
            user=self.request.user,
            data=form.cleaned_data,
            files=form.cleaned_data.get("evidence_files", []),
        )

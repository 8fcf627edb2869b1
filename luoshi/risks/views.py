"""Thin views: reads through ``selectors``, writes through ``services``."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from luoshi.core import metrics
from luoshi.core.excel import model_columns
from luoshi.core.filters import parse_id, unit_or_own
from luoshi.core.history import recent_changes
from luoshi.core.views import (
    RefusalOnFormMixin,
    ScopedActionView,
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedMixin,
    ScopedUpdateView,
    workflow_feedback,
)
from luoshi.risks import selectors, services
from luoshi.risks.filters import RiskFilter, ScreeningFilter
from luoshi.risks.forms import (
    CampaignForm,
    MeetingForm,
    RiskForm,
    ScreeningForm,
    SelfCheckForm,
    StepForm,
)
from luoshi.risks.models import AnalysisMeeting, Campaign, RiskPoint, RiskStatus, Screening
from luoshi.risks.workflow import RISK_FLOW
from luoshi.tasks.models import AssignmentStatus
from luoshi.tasks.workflow import ASSIGNMENT, SUBMIT_PERMISSION
from luoshi.units.models import Unit

# ---------------------------------------------------------------------------------------------
# Risk register


class RiskPageMixin:
    model = RiskPoint
    form_class = RiskForm
    list_url_name = "risks:list"

    readable = staticmethod(selectors.risks_for)


class RiskListView(RiskPageMixin, ScopedListView):
    template_name = "risks/risk_list.html"
    filterset_class = RiskFilter
    export_columns = model_columns(
        RiskPoint,
        "unit area level description cause measures owner deadline identified_on status screening",
        deadline=gettext_lazy("时限"),
        screening=(gettext_lazy("来源排查"), lambda r: r.screening.title if r.screening else ""),
    )


class RiskDetailView(RiskPageMixin, ScopedDetailView):
    template_name = "risks/risk_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        risk, user = self.object, self.request.user
        context.update(
            steps=RISK_FLOW.available(risk, user),
            step_form=StepForm(),
            workflow_history=RISK_FLOW.history(risk),
            history=recent_changes(risk),
            meetings=risk.meetings.for_user(user),
            can_edit=user.has_perm("risks.change_riskpoint") and risk.status != RiskStatus.RESOLVED,
        )
        return context


class RiskCreateView(RefusalOnFormMixin, RiskPageMixin, ScopedCreateView):
    success_message = gettext_lazy("风险点已登记。")
    page_title = gettext_lazy("登记风险点")

    def dispatch(self, request, *args, **kwargs):
        self.screening = None
        screening_id = parse_id(request.GET.get("screening"))  # junk: no screening
        if screening_id and request.user.is_authenticated:
            self.screening = get_object_or_404(
                Screening.objects.for_user(request.user).filter(
                    unit__in=Unit.objects.for_user(request.user)
                ),
                pk=screening_id,
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "screening": self.screening}

    def get_context_data(self, **kwargs):
        if self.screening is not None:
            kwargs.setdefault("cancel_url", self.screening.get_absolute_url())
        return super().get_context_data(**kwargs)

    def save(self, form):
        risk = form.save(commit=False)
        risk.screening = self.screening
        return services.register_risk(
            risk=risk, user=self.request.user, files=form.cleaned_data.get("evidence_files", [])
        )

    def get_success_url(self):
        if self.screening is not None:
            return self.screening.get_absolute_url()
        return self.object.get_absolute_url()


class RiskUpdateView(RiskPageMixin, ScopedUpdateView):
    success_message = gettext_lazy("风险点已更新。")

    def get_queryset(self):
        return super().get_queryset().exclude(status=RiskStatus.RESOLVED)

    def save(self, form):
        return services.update_risk(form=form, user=self.request.user)


class RiskStepView(RiskPageMixin, ScopedActionView):
    comment_form = StepForm

    def perform(self, obj):
        step = self.kwargs["step"]
        if step not in RISK_FLOW.transitions:
            raise Http404
        transition = services.take_step(
            risk=obj, step=step, user=self.request.user, comment=self.comment()
        )
        messages.success(self.request, _("已完成「%(step)s」。") % {"step": transition.label})


class HeatmapView(ScopedMixin, generic.TemplateView):
    """Area × level counts for a chosen unit's subtree; cells open the filtered register."""

    model = RiskPoint
    template_name = "risks/heatmap.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        units = Unit.objects.for_user(user).order_by("path")
        unit = unit_or_own(units, user, self.request.GET.get("unit"))
        open_only = self.request.GET.get("status") == "open"
        heat = selectors.heatmap(user, unit, open_only=open_only)
        base = {"unit_scope": "subtree"}
        if unit is not None:
            base["unit"] = unit.pk
        if open_only:
            base["status"] = "open"
        list_url = reverse("risks:list")
        chart = {
            "areas": [a.name for a in heat["areas"]],
            "levels": [lv.name for lv in heat["levels"]],
            "colors": [lv.color for lv in heat["levels"]],
            "data": [
                [li, ai, c["count"], c["url"]]
                for ai, area in enumerate(heat["areas"])
                for li, level in enumerate(heat["levels"])
                for c in [heat["cells"][ai * len(heat["levels"]) + li]]
            ],
        }
        context.update(
            heat=heat,
            chart=chart,
            units=units,
            unit=unit,
            open_only=open_only,
            register_url=f"{list_url}?{urlencode(base)}",
        )
        return context


# ---------------------------------------------------------------------------------------------
# Campaigns and screenings


class CampaignPageMixin:
    model = Campaign
    list_url_name = "risks:campaigns"

    readable = staticmethod(selectors.campaigns_for)


class CampaignListView(CampaignPageMixin, ScopedListView):
    template_name = "risks/campaign_list.html"

    def with_figures(self, rows):
        return selectors.with_completion(rows, self.request.user)


class CampaignCreateView(CampaignPageMixin, ScopedMixin, generic.FormView):
    action = "add"
    form_class = CampaignForm
    template_name = "includes/form_page.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("page_title", _("发起排查"))
        kwargs.setdefault(
            "confirm",
            _("发起后排查任务立即下发到所选范围内的各单位并通知其人员。确定发起吗？"),
        )
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        try:
            campaign = services.launch_campaign(form=form, user=self.request.user)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        issued = metrics.of_object(
            "campaign_screenings", user=self.request.user, params={"campaign": campaign.pk}
        )
        messages.success(self.request, _("排查已下发到 %(n)d 个单位。") % {"n": issued.count})
        return redirect(campaign)


class CampaignDetailView(CampaignPageMixin, ScopedDetailView):
    template_name = "risks/campaign_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["overview"] = selectors.campaign_overview(self.object, self.request.user)
        context["register_url"] = f"{reverse('risks:list')}?campaign={self.object.pk}"
        return context


class ScreeningPageMixin:
    model = Screening
    list_url_name = "risks:screenings"

    readable = staticmethod(selectors.screenings_for)


class ScreeningListView(ScreeningPageMixin, ScopedListView):
    template_name = "risks/screening_list.html"
    export_title = gettext_lazy("风险排查")  # a higher unit's sheet holds its units' too
    filterset_class = ScreeningFilter
    export_columns = model_columns(
        Screening,
        "unit title campaign completed_at no_risk_declared no_risk_reason",
        campaign=(
            gettext_lazy("来源"),
            lambda s: _("上级部署") if s.campaign_id else _("自行排查"),
        ),
        no_risk_declared=(
            gettext_lazy("未发现风险点"),
            lambda s: _("是") if s.no_risk_declared else "",
        ),
        no_risk_reason=gettext_lazy("说明理由"),
    )


class ScreeningCreateView(ScreeningPageMixin, ScopedCreateView):
    form_class = ScreeningForm
    page_title = gettext_lazy("自行开展排查")
    success_message = gettext_lazy("排查已创建，请逐项自查。")

    def save(self, form):
        return services.start_screening(form=form, user=self.request.user)

    def get_success_url(self):
        return self.object.get_absolute_url()


class ScreeningDetailView(ScreeningPageMixin, ScopedDetailView):
    """The unit's self-check page: checklist, risk points found or none declared, submit."""

    template_name = "risks/screening_detail.html"

    def can_edit(self, screening) -> bool:
        user = self.request.user
        if screening.unit_id != user.unit_id or not user.has_perm(SUBMIT_PERMISSION):
            return False
        if screening.assignment_id:
            return screening.assignment.status in (
                AssignmentStatus.PENDING,
                AssignmentStatus.RETURNED,
            )
        return not screening.is_completed

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        screening = self.object
        services.reopen_if_returned(screening)
        editable = self.can_edit(screening)
        context.update(
            form=kwargs.get("form") or SelfCheckForm(screening=screening),
            editable=editable,
            risks=screening.risks.select_related("area", "level", "owner"),
            can_add_risk=editable and self.request.user.has_perm("risks.add_riskpoint"),
            workflow_history=(
                ASSIGNMENT.history(screening.assignment) if screening.assignment_id else []
            ),
        )
        return context

    def post(self, request, *args, **kwargs):
        self.object = screening = self.get_object()
        services.reopen_if_returned(screening)
        if not self.can_edit(screening):
            messages.error(request, _("您不能修改该排查。"))
            return redirect(screening)
        form = SelfCheckForm(request.POST, screening=screening)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        submit = request.POST.get("action") == "submit"
        with workflow_feedback(request, _("自查已提交。") if submit else _("自查结果已保存。")):
            services.save_results(
                screening=screening,
                results=form.results(),
                no_risk_declared=form.cleaned_data["no_risk_declared"],
                reason=form.cleaned_data["no_risk_reason"],
                summary=form.cleaned_data["summary"],
            )
            if submit:
                services.submit_screening(screening=screening, user=request.user)
        return redirect(screening)


# ---------------------------------------------------------------------------------------------
# 分析研判 meetings


class MeetingPageMixin:
    model = AnalysisMeeting
    form_class = MeetingForm
    list_url_name = "risks:meetings"

    readable = staticmethod(selectors.meetings_for)


class MeetingListView(MeetingPageMixin, ScopedListView):
    template_name = "risks/meeting_list.html"
    export_title = gettext_lazy("分析研判会议")
    export_columns = model_columns(AnalysisMeeting, "unit date title attendees conclusions")


class MeetingCreateView(MeetingPageMixin, ScopedCreateView):
    page_title = gettext_lazy("记录分析研判会议")
    success_message = gettext_lazy("分析研判会议已记录，并已计入工作台账。")

    def save(self, form):
        return services.record_meeting(
            meeting=form.save(commit=False),
            risks=form.cleaned_data["risks"],
            user=self.request.user,
            files=form.cleaned_data.get("evidence_files", []),
        )

    def get_success_url(self):
        return self.object.get_absolute_url()


class MeetingUpdateView(MeetingPageMixin, ScopedUpdateView):
    success_message = gettext_lazy("分析研判会议已更新。")

    def save(self, form):
        return services.update_meeting(form=form, user=self.request.user)

    def get_success_url(self):
        return self.object.get_absolute_url()


class MeetingDetailView(MeetingPageMixin, ScopedDetailView):
    template_name = "risks/meeting_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["risks"] = self.object.risks.for_user(self.request.user).select_related(
            "unit", "area", "level"
        )
        context["history"] = recent_changes(self.object)
        return context

"""Thin views: reads through ``selectors``, writes through ``services``."""

from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic
from django.views.decorators.http import require_POST

from luoshi.core.excel import Sheet, model_columns, sheets_response
from luoshi.core.filters import unit_or_own
from luoshi.core.views import (
    FormOnPageMixin,
    RefusalOnFormMixin,
    ReviewDecisionView,
    ReviewedSubmissionMixin,
    ScopedActionView,
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedUpdateView,
    SubmitWithEvidenceMixin,
    form_errors_to_messages,
    workflow_feedback,
)
from luoshi.inspections import selectors, services
from luoshi.inspections.filters import InspectedFilter, ItemFilter, PlanFilter
from luoshi.inspections.forms import (
    FindingForm,
    PlanForm,
    ScoreSheetForm,
    SubmitForm,
    VerifyForm,
    score_sheet_initial,
)
from luoshi.inspections.models import InspectionPlan, InspectionResult, RectificationItem
from luoshi.inspections.workflow import PLAN, RECTIFICATION, RESULT
from luoshi.units.models import Unit


def _rate(value):
    return f"{value:.1f}%" if value is not None else "-"


# ---------------------------------------------------------------------------------------------
# Plans


class PlanPageMixin(RefusalOnFormMixin):
    model = InspectionPlan
    form_class = PlanForm
    list_url_name = "inspections:plans"

    readable = staticmethod(selectors.plans_for)

    def save(self, form):
        return services.save_plan(form=form, user=self.request.user)


class PlanListView(PlanPageMixin, ScopedListView):
    template_name = "inspections/plan_list.html"
    filterset_class = PlanFilter
    export_columns = model_columns(
        InspectionPlan, "unit title starts_on ends_on status", unit=gettext_lazy("督查单位")
    )


class InspectedListView(ScopedListView):
    """被督查单位: every unit each plan inspected, listed under the inspecting unit."""

    model = InspectionResult
    template_name = "inspections/inspected_list.html"
    filterset_class = InspectedFilter
    export_title = gettext_lazy("被督查单位")
    export_columns = model_columns(
        InspectionResult,
        "plan plan_unit unit plan_starts_on inspected_on total_score status",
        plan_unit=(gettext_lazy("督查单位"), lambda r: r.plan.unit.name),
        unit=gettext_lazy("被督查单位"),
        plan_starts_on=(gettext_lazy("开始日期"), lambda r: r.plan.starts_on),
    )

    readable = staticmethod(selectors.inspected_for)


class PlanCreateView(PlanPageMixin, ScopedCreateView):
    page_title = gettext_lazy("新建督查计划")
    success_message = gettext_lazy("督查计划已保存。")


class PlanUpdateView(PlanPageMixin, ScopedUpdateView):
    success_message = gettext_lazy("督查计划已保存。")


class PlanDetailView(PlanPageMixin, ScopedDetailView):
    template_name = "inspections/plan_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan, user = self.object, self.request.user
        context["bulletin"] = selectors.bulletin(plan, user)
        context["steps"] = PLAN.available(plan, user)
        context["history"] = PLAN.history(plan)
        context["on_team"] = plan.on_team(user)
        context["can_edit"] = user.has_perm("inspections.change_inspectionplan")
        return context


class PlanStepView(PlanPageMixin, ScopedActionView):
    """开始 / 完成 a plan (``name``)."""

    def perform(self, obj):
        services.plan_step(plan=obj, user=self.request.user, name=self.kwargs["name"])

    def get_success_message(self):
        return _("督查状态已更新为「%(s)s」。") % {"s": self.object.get_status_display()}


class BulletinView(PlanPageMixin, ScopedDetailView):
    """督查通报 data: units doing well, problems by checklist line, rectification status."""

    template_name = "inspections/bulletin.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["bulletin"] = selectors.bulletin(self.object, self.request.user)
        return context

    def export_object(self):
        data = selectors.bulletin(self.object, self.request.user)
        sheets = [
            Sheet(
                _("得分排名"),
                [_("名次"), _("单位"), _("得分"), _("满分"), _("总体评价")],
                [
                    [i, r.unit.name, r.total_score, data["max_total"], r.summary]
                    for i, r in enumerate(data["ranking"], start=1)
                ],
                widths=[8, 18, 10, 10, 40],
            ),
            Sheet(
                _("发现问题"),
                [_("检查内容"), _("单位"), _("问题描述"), _("整改期限"), _("状态")],
                [
                    [
                        str(g["line"] or _("其他")),
                        item.unit.name,
                        item.finding.description,
                        item.deadline,
                        item.get_status_display(),
                    ]
                    for g in data["groups"]
                    for item in g["items"]
                ],
                widths=[18, 18, 40, 12, 10],
            ),
            Sheet(
                _("整改情况"),
                [
                    _("单位"),
                    _("问题数"),
                    _("已销号"),
                    _("待核验"),
                    _("未整改"),
                    _("逾期"),
                    _("整改完成率"),
                ],
                [
                    [
                        row["unit"].name,
                        row["figures"].rate.total,
                        row["figures"].rate.count,
                        row["figures"].submitted.count,
                        row["figures"].open.count,
                        row["figures"].overdue.count,
                        _rate(row["figures"].rate.rate),
                    ]
                    for row in data["by_unit"]
                ],
                widths=[18, 10, 10, 10, 10, 10, 12],
            ),
        ]
        filename = f"{self.object.title}_督查通报_{timezone.localdate():%Y%m%d}.xlsx"
        return sheets_response(filename, sheets)


# ---------------------------------------------------------------------------------------------
# Results


class ResultDetailView(ScopedDetailView):
    model = InspectionResult
    template_name = "inspections/result_detail.html"

    readable = staticmethod(selectors.results_for)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        result, user = self.object, self.request.user
        plan = result.plan
        scores = {s.line_id: s for s in result.scores.all()}
        lines = list(plan.lines.all())
        for line in lines:
            line.entry = scores.get(line.pk)
        context.setdefault(
            "score_form", ScoreSheetForm(lines=lines, initial=score_sheet_initial(result, lines))
        )
        can_record = (
            plan.on_team(user)
            and plan.status != "completed"
            and user.has_perm("inspections.change_inspectionresult")
        )
        context.update(
            plan=plan,
            lines=lines,
            items=[f.item for f in result.findings.select_related("item", "line", "item__owner")],
            can_record=can_record,
            steps=RESULT.available(result, user),
            history=RESULT.history(result),
            finding_form=FindingForm(result=result, prefix="finding"),
            sees_plan=selectors.plans_for(user).filter(pk=plan.pk).exists(),
        )
        return context


def _result(request, pk):
    return get_object_or_404(selectors.results_for(request.user), pk=pk)


class ResultScoresView(FormOnPageMixin, ResultDetailView):
    """Saves the score sheet; a refused sheet is shown again with everything typed kept."""

    form_class = ScoreSheetForm
    form_name = "score_form"
    success_message = gettext_lazy("评分表已保存。")

    def get_bound_form(self):
        return ScoreSheetForm(self.request.POST, lines=self.object.plan.lines.all())

    def perform(self, form):
        services.save_scores(
            result=self.object,
            user=self.request.user,
            scores=form.scores(),
            inspected_on=form.cleaned_data["inspected_on"],
            summary=form.cleaned_data["summary"],
        )


@require_POST
@permission_required("inspections.add_finding", raise_exception=True)
def result_finding(request, pk):
    result = _result(request, pk)
    form = FindingForm(request.POST, result=result, prefix="finding")
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return redirect(result)
    with workflow_feedback(request, _("已登记问题，并生成整改事项通知被督查单位。")):
        services.add_finding(result=result, user=request.user, **form.cleaned_data)
    return redirect(result)


class ResultRecordView(ScopedActionView):
    """反馈 an inspected unit's result."""

    model = InspectionResult
    action = "change"
    readable = staticmethod(selectors.results_for)
    success_message = gettext_lazy("督查结果已反馈。")

    def perform(self, obj):
        services.record_result(result=obj, user=self.request.user)


# ---------------------------------------------------------------------------------------------
# Rectification items


ITEM_COLUMNS = model_columns(
    RectificationItem,
    "plan unit line description owner deadline status is_overdue response closed_at",
    plan=(gettext_lazy("督查计划"), lambda i: i.finding.result.plan.title),
    unit=gettext_lazy("被督查单位"),
    line=(gettext_lazy("检查内容"), lambda i: str(i.finding.line or "")),
    description=(gettext_lazy("问题描述"), lambda i: i.finding.description),
    is_overdue=(gettext_lazy("逾期"), lambda i: _("是") if i.is_overdue() else ""),
)


class ItemListView(ScopedListView):
    model = RectificationItem
    template_name = "inspections/item_list.html"
    filterset_class = ItemFilter
    export_columns = ITEM_COLUMNS

    readable = staticmethod(selectors.items_for)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["line"] = selectors.item_line(self.filterset, self.request.user)
        return context


class ItemDetailView(ReviewedSubmissionMixin, ScopedDetailView):
    model = RectificationItem
    template_name = "inspections/item_detail.html"
    list_url_name = "inspections:items"
    flow = RECTIFICATION
    record_name = "item"
    submit_form_class = SubmitForm
    review_form_class = VerifyForm
    review_form_name = "verify_form"

    readable = staticmethod(selectors.items_for)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item, user = self.object, self.request.user
        context.update(self.submission_context(**kwargs))
        context.update(
            can_verify=bool(self.steps & {"close", "send_back"}),
            close_step=RECTIFICATION.transitions["close"],
            result_visible=selectors.results_for(user).filter(pk=item.finding.result_id).exists(),
        )
        return context


class ItemSubmitView(SubmitWithEvidenceMixin, ItemDetailView):
    submit = staticmethod(services.submit)
    success_message = gettext_lazy("整改情况已提交，等待督查组核验。")


class ItemVerifyView(ReviewDecisionView):
    """督查组核验: 销号 or 退回重改 (``decision``: close / send_back)."""

    model = RectificationItem
    readable = staticmethod(selectors.items_for)
    record_name = "item"
    comment_form = VerifyForm
    decisions = {
        "close": (services.close, gettext_lazy("已销号。")),
        "send_back": (services.send_back, gettext_lazy("已退回重改，并通知被督查单位。")),
    }


# ---------------------------------------------------------------------------------------------
# Summary: rectification rate and overdue items per unit and for a subtree


class SummaryView(PermissionRequiredMixin, generic.TemplateView):
    permission_required = "inspections.view_rectificationitem"
    template_name = "inspections/summary.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        units = Unit.objects.for_user(user)
        root = unit_or_own(units, user, self.request.GET.get("unit"))
        summary = selectors.rectification_summary(user, root) if root is not None else None
        context.update(root=root, summary=summary, units=units.order_by("path"))
        return context

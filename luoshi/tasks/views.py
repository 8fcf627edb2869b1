"""Thin views: reads through ``selectors``, writes through ``services``."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from luoshi.core.excel import model_columns, xlsx_response
from luoshi.core.redirects import redirect_next
from luoshi.core.registry import page_of_assignment
from luoshi.core.views import (
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
from luoshi.core.workflow import refusal
from luoshi.duty.catalog import item_code_choices
from luoshi.tasks import selectors, services
from luoshi.tasks.filters import AssignmentFilter, TaskFilter
from luoshi.tasks.forms import (
    BatchReviewForm,
    ReviewForm,
    ScheduleForm,
    SubmitForm,
    TaskEditForm,
    TaskForm,
)
from luoshi.tasks.models import (
    OPEN_STATUSES,
    AssignmentStatus,
    ReportingSchedule,
    Task,
    TaskAssignment,
)
from luoshi.tasks.workflow import ASSIGNMENT

ASSIGNMENT_COLUMNS = model_columns(
    TaskAssignment,
    "task issuer unit deadline status timeliness first_submitted_at submitted_at accepted_at"
    " response",
    task=(gettext_lazy("任务"), lambda a: a.task.title),
    issuer=(gettext_lazy("发文单位"), lambda a: a.task.unit.name),
    unit=gettext_lazy("接收单位"),
    deadline=(gettext_lazy("截止日期"), lambda a: a.task.deadline),
    submitted_at=gettext_lazy("最近提交时间"),
    timeliness=(gettext_lazy("时效"), lambda a: str(a.timeliness())),
)


class AssignmentListView(ScopedListView):
    """收件箱: what the user's unit (and units below, with a wider scope) was asked to do."""

    model = TaskAssignment
    template_name = "tasks/inbox.html"
    filterset_class = AssignmentFilter
    export_columns = ASSIGNMENT_COLUMNS
    page_title = gettext_lazy("收件箱")

    readable = staticmethod(selectors.inbox_for)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_title"] = self.page_title
        return context


class AllAssignmentsView(AssignmentListView):
    """Every assignment the user sees, from either side (the records behind an indicator)."""

    page_title = gettext_lazy("任务办理记录")

    readable = staticmethod(selectors.assignments_for)


class TaskListView(ScopedListView):
    model = Task
    template_name = "tasks/task_list.html"
    filterset_class = TaskFilter
    export_title = gettext_lazy("我发出的任务")
    export_columns = [
        (gettext_lazy("发文单位"), lambda t: t.unit.name),
        (gettext_lazy("任务标题"), lambda t: t.title),
        (gettext_lazy("截止日期"), lambda t: t.deadline),
        (gettext_lazy("接收单位数"), lambda t: t.recipients.count),
        (gettext_lazy("已提交"), lambda t: t.submitted.count),
        (gettext_lazy("已采纳"), lambda t: t.accepted.count),
    ]

    readable = staticmethod(selectors.tasks_for)

    def with_figures(self, rows):
        return selectors.with_figures(rows, self.request.user)


class TaskPageMixin:
    model = Task
    form_class = TaskForm
    list_url_name = "tasks:task_list"

    readable = staticmethod(selectors.tasks_for)


class TaskCreateView(RefusalOnFormMixin, TaskPageMixin, ScopedCreateView):
    page_title = gettext_lazy("交办任务")
    success_message = gettext_lazy("任务已下发。")
    # a wide step: every recipient unit is told at once
    extra_context = {
        "confirm": gettext_lazy(
            "下发后所选各单位立即收到任务和通知；在有单位报送之前仍可修改或撤回。确定下发吗？"
        )
    }

    def save(self, form):
        return services.issue_task(
            form=form, user=self.request.user, files=form.cleaned_data.get("attachments", [])
        )


OVERVIEW_PAGE_SIZE = 100  # recipient units per page of a task's overview


def overview_has_submitted(task: Task) -> bool:
    return task.assignments.filter(status=AssignmentStatus.SUBMITTED).exists()


class TaskUpdateView(RefusalOnFormMixin, TaskPageMixin, ScopedUpdateView):
    """修改 an issued task's content, until the first unit reports (then refused, with why)."""

    form_class = TaskEditForm
    page_title = gettext_lazy("修改任务")
    success_message = gettext_lazy("任务已修改，并已通知各接收单位。")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        refused = refusal(services.refuse_once_reported, self.object, _("修改"))
        if refused:
            messages.error(request, refused)
            return redirect(self.object)
        return super().get(request, *args, **kwargs)

    def save(self, form):
        return services.edit_task(form=form, user=self.request.user)


@require_POST
@permission_required("tasks.change_task", raise_exception=True)
def withdraw(request, pk):
    task = get_object_or_404(selectors.tasks_for(request.user), pk=pk)
    with workflow_feedback(request, _("任务已撤回，并已通知各接收单位。")):
        services.withdraw_task(task=task, user=request.user)
    return redirect(task)


@require_POST
@permission_required("tasks.review_taskassignment", raise_exception=True)
def batch_accept(request, pk):
    """批量采纳: the chosen submissions of one task, confirmed once, each accepted through
    the workflow; refusals are reported unit by unit."""
    task = get_object_or_404(selectors.tasks_for(request.user), pk=pk)
    chosen = TaskAssignment.objects.issuer_side(request.user).filter(task=task)
    form = BatchReviewForm(request.POST, assignments=chosen.select_related("unit", "task"))
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return redirect(task)
    result = services.accept_many(
        assignments=form.cleaned_data["assignments"],
        user=request.user,
        comment=form.cleaned_data["comment"],
    )
    if result.accepted:
        messages.success(
            request,
            _("已采纳 %(n)d 个单位的报送：%(units)s。")
            % {"n": len(result.accepted), "units": "、".join(a.unit.name for a in result.accepted)},
        )
    for assignment, reason in result.refused:
        messages.error(
            request,
            _("%(unit)s未采纳：%(reason)s") % {"unit": assignment.unit.name, "reason": reason},
        )
    return redirect(task)


class TaskDetailView(TaskPageMixin, ScopedDetailView):
    """The issuer's overview: units × status, on-time rate, 催办, export."""

    template_name = "tasks/task_detail.html"

    def export_object(self):
        task = self.object
        overview = selectors.overview(task, self.request.user)
        headers = [str(h) for h, _getter in ASSIGNMENT_COLUMNS]
        rows = [[getter(a) for _h, getter in ASSIGNMENT_COLUMNS] for a in overview["rows"]]
        on_time = overview["on_time"]
        rows.append([])
        rows.append(
            [
                _("按时报送率"),
                on_time.text,
                _("按时 %(n)d / 已到截止日期 %(total)d 个单位")
                % {"n": on_time.count, "total": on_time.total},
            ]
        )
        filename = f"{task.title}_{timezone.localdate():%Y%m%d}.xlsx"
        return xlsx_response(filename, task.title, headers, rows)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        overview = selectors.overview(self.object, self.request.user, rows=False)
        assignments = self.object.assignments.select_related("unit", "submitted_by").order_by(
            "unit__path"
        )
        page = Paginator(assignments, OVERVIEW_PAGE_SIZE).get_page(self.request.GET.get("page"))
        for row in page.object_list:
            row.task = self.object
        overview["rows"] = page.object_list
        context["overview"] = overview
        context["page_obj"] = page
        context["query_string"] = ""
        context["open_statuses"] = list(OPEN_STATUSES)
        context.update(self.issuer_actions())
        code = self.object.duty_item_code
        context["duty_item_name"] = dict(item_code_choices()).get(code, code) if code else ""
        return context

    def issuer_actions(self) -> dict:
        """撤回/修改 while no unit has reported (else why not), 批量采纳 of the submitted."""
        task, user = self.object, self.request.user
        may_change = user.has_perm("tasks.change_task") and task.withdrawn_at is None
        frozen_reason = refusal(services.refuse_once_reported, task, _("修改"))
        withdraw = ASSIGNMENT.transitions["withdraw"]
        return {
            "may_change": may_change and not frozen_reason,
            "frozen_reason": frozen_reason if may_change else "",
            "withdraw_confirm": withdraw.confirm,
            "accept_confirm": ASSIGNMENT.transitions["accept"].confirm,
            "may_batch_accept": user.has_perm("tasks.review_taskassignment")
            and overview_has_submitted(task),
        }


class AssignmentDetailView(ReviewedSubmissionMixin, ScopedDetailView):
    model = TaskAssignment
    template_name = "tasks/assignment_detail.html"
    list_url_name = "tasks:inbox"
    flow = ASSIGNMENT
    record_name = "assignment"
    submit_form_class = SubmitForm
    review_form_class = ReviewForm

    readable = staticmethod(selectors.assignments_for)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        elsewhere = page_of_assignment(self.object)  # e.g. a statistics form to fill
        if elsewhere:
            return redirect(elsewhere)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        assignment, user = self.object, self.request.user
        context.update(self.submission_context(**kwargs))
        steps = self.steps
        context.update(
            can_review=bool(steps & {"accept", "return"}),
            recall_step=ASSIGNMENT.transitions["recall"] if "recall" in steps else None,
            accept_confirm=ASSIGNMENT.transitions["accept"].confirm,
            can_edit_evidence=context["can_submit"],
            is_issuer=selectors.tasks_for(user).filter(pk=assignment.task_id).exists(),
        )
        return context


class RecallView(ScopedActionView):
    """撤回 the unit's submitted report before review, to change it."""

    model = TaskAssignment
    action = "change"
    readable = staticmethod(selectors.assignments_for)
    success_message = gettext_lazy("已撤回报送，修改后请重新提交。")

    def perform(self, obj):
        services.recall(assignment=obj, user=self.request.user)


class AssignmentSubmitView(SubmitWithEvidenceMixin, AssignmentDetailView):
    submit = staticmethod(services.submit)
    success_message = gettext_lazy("已提交，等待发文单位审核。")

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        elsewhere = page_of_assignment(self.object)
        if elsewhere:  # its submission is the filled form, never free text
            messages.error(request, _("该任务须在其填报页面填写后提交，已为您打开该页面。"))
            return redirect(elsewhere)
        return super().post(request, *args, **kwargs)


class ReviewView(ReviewDecisionView):
    """采纳 or 退回 a submitted report (``decision``: accept / return)."""

    model = TaskAssignment
    permission_required = "tasks.review_taskassignment"
    readable = staticmethod(selectors.assignments_for)
    record_name = "assignment"
    comment_form = ReviewForm
    decisions = {
        "accept": (services.accept, gettext_lazy("已采纳。")),
        "return": (
            services.return_submission,
            gettext_lazy("已退回，并通知该单位修改后重新提交。"),
        ),
    }


@require_POST
@permission_required("tasks.review_taskassignment", raise_exception=True)
def urge(request, pk):
    assignment = get_object_or_404(TaskAssignment.objects.issuer_side(request.user), pk=pk)
    with workflow_feedback(request):
        sent = services.urge(assignment=assignment, user=request.user)
        if sent:
            messages.success(
                request,
                _("已向%(unit)s的 %(n)d 名经办人发送催办通知。")
                % {"unit": assignment.unit.name, "n": sent},
            )
        else:
            messages.info(
                request, _("今天已催办过%(unit)s，未重复发送。") % {"unit": assignment.unit.name}
            )
    return redirect_next(request, assignment.task)


class SchedulePageMixin:
    model = ReportingSchedule
    form_class = ScheduleForm
    list_url_name = "tasks:schedules"
    success_url = reverse_lazy("tasks:schedules")

    readable = staticmethod(selectors.schedules_for)

    def save(self, form):
        return services.save_schedule(form=form, user=self.request.user)


class ScheduleListView(SchedulePageMixin, ScopedListView):
    template_name = "tasks/schedule_list.html"
    paginate_by = None


class ScheduleCreateView(SchedulePageMixin, ScopedCreateView):
    success_message = gettext_lazy("报送计划已保存，每期开始时自动下发任务。")


class ScheduleUpdateView(SchedulePageMixin, ScopedUpdateView):
    success_message = gettext_lazy("报送计划已保存。")

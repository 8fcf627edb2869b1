"""Thin views: reads through ``selectors``, writes through ``services``."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from luoshi.core.excel import xlsx_response
from luoshi.core.redirects import redirect_next
from luoshi.core.views import (
    FormOnPageMixin,
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedUpdateView,
    workflow_feedback,
)
from luoshi.core.workflow import WorkflowError
from luoshi.duty.catalog import item_code_choices
from luoshi.tasks import selectors, services
from luoshi.tasks.filters import AssignmentFilter, TaskFilter
from luoshi.tasks.forms import ReviewForm, ScheduleForm, SubmitForm, TaskForm
from luoshi.tasks.models import OPEN_STATUSES, ReportingSchedule, Task, TaskAssignment
from luoshi.tasks.workflow import ASSIGNMENT

ASSIGNMENT_COLUMNS = [
    (gettext_lazy("任务"), lambda a: a.task.title),
    (gettext_lazy("发文单位"), lambda a: a.task.unit.name),
    (gettext_lazy("接收单位"), lambda a: a.unit.name),
    (gettext_lazy("截止日期"), lambda a: a.task.deadline),
    (gettext_lazy("状态"), lambda a: a.get_status_display()),
    (gettext_lazy("时效"), lambda a: str(a.timeliness())),
    (gettext_lazy("首次提交时间"), lambda a: a.first_submitted_at),
    (gettext_lazy("最近提交时间"), lambda a: a.submitted_at),
    (gettext_lazy("采纳时间"), lambda a: a.accepted_at),
    (gettext_lazy("办理情况"), lambda a: a.response),
]


class AssignmentListView(ScopedListView):
    """收件箱: what the user's unit (and units below, with a wider scope) was asked to do."""

    model = TaskAssignment
    template_name = "tasks/inbox.html"
    filterset_class = AssignmentFilter
    export_title = gettext_lazy("任务办理")
    export_columns = ASSIGNMENT_COLUMNS
    page_title = gettext_lazy("收件箱")

    def scoped_queryset(self):
        return selectors.inbox_for(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_title"] = self.page_title
        context["today"] = timezone.localdate()
        return context


class AllAssignmentsView(AssignmentListView):
    """Every assignment the user sees, from either side (the records behind an indicator)."""

    page_title = gettext_lazy("任务办理记录")

    def scoped_queryset(self):
        return selectors.assignments_for(self.request.user)


class TaskListView(ScopedListView):
    model = Task
    template_name = "tasks/task_list.html"
    filterset_class = TaskFilter
    export_title = gettext_lazy("我发出的任务")
    export_columns = [
        (gettext_lazy("发文单位"), lambda t: t.unit.name),
        (gettext_lazy("任务标题"), lambda t: t.title),
        (gettext_lazy("截止日期"), lambda t: t.deadline),
        (gettext_lazy("接收单位数"), lambda t: t.assignment_count),
        (gettext_lazy("已提交"), lambda t: t.submitted_count),
        (gettext_lazy("已采纳"), lambda t: t.accepted_count),
    ]

    def scoped_queryset(self):
        return selectors.tasks_for(self.request.user)


class TaskPageMixin:
    model = Task
    form_class = TaskForm
    list_url_name = "tasks:task_list"
    list_label = gettext_lazy("我发出的任务")

    def scoped_queryset(self):
        return selectors.tasks_for(self.request.user)


class TaskCreateView(TaskPageMixin, ScopedCreateView):
    page_title = gettext_lazy("交办任务")
    success_message = gettext_lazy("任务已下发。")

    def save(self, form):
        return services.issue_task(
            form=form, user=self.request.user, files=form.cleaned_data.get("attachments", [])
        )

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)


OVERVIEW_PAGE_SIZE = 100  # recipient units per page of a task's overview


class TaskDetailView(TaskPageMixin, ScopedDetailView):
    """The issuer's overview: units × status, on-time rate, 催办, export."""

    template_name = "tasks/task_detail.html"

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            self.object = self.get_object()
            return self.export(selectors.overview(self.object))
        return super().get(request, *args, **kwargs)

    def export(self, overview):
        task = self.object
        headers = [str(h) for h, _getter in ASSIGNMENT_COLUMNS]
        rows = [[getter(a) for _h, getter in ASSIGNMENT_COLUMNS] for a in overview["rows"]]
        rate = overview["on_time_rate"]
        rows.append([])
        rows.append(
            [
                _("按时报送率"),
                f"{rate:.1f}%" if rate is not None else "-",
                _("按时 %(n)d / 共 %(total)d 个单位")
                % {"n": overview["on_time"], "total": overview["total"]},
            ]
        )
        filename = f"{task.title}_{timezone.localdate():%Y%m%d}.xlsx"
        return xlsx_response(filename, task.title, headers, rows)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        overview = selectors.overview(self.object, rows=False)
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
        context["today"] = timezone.localdate()
        context["open_statuses"] = list(OPEN_STATUSES)
        code = self.object.duty_item_code
        context["duty_item_name"] = dict(item_code_choices()).get(code, code) if code else ""
        return context


class AssignmentDetailView(ScopedDetailView):
    model = TaskAssignment
    template_name = "tasks/assignment_detail.html"
    list_url_name = "tasks:inbox"
    list_label = gettext_lazy("收件箱")

    def scoped_queryset(self):
        return selectors.assignments_for(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        assignment, user = self.object, self.request.user
        steps = {t.name for t in ASSIGNMENT.available(assignment, user)}
        can_submit = bool(steps & {"submit", "resubmit"})
        context.update(
            history=ASSIGNMENT.history(assignment),
            can_submit=can_submit,
            can_review=bool(steps & {"accept", "return"}),
            can_edit_evidence=can_submit,
            is_issuer=selectors.tasks_for(user).filter(pk=assignment.task_id).exists(),
            submit_form=kwargs.get("submit_form")
            or SubmitForm(initial={"response": assignment.response}, prefix="submit"),
            review_form=ReviewForm(),
            today=timezone.localdate(),
        )
        return context


def _assignment(request, pk):
    return get_object_or_404(selectors.assignments_for(request.user), pk=pk)


class AssignmentSubmitView(FormOnPageMixin, AssignmentDetailView):
    form_class = SubmitForm
    form_name = "submit_form"
    form_prefix = "submit"
    success_message = gettext_lazy("已提交，等待发文单位审核。")

    def perform(self, form):
        services.submit(
            assignment=self.object,
            user=self.request.user,
            response=form.cleaned_data["response"],
            files=form.cleaned_data["files"],
        )


@require_POST
@permission_required("tasks.review_taskassignment", raise_exception=True)
def review(request, pk, decision):
    assignment = _assignment(request, pk)
    form = ReviewForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    if decision == "accept":
        with workflow_feedback(request, _("已采纳。")):
            services.accept(assignment=assignment, user=request.user, comment=comment)
    else:
        with workflow_feedback(request, _("已退回，并通知该单位修改后重新提交。")):
            services.return_submission(assignment=assignment, user=request.user, comment=comment)
    return redirect(assignment)


@require_POST
@permission_required("tasks.review_taskassignment", raise_exception=True)
def urge(request, pk):
    task_ids = selectors.tasks_for(request.user).values("pk")
    assignment = get_object_or_404(TaskAssignment.objects.filter(task__in=task_ids), pk=pk)
    try:
        sent = services.urge(assignment=assignment, user=request.user)
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
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
    list_label = gettext_lazy("报送计划")
    success_url = reverse_lazy("tasks:schedules")

    def scoped_queryset(self):
        return selectors.schedules_for(self.request.user)

    def save(self, form):
        return services.save_schedule(form=form, user=self.request.user)


class ScheduleListView(SchedulePageMixin, ScopedListView):
    template_name = "tasks/schedule_list.html"
    paginate_by = None


class ScheduleCreateView(SchedulePageMixin, ScopedCreateView):
    page_title = gettext_lazy("新增报送计划")
    success_message = gettext_lazy("报送计划已保存，每期开始时自动下发任务。")


class ScheduleUpdateView(SchedulePageMixin, ScopedUpdateView):
    page_title = gettext_lazy("编辑报送计划")
    success_message = gettext_lazy("报送计划已保存。")

"""Thin views of 统计报表: reads through selectors and ``for_user``, writes through services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from luoshi.core.excel import Sheet, book_response, sheets_response
from luoshi.core.scope import in_write_scope
from luoshi.core.views import ScopedCreateView, ScopedDetailView, ScopedListView, workflow_feedback
from luoshi.core.workflow import WorkflowError, refusal
from luoshi.duty.pack_format import PackError
from luoshi.statforms import excel_io, selectors, services
from luoshi.statforms.filters import FigureFilter
from luoshi.statforms.forms import (
    FieldForm,
    FormScheduleForm,
    IssueForm,
    ReviewForm,
    RuleForm,
    StatFormForm,
    UploadForm,
    YamlImportForm,
)
from luoshi.statforms.models import (
    FieldKind,
    FigureValue,
    FormField,
    FormRule,
    FormVersion,
    StatForm,
)
from luoshi.statforms.yaml_format import export_version
from luoshi.tasks.models import AssignmentStatus, TaskAssignment
from luoshi.tasks.selectors import assignments_for, tasks_for
from luoshi.tasks.workflow import ASSIGNMENT

MAX_TABLE_ROWS = 50


class FormListView(ScopedListView):
    model = StatForm
    template_name = "statforms/form_list.html"
    paginate_by = None


class FormCreateView(ScopedCreateView):
    model = StatForm
    form_class = StatFormForm
    list_url_name = "statforms:forms"
    page_title = gettext_lazy("新建统计表")

    def save(self, form):
        data = form.cleaned_data
        if not in_write_scope(self.request.user, data["unit"]):
            raise Http404
        return services.create_form(
            unit=data["unit"],
            user=self.request.user,
            code=data["code"],
            title=data["title"],
            description=data["description"],
        )

    def get_success_url(self):
        return self.object.versions.get().get_absolute_url()


class FormDetailView(ScopedDetailView):
    model = StatForm
    template_name = "statforms/form_detail.html"
    list_url_name = "statforms:forms"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["versions"] = self.object.versions.all()
        context["form_tasks"] = selectors.form_tasks_for(self.request.user).filter(
            version__form=self.object
        )
        context["can_design"] = in_write_scope(self.request.user, self.object)
        return context


class VersionDetailView(ScopedDetailView):
    model = FormVersion
    template_name = "statforms/version_detail.html"
    permission_required = "statforms.view_statform"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = self.object
        context.update(
            fields=version.fields.all(),
            rules=version.rules.all(),
            can_edit=not version.is_published
            and in_write_scope(self.request.user, version.form)
            and self.request.user.has_perm("statforms.change_formversion"),
            rule_form=self.kwargs.get("rule_form") or RuleForm(),
        )
        return context


def _version(request, pk) -> FormVersion:
    return get_object_or_404(FormVersion.objects.for_user(request.user), pk=pk)


@permission_required("statforms.change_formversion", raise_exception=True)
def field_add(request, pk):
    return _field_page(request, _version(request, pk), None)


@permission_required("statforms.change_formversion", raise_exception=True)
def field_edit(request, pk):
    scoped = FormField.objects.for_user(request.user)
    item = get_object_or_404(scoped, pk=pk)
    return _field_page(request, item.version, item)


def _field_page(request, version: FormVersion, item: FormField | None):
    """Add a field to a draft version, or edit one of its fields."""
    refused = refusal(services.editable_version, version, request.user)
    if refused:
        messages.error(request, refused)
        return redirect(version)
    form = FieldForm(request.POST or None, instance=item, version=version)
    if request.method == "POST" and form.is_valid():
        services.save_field(version=version, user=request.user, field=form.save(commit=False))
        messages.success(request, _("统计项已保存。"))
        return redirect(version)
    title = _("编辑统计项") if item else _("添加统计项")
    return render(
        request,
        "includes/form_page.html",
        {"form": form, "page_title": title, "cancel_url": version.get_absolute_url()},
    )


@require_POST
@permission_required("statforms.change_formversion", raise_exception=True)
def field_delete(request, pk):
    scoped = FormField.objects.for_user(request.user)
    item = get_object_or_404(scoped, pk=pk)
    with workflow_feedback(request, _("已删除统计项「%(label)s」。") % {"label": item.label}):
        services.delete_field(field=item, user=request.user)
    return redirect(item.version)


@require_POST
@permission_required("statforms.change_formversion", raise_exception=True)
def rule_add(request, pk):
    version = _version(request, pk)
    form = RuleForm(request.POST)
    if form.is_valid():
        try:
            with workflow_feedback(request, _("校验规则已添加。")):
                services.save_rule(version=version, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        view = VersionDetailView.as_view()
        request.method = "GET"
        return view(request, pk=pk, rule_form=form)
    return redirect(version)


@require_POST
@permission_required("statforms.change_formversion", raise_exception=True)
def rule_delete(request, pk):
    scoped = FormRule.objects.for_user(request.user)
    rule = get_object_or_404(scoped, pk=pk)
    with workflow_feedback(request, _("已删除校验规则。")):
        services.delete_rule(rule=rule, user=request.user)
    return redirect(rule.version)


@require_POST
@permission_required("statforms.change_formversion", raise_exception=True)
def publish(request, pk):
    version = _version(request, pk)
    with workflow_feedback(request, _("已发布：此版本不再修改，可以下发填报。")):
        services.publish(version=version, user=request.user)
    return redirect(version)


@require_POST
@permission_required("statforms.change_formversion", raise_exception=True)
def new_version(request, pk):
    form = get_object_or_404(StatForm.objects.for_user(request.user), pk=pk)
    version = services.new_version(form=form, user=request.user)
    messages.success(request, _("已建立第%(n)d版草稿，修改后发布。") % {"n": version.number})
    return redirect(version)


@login_required
@permission_required("statforms.view_statform", raise_exception=True)
def export_yaml(request, pk):
    version = _version(request, pk)
    response = HttpResponse(
        export_version(version), content_type="application/x-yaml; charset=utf-8"
    )
    name = f"{version.form.code}-v{version.number}.yaml"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@permission_required("statforms.add_statform", raise_exception=True)
def import_yaml(request):
    form = YamlImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = upload.read(200_000).decode("utf-8")
            version = services.import_form(
                text=text, unit=form.cleaned_data["unit"], user=request.user, file=upload.name
            )
        except UnicodeDecodeError:
            form.add_error("file", _("文件不是 UTF-8 编码的 YAML 文本"))
        except PackError as error:
            for issue in error.issues:
                form.add_error("file", str(issue))
        else:
            messages.success(
                request, _("已导入为第%(n)d版草稿，请核对后发布。") % {"n": version.number}
            )
            return redirect(version)
    return render(
        request,
        "includes/form_page.html",
        {"form": form, "page_title": _("导入统计表（YAML）"), "multipart": True},
    )


@permission_required("tasks.add_task", raise_exception=True)
def issue(request, pk):
    stat_form = get_object_or_404(StatForm.objects.for_user(request.user), pk=pk)
    form = IssueForm(request.POST or None, user=request.user, form=stat_form)
    if request.method == "POST" and form.is_valid():
        try:
            form_task = services.issue(
                form=form,
                user=request.user,
                version=form.cleaned_data["form_version"],
                period=form.chosen_period,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("统计表已下发，各单位可在收件箱中填报。"))
            return redirect(form_task)
    return render(
        request,
        "includes/form_page.html",
        {"form": form, "page_title": _("下发统计表：%(t)s") % {"t": stat_form.title}},
    )


@permission_required("tasks.add_reportingschedule", raise_exception=True)
def schedule(request, pk):
    stat_form = get_object_or_404(StatForm.objects.for_user(request.user), pk=pk)
    form = FormScheduleForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.save_schedule(form=form, user=request.user, stat_form=stat_form)
        messages.success(request, _("报送计划已保存：每期开始时自动下发本统计表。"))
        return redirect(stat_form)
    return render(
        request,
        "includes/form_page.html",
        {"form": form, "page_title": _("定期下发：%(t)s") % {"t": stat_form.title}},
    )


# ---------------------------------------------------------------------------------------------
# Filling and reviewing


def _assignment(request, pk) -> TaskAssignment:
    assignment = get_object_or_404(
        assignments_for(request.user).select_related("task", "unit"), pk=pk
    )
    if not hasattr(assignment.task, "statform"):
        raise Http404
    return assignment


def posted_values(post, fields: list[FormField]) -> tuple[dict, dict]:
    """(values, reasons) as typed on the page."""
    values, reasons = {}, {}
    for item in fields:
        if item.kind == FieldKind.TABLE:
            count = min(_int(post.get(f"rows-{item.code}")), MAX_TABLE_ROWS)
            columns = [c for c, _l, _k in item.column_list()]
            rows = [
                {c: post.get(f"t-{item.code}-{i}-{c}", "").strip()[:200] for c in columns}
                for i in range(1, count + 1)
            ]
            values[item.code] = [r for r in rows if any(r.values())]
        else:
            values[item.code] = post.get(f"f-{item.code}", "").strip()[:300]
            reason = post.get(f"r-{item.code}", "").strip()[:300]
            if reason:
                reasons[item.code] = reason
    return values, reasons


def _int(text) -> int:
    return int(text) if str(text or "").isdigit() and len(str(text)) < 4 else 0


def _items(fields, submission, values, reasons, errors, returned) -> list[dict]:
    """What the page shows per field: the value as typed, its errors, the prefilled value."""
    items = []
    for item in fields:
        entry = {
            "field": item,
            "value": values.get(item.code, ""),
            "errors": errors.get(item.code, []),
            "reason": reasons.get(item.code, ""),
            "reason_errors": errors.get(f"reason.{item.code}", []),
            "prefilled": submission.prefilled.get(item.code),
            "returned": returned.get(item.code, ""),
        }
        if item.kind == FieldKind.TABLE:
            rows = list(values.get(item.code) or [])
            rows += [{}] * max(2, 3 - len(rows))
            entry["columns"] = item.column_list()
            entry["rows"] = [
                {
                    "index": i,
                    "cells": [
                        (c, label, row.get(c, ""), errors.get(f"{item.code}.{i}.{c}", []))
                        for c, label, _k in item.column_list()
                    ],
                }
                for i, row in enumerate(rows, start=1)
            ]
        items.append(entry)
    return items


def submission_page(request, pk):
    assignment = _assignment(request, pk)
    submission = services.submission_for(assignment, request.user)
    if request.method == "POST":
        return _post(request, assignment, submission)
    return _render(request, assignment, submission, submission.values, submission.reasons, {})


def _render(request, assignment, submission, values, reasons, errors, status=200, **extra):
    fields = list(submission.form_task.version.fields.all())
    user = request.user
    steps = ASSIGNMENT.available_names(assignment, user)
    context = {
        "assignment": assignment,
        "submission": submission,
        "form_task": submission.form_task,
        "items": _items(fields, submission, values, reasons, errors, submission.returned_fields),
        "can_fill": services.may_fill(submission, user),
        "can_review": bool(steps & {"accept", "return"}),
        "is_issuer": tasks_for(user).filter(pk=assignment.task_id).exists(),
        "history": ASSIGNMENT.history(assignment),
        "review_form": ReviewForm(),
        "upload_form": UploadForm(),
        "errors": errors,
        **extra,
    }
    return render(request, "statforms/submission.html", context, status=status)


def _post(request, assignment, submission):
    if not request.user.has_perm("statforms.change_submission"):
        raise Http404
    fields = list(submission.form_task.version.fields.all())
    action = request.POST.get("action", "save")
    if action == "upload":
        return _upload(request, assignment, submission)
    values, reasons = posted_values(request.POST, fields)
    try:
        if action == "submit":
            services.submit(
                submission=submission, user=request.user, values=values, reasons=reasons
            )
            messages.success(request, _("已提交，等待发文单位审核。"))
            return redirect("statforms:submission", assignment.pk)
        checked = services.save_draft(
            submission=submission, user=request.user, values=values, reasons=reasons
        )
    except services.FormInvalid as invalid:
        messages.error(request, _("未提交：请按提示修改，已填写的内容已保留。"))
        return _render(
            request, assignment, submission, values, reasons, invalid.checked.errors, status=200
        )
    except WorkflowError as error:
        messages.error(request, str(error))
        return redirect("statforms:submission", assignment.pk)
    messages.success(
        request, _("已暂存，尚未提交。") if checked.ok else _("已暂存；提交前请修改标出的问题。")
    )
    return _render(request, assignment, submission, values, reasons, checked.errors)


def _upload(request, assignment, submission):
    form = UploadForm(request.POST, request.FILES)
    version = submission.form_task.version
    if not form.is_valid():
        messages.error(request, _("请选择填好的 Excel 文件。"))
        return redirect("statforms:submission", assignment.pk)
    values, file_errors = excel_io.read(version, form.cleaned_data["file"])
    if file_errors:  # shown beside the file input; the draft is untouched and shown
        messages.error(request, _("文件未读入，已填写的内容未改动。"))
        for error in file_errors:
            form.add_error(
                "file", str(error.message) if not error.row else f"第{error.row}行：{error.message}"
            )
        return _render(
            request,
            assignment,
            submission,
            submission.values,
            submission.reasons,
            {},
            upload_form=form,
        )
    reasons = submission.reasons
    checked = services.check_only(submission=submission, values=values, reasons=reasons)
    if not checked.ok:
        messages.error(
            request, _("Excel 中有错误，未保存：请按提示修改文件后重新上传，或在此页修改后暂存。")
        )
        return _render(request, assignment, submission, values, reasons, checked.errors)
    with transaction.atomic():
        services.save_draft(
            submission=submission, user=request.user, values=values, reasons=reasons, source="excel"
        )
    messages.success(request, _("已从 Excel 读入并暂存，请核对后提交。"))
    return redirect("statforms:submission", assignment.pk)


@login_required
def template(request, pk):
    assignment = _assignment(request, pk)
    submission = services.submission_for(assignment, request.user)
    version = submission.form_task.version
    book = excel_io.build(version, submission.values, assignment.unit.name)
    name = f"{version.form.title}_{assignment.unit.name}.xlsx"
    return book_response(book, name)


@require_POST
@permission_required("tasks.review_taskassignment", raise_exception=True)
def review(request, pk, decision):
    assignment = _assignment(request, pk)
    submission = services.submission_for(assignment, request.user)
    comment = request.POST.get("comment", "").strip()[:500]
    if decision == "accept":
        with workflow_feedback(request, _("已采纳，数值计入统计指标。")):
            services.accept(submission=submission, user=request.user, comment=comment)
    else:
        codes = submission.form_task.version.fields.values_list("code", flat=True)
        reasons = {code: request.POST.get(f"why-{code}", "")[:300] for code in codes}
        with workflow_feedback(request, _("已退回，并通知该单位修改后重新提交。")):
            services.return_submission(
                submission=submission, user=request.user, field_reasons=reasons, comment=comment
            )
    return redirect("statforms:submission", assignment.pk)


# ---------------------------------------------------------------------------------------------
# Aggregate and figures


@permission_required("statforms.view_formtask", raise_exception=True)
def aggregate(request, pk):
    form_task = get_object_or_404(selectors.form_tasks_for(request.user), pk=pk)
    result = selectors.aggregate(form_task, request.user)
    if request.GET.get("export") == "xlsx":
        headers, rows = selectors.export_rows(result)
        title = f"{form_task.version.form.title}（{form_task.period_label}）"
        # units × items first, then one sheet per table item with every unit's rows
        sheets = [Sheet(title, headers, rows)]
        sheets += [Sheet(*table) for table in selectors.export_tables(result)]
        return sheets_response(f"{title}_{timezone.localdate():%Y%m%d}.xlsx", sheets)
    return render(request, "statforms/aggregate.html", {"result": result, "form_task": form_task})


class FigureListView(ScopedListView):
    """The values a form metric sums (each links to its submission)."""

    model = FigureValue
    template_name = "statforms/figure_list.html"
    filterset_class = FigureFilter
    export_columns = [
        (gettext_lazy("单位"), lambda v: v.unit.name),
        (gettext_lazy("统计表"), lambda v: v.form.title),
        (gettext_lazy("统计期"), lambda v: v.submission.form_task.period_label),
        (gettext_lazy("项目"), lambda v: v.label),
        (gettext_lazy("数值"), lambda v: v.number),
        (gettext_lazy("状态"), lambda v: v.submission.assignment.get_status_display()),
    ]

    def statuses(self) -> list[str]:
        if self.request.GET.get("status") == "received":
            return [AssignmentStatus.SUBMITTED, AssignmentStatus.ACCEPTED]
        return [AssignmentStatus.ACCEPTED]

    def scoped_queryset(self):
        return (
            FigureValue.objects.for_user(self.request.user)
            # 已采纳, unless the filter asks for every received one (a form task's 汇总)
            .filter(submission__assignment__status__in=self.statuses())
            .select_related("unit", "form", "submission__form_task", "submission__assignment")
        )

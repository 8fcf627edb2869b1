from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from luoshi.core.excel import model_columns
from luoshi.core.views import (
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    workflow_feedback,
)
from luoshi.core.workflow import WorkflowError
from luoshi.reports import selectors, services
from luoshi.reports.filters import ReportFilter
from luoshi.reports.forms import ReportForm
from luoshi.reports.models import Report, ReportStatus
from luoshi.reports.workflow import REPORT_FLOW

SCRIPTS = {"simplified": gettext_lazy("简体"), "traditional": gettext_lazy("繁体")}


class ReportPageMixin:
    model = Report
    list_url_name = "reports:report_list"

    readable = staticmethod(selectors.reports_for)


class ReportListView(ReportPageMixin, ScopedListView):
    template_name = "reports/report_list.html"
    filterset_class = ReportFilter
    export_columns = model_columns(Report, "title unit year kind status")


class ReportCreateView(ReportPageMixin, ScopedCreateView):
    form_class = ReportForm
    page_title = gettext_lazy("生成报告")
    success_message = gettext_lazy("已按台账数据生成报告初稿，请逐节修改后定稿。")

    def save(self, form):
        data = form.cleaned_data
        return services.create_report(
            user=self.request.user,
            unit=data["unit"],
            year=data["year"],
            kind=data["kind"],
            subtree=data["subtree"],
            plans_input=data["plans_input"],
        )

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except services.ReportError as error:  # no records for that year: said beside the form
            form.add_error(None, str(error))
            return self.form_invalid(form)

    def get_success_url(self):
        return self.object.get_absolute_url()


class ReportDetailView(ReportPageMixin, ScopedDetailView):
    template_name = "reports/report_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.object
        versions = list(report.versions.select_related("created_by").order_by("-number"))
        latest = versions[0]
        version = latest
        if self.request.GET.get("version"):
            version = next(  # an unknown number → 404
                (v for v in versions if str(v.number) == self.request.GET["version"]), None
            )
            if version is None:
                raise Http404
        script = self.request.GET.get("script", "simplified")
        script = script if script in SCRIPTS else "simplified"
        user = self.request.user
        editable = (
            version == latest
            and report.status == ReportStatus.DRAFT
            and user.has_perm("reports.change_report")
            and script == "simplified"
        )
        context.update(
            version=version,
            latest=latest,
            versions=versions,
            sections=selectors.editor_sections(version, script=script),
            data_check=selectors.data_check(version),
            editable=editable,
            script=script,
            scripts=SCRIPTS,
            steps=REPORT_FLOW.available(report, user),
            edited=[s for s in latest.content.get("sections", []) if s.get("edited")],
            history=REPORT_FLOW.history(report),
        )
        return context


def _report(request, pk):
    return get_object_or_404(Report.objects.for_user(request.user), pk=pk)


def _base(request) -> int:
    try:
        return int(request.POST.get("base", ""))
    except ValueError:
        return -1


@login_required
@permission_required("reports.change_report", raise_exception=True)
@require_POST
def edit_section(request, pk, key):
    report = _report(request, pk)
    try:
        version = services.save_section(
            report,
            user=request.user,
            key=key,
            text=request.POST.get("text", ""),
            base=_base(request),
        )
    except WorkflowError as error:
        if request.headers.get("HX-Request"):
            return HttpResponse(
                format_html(
                    '<div class="alert alert-danger" data-testid="section-error">{}</div>', error
                ),
                status=409,
            )
        messages.error(request, str(error))
        return redirect(report)
    if request.headers.get("HX-Request"):
        section = next(s for s in selectors.editor_sections(version) if s["key"] == key)
        return render(
            request,
            "reports/report_section.html",
            {
                "section": section,
                "report": report,
                "version": version,
                "editable": True,
                "saved": True,
            },
        )
    messages.success(request, _("已保存为第%(n)d版。") % {"n": version.number})
    return redirect(report)


@login_required
@permission_required("reports.change_report", raise_exception=True)
@require_POST
def regenerate(request, pk):
    report = _report(request, pk)
    overwrite = set(request.POST.getlist("overwrite"))
    with workflow_feedback(request):
        version, kept = services.regenerate(
            report, user=request.user, overwrite=overwrite, base=_base(request)
        )
        if kept:
            messages.warning(
                request,
                _("已按最新台账重新生成（第%(n)d版）；%(k)d 个人工修改过的章节保留原文。")
                % {"n": version.number, "k": len(kept)},
            )
        else:
            messages.success(
                request, _("已按最新台账重新生成（第%(n)d版）。") % {"n": version.number}
            )
    return redirect(report)


@login_required
@require_POST
def report_step(request, pk, step):
    report = _report(request, pk)
    if step == "finalize":
        with workflow_feedback(request, _("报告已定稿，当前版本已锁定。")):
            services.finalize(report, user=request.user)
    elif step == "reopen":
        with workflow_feedback(request, _("已另起新稿，可继续修改。")):
            services.reopen(report, user=request.user, comment=request.POST.get("comment", ""))
    else:
        raise Http404
    return redirect(report)


@login_required
def download(request, pk, fmt):
    report = _report(request, pk)
    if fmt not in ("docx", "pdf"):
        raise Http404
    script = request.GET.get("script", "simplified")
    if script not in SCRIPTS:
        raise Http404
    version = report.latest_version
    if request.GET.get("version"):
        if not request.GET["version"].isdigit():
            raise Http404
        version = get_object_or_404(report.versions, number=request.GET["version"])
    try:
        data = services.render(version.content, fmt=fmt, script=script)
    except NotImplementedError:
        messages.error(request, _("文档排版功能尚未启用，暂不能下载。"))
        return redirect(report)
    types = {
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "pdf": "application/pdf",
    }
    response = HttpResponse(data, content_type=types[fmt])
    name = quote(f"{report.title}_v{version.number}.{fmt}")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response

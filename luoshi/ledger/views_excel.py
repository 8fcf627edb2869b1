"""Excel template download and import of ledger records (built on luoshi.core.excel_import)."""

from pathlib import Path

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from luoshi.audit.signals import client_ip
from luoshi.core import background
from luoshi.core.excel import book_response
from luoshi.core.excel_import import DEFAULT_MAX_ROWS, shown_errors
from luoshi.core.forms import ExcelFileField
from luoshi.core.views import ScopedMixin
from luoshi.ledger import importing
from luoshi.ledger.models import ActivityType, LedgerRecord


class LedgerImportForm(forms.Form):
    activity_type = forms.ModelChoiceField(
        label=gettext_lazy("活动类型"), queryset=ActivityType.objects.filter(is_active=True)
    )
    file = ExcelFileField(
        help_text=gettext_lazy("请使用下载的该活动类型导入模板（.xlsx），最大 10 MB")
    )

    duplicates = forms.ChoiceField(
        label=gettext_lazy("遇到重复记录"),
        choices=importing.Duplicates.choices,
        initial=importing.Duplicates.REFUSE,
        required=False,
        help_text=gettext_lazy("同一单位、活动类型、日期和标题的记录已录入过时"),
    )


class LedgerTemplateView(ScopedMixin, View):
    model = LedgerRecord
    action = "add"

    def get(self, request, type_code):
        activity_type = get_object_or_404(ActivityType, code=type_code, is_active=True)
        book = importing.template_workbook(user=request.user, activity_type=activity_type)
        return book_response(book, importing.template_filename(activity_type))


class LedgerImportView(ScopedMixin, background.UploadJobMixin, View):
    """Cheap checks on the upload here; the parse and the write in the background."""

    model = LedgerRecord
    action = "add"
    template_name = "ledger/import.html"
    job_kind = "ledger.excel"

    def get(self, request):
        initial = {}
        type_code = request.GET.get("type")
        if type_code:
            initial["activity_type"] = ActivityType.objects.filter(
                code=type_code, is_active=True
            ).first()
        return self.render(LedgerImportForm(initial=initial))

    def bound_form(self):
        return LedgerImportForm(self.request.POST, self.request.FILES)

    def job_params(self, form):
        return {
            "activity_type": form.cleaned_data["activity_type"].pk,
            "duplicates": form.cleaned_data["duplicates"] or importing.Duplicates.REFUSE,
            "ip": client_ip(self.request),
        }

    def render(self, form, errors=()):
        context = {
            "form": form,
            "activity_types": ActivityType.objects.filter(is_active=True),
            **shown_errors(errors),
            "max_rows": DEFAULT_MAX_ROWS,
        }
        return render(self.request, self.template_name, context)


class LedgerImportRepeatsView(ScopedMixin, View):
    """A file refused only for repeating records: import it again, skipping them or keeping
    them, from the copy the job kept (the user does not upload it again)."""

    model = LedgerRecord
    action = "add"

    def post(self, request, pk):
        job = get_object_or_404(
            background.ImportJob,
            pk=pk,
            user=request.user,
            kind="ledger.excel",
            status=background.ImportJob.Status.DONE,
        )
        choice = request.POST.get("duplicates")
        if choice not in (importing.Duplicates.SKIP, importing.Duplicates.KEEP):
            return redirect("job", pk=job.pk)
        result = job.result or {}
        retry_file = result.get("retry_file") or ""
        # the copy is used once; a second click finds it gone
        background.ImportJob.objects.filter(pk=job.pk).update(result={**result, "retry_file": ""})
        if not retry_file or not Path(retry_file).exists():
            messages.error(request, _("该文件已处理或已过期，请重新上传。"))
            return redirect(
                f"{reverse('ledger:import')}?type={result.get('activity_type_code', '')}"
            )
        return background.started(
            request,
            "ledger.excel",
            file=retry_file,
            params={**job.params, "duplicates": choice, "ip": client_ip(request)},
            message=_("正在按您的选择重新导入。"),
        )

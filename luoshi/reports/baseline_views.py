"""往年报告导入: upload → preview (nothing saved) → confirm → Baseline; list and detail."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from luoshi.core.views import (
    ScopedDeleteView,
    ScopedDetailView,
    ScopedListView,
    form_errors_to_messages,
)

from .baseline_forms import BaselineConfirmForm, BaselineUploadForm, sign_payload
from .baselines import baselines_for_user, delete_baseline, save_baseline
from .models import Baseline


class BaselineListView(ScopedListView):
    model = Baseline
    template_name = "reports/baseline_list.html"

    readable = staticmethod(baselines_for_user)


class BaselineDetailView(ScopedDetailView):
    model = Baseline
    template_name = "reports/baseline_detail.html"
    list_url_name = "reports:baseline_list"


class BaselineDeleteView(ScopedDeleteView):
    model = Baseline
    template_name = "reports/baseline_confirm_delete.html"
    list_url_name = "reports:baseline_list"

    def delete_object(self, obj):
        delete_baseline(baseline=obj, user=self.request.user)

    def get_success_url(self):
        return reverse("reports:baseline_list")

    def get_protected_url(self):
        return reverse("reports:baseline_detail", args=[self.object.pk])


class BaselineImportView(PermissionRequiredMixin, View):
    """GET: the upload form. POST: parse and show the preview with the confirm form."""

    permission_required = "reports.add_baseline"
    template_name = "reports/baseline_import.html"
    preview_template = "reports/baseline_preview.html"

    def get(self, request):
        return render(request, self.template_name, {"form": BaselineUploadForm(user=request.user)})

    def post(self, request):
        form = BaselineUploadForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        parsed = form.parsed
        source_name = form.cleaned_data["file"].name[:255]
        confirm = BaselineConfirmForm(
            user=request.user,
            initial={
                "payload": sign_payload(parsed, source_name),
                "unit": form.cleaned_data["unit"].pk,
                "year": form.cleaned_data["year"] or parsed["year"],
                "kind": parsed["kind"],
            },
        )
        context = {"parsed": parsed, "form": confirm, "source_name": source_name}
        return render(request, self.preview_template, context)


class BaselineConfirmView(PermissionRequiredMixin, View):
    permission_required = "reports.add_baseline"

    def post(self, request):
        form = BaselineConfirmForm(request.POST, user=request.user)
        if not form.is_valid():
            if "payload" in form.errors:
                form_errors_to_messages(request, form)
                return redirect("reports:baseline_import")
            payload = form.cleaned_data["payload"]
            context = {
                "parsed": payload["parsed"],
                "form": form,
                "source_name": payload["source_name"],
            }
            return render(request, "reports/baseline_preview.html", context, status=400)
        payload = form.cleaned_data["payload"]
        try:
            baseline = save_baseline(
                unit=form.cleaned_data["unit"],
                year=form.cleaned_data["year"],
                kind=form.cleaned_data["kind"],
                parsed=payload["parsed"],
                user=request.user,
                source_name=payload["source_name"],
                replace=form.cleaned_data["replace"],
                subtree=form.cleaned_data["subtree"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
            context = {
                "parsed": payload["parsed"],
                "form": form,
                "source_name": payload["source_name"],
            }
            return render(request, "reports/baseline_preview.html", context, status=400)
        messages.success(request, _("已保存往年报告基线：%(b)s") % {"b": baseline})
        return redirect("reports:baseline_detail", pk=baseline.pk)

"""Export form → download; upload → validation report (dry run) → confirm → result."""

import tempfile

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from luoshi.core import background
from luoshi.core.client_address import client_address
from luoshi.exchange import uploads
from luoshi.exchange.export import default_filename
from luoshi.exchange.forms import ExportForm, ImportForm
from luoshi.exchange.services import (
    export_package,
    exportable_units,
    importable_parents,
)

SESSION_KEY = "exchange_upload"


def _int(value: str) -> int:
    return int(value) if value.isdigit() else 0


class ExportView(PermissionRequiredMixin, View):
    permission_required = "exchange.export_package"

    def get(self, request):
        form = ExportForm(user=request.user)
        return render(request, "exchange/export.html", {"form": form})

    def post(self, request):
        # An out-of-scope unit does not exist for this user: 404, not a form error.
        unit_id = request.POST.get("unit", "")
        unit = get_object_or_404(exportable_units(request.user), pk=_int(unit_id))
        form = ExportForm(request.POST, user=request.user)
        if not form.is_valid():
            return render(request, "exchange/export.html", {"form": form})
        year, subtree = form.cleaned_data["year"], form.cleaned_data["subtree"]
        out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
        export_package(
            root=unit,
            year=year,
            subtree=subtree,
            out=out,
            user=request.user,
            ip=client_address(request),
        )
        out.seek(0)
        return FileResponse(out, as_attachment=True, filename=default_filename(unit, year, subtree))


class ImportView(PermissionRequiredMixin, View):
    permission_required = "exchange.import_package"

    def get(self, request):
        return render(request, "exchange/import.html", {"form": ImportForm(user=request.user)})

    def post(self, request):
        parent_id = request.POST.get("parent")
        if parent_id:
            get_object_or_404(importable_parents(request.user), pk=_int(parent_id))
        form = ImportForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return render(request, "exchange/import.html", {"form": form})
        uploads.discard((request.session.get(SESSION_KEY) or {}).get("token", ""))
        token = uploads.save(form.cleaned_data["package"])
        parent = form.cleaned_data["parent"]
        params = {"stage": "check", "token": token, "parent": parent.pk if parent else None}
        response = background.started(
            request, "exchange.check", file=uploads.path_for(token), params=params
        )
        request.session[SESSION_KEY] = {"token": token, "parent": params["parent"]}
        return response


class ImportConfirmView(PermissionRequiredMixin, View):
    permission_required = "exchange.import_package"

    def post(self, request):
        pending = _pending(request)
        parent = None
        if pending.get("parent"):
            parent = get_object_or_404(importable_parents(request.user), pk=pending["parent"])
        path = uploads.path_for(pending["token"])
        if path is None:
            raise Http404(_("没有待确认的数据包"))
        del request.session[SESSION_KEY]
        params = {
            "stage": "import",
            "token": pending["token"],
            "parent": parent.pk if parent else None,
            "ip": client_address(request),
        }
        return background.started(request, "exchange.import", file=path, params=params)

    def get(self, request):
        return redirect("exchange:import")


def _pending(request) -> dict:
    """The session's package awaiting confirmation, named by the posted token; else 404."""
    pending = request.session.get(SESSION_KEY) or {}
    token = request.POST.get("token", "")
    if not token or pending.get("token") != token:
        raise Http404(_("没有待确认的数据包"))
    return pending


class ImportCancelView(PermissionRequiredMixin, View):
    """取消: the uploaded package is deleted at once."""

    permission_required = "exchange.import_package"

    def post(self, request):
        uploads.discard(_pending(request)["token"])
        del request.session[SESSION_KEY]
        messages.info(request, _("已取消导入，上传的数据包已删除。"))
        return redirect("exchange:import")

    def get(self, request):
        return redirect("exchange:import")

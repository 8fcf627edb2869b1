"""Excel template download and import of ledger records (built on luoshi.core.excel_import)."""

from django.http import HttpResponse
from django.views import View

from luoshi.core.views import ScopedMixin
from luoshi.ledger.models import LedgerRecord


class LedgerTemplateView(ScopedMixin, View):
    model = LedgerRecord
    action = "add"

    def get(self, request, type_code):
        return HttpResponse("TODO", status=501)


class LedgerImportView(ScopedMixin, View):
    model = LedgerRecord
    action = "add"

    def get(self, request):
        return HttpResponse("TODO", status=501)

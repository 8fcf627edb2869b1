"""Download a printable document (.docx by default, ``?format=pdf``; ``?script=traditional``
for 繁體) of one record the user may see: outside the data scope is a 404, as everywhere."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from django.http import Http404, HttpResponse
from django.views import generic

from luoshi.core.views import ScopedMixin
from luoshi.duty.models import DutyList
from luoshi.events.models import EventFiling
from luoshi.inspections.models import InspectionResult, ResultStatus
from luoshi.printing.documents import duty_letter, event_filing, rectification_notice, review_sheet
from luoshi.publications.models import Publication
from luoshi.reports import rendering
from luoshi.reports.document import Document

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
SCRIPTS = ("simplified", "traditional")


class PrintView(ScopedMixin, generic.detail.SingleObjectMixin, generic.View):
    build: Callable[..., Document]
    name = ""  # the document's kind, in the file name

    def printable(self, obj) -> bool:
        return True

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        fmt = request.GET.get("format", "docx")
        script = request.GET.get("script", "simplified")
        if fmt not in CONTENT_TYPES or script not in SCRIPTS or not self.printable(obj):
            raise Http404
        document = type(self).build(obj)
        if fmt == "docx":
            data = rendering.render_docx(document, script=script)
        else:
            data = rendering.render_pdf(document, script=script)
        response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
        filename = quote(f"{self.name}_{obj.unit.display_name}_{obj.pk}.{fmt}")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
        return response


class DutyLetterView(PrintView):
    model = DutyList
    build = duty_letter.build
    name = "责任书"


class ReviewSheetView(PrintView):
    model = Publication
    build = review_sheet.build
    name = "三审审签单"


class EventFilingView(PrintView):
    model = EventFiling
    build = event_filing.build
    name = "备案表"


class RectificationNoticeView(PrintView):
    model = InspectionResult
    build = rectification_notice.build
    name = "整改通知书"

    def printable(self, obj) -> bool:
        """Only a result fed back with problems found has a notice to send."""
        return obj.status == ResultStatus.RECORDED and obj.findings.exists()

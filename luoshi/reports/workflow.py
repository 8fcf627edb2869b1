"""报告定稿: draft → final (locks the latest version); final → draft only by starting a new
draft explicitly (the finalized version stays as it was)."""

from django.utils.translation import gettext_lazy as _

from luoshi.core.workflow import Transition, Workflow
from luoshi.reports.models import ReportStatus

REPORT_FLOW = Workflow(
    "reports.report",
    states=ReportStatus,
    transitions=[
        Transition(
            "finalize",
            _("定稿"),
            source=ReportStatus.DRAFT,
            target=ReportStatus.FINAL,
            permission="reports.finalize_report",
            confirm=_("定稿后报告锁定，不能再修改或重新生成；确定定稿吗？"),
        ),
        Transition(
            "reopen",
            _("另起新稿"),
            source=ReportStatus.FINAL,
            target=ReportStatus.DRAFT,
            permission="reports.change_report",
        ),
    ],
)

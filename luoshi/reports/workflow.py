"""报告定稿: draft → final (locks the latest version); final → draft only by starting a new
draft explicitly (the finalized version stays as it was).

定稿 is a leader's decision, so undoing it is one too: 另起新稿 needs the same permission as
定稿 (``reports.finalize_report``: 领导, 单位管理员 — never a 录入员) and a reason, which the
step keeps in the report's history (who, when, why). The finalized version itself is never
changed: the new draft is a new version beside it."""

from django.utils.translation import gettext_lazy as _

from luoshi.core.workflow import Workflow, taken_by
from luoshi.reports.models import Report, ReportStatus

finalizer = taken_by("reports.finalize_report")

REPORT_FLOW = Workflow(
    "reports.report",
    model=Report,
    frozen=[ReportStatus.FINAL],
    transitions=[
        finalizer(
            "finalize",
            _("定稿"),
            ReportStatus.DRAFT,
            ReportStatus.FINAL,
            confirm=_("定稿后报告锁定，不能再修改或重新生成；确定定稿吗？"),
        ),
        finalizer(
            "reopen", _("另起新稿"), ReportStatus.FINAL, ReportStatus.DRAFT, comment_required=True
        ),
    ],
)

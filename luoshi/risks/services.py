"""Writes of the risk module. Risk status goes through ``workflow.RISK_FLOW``; a campaign
submission goes through the task assignment's own workflow (``tasks.services.submit``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.core.history import written_by
from luoshi.core.workflow import WorkflowError
from luoshi.evidence import services as evidence_services
from luoshi.ledger import services as ledger_services
from luoshi.ledger.models import ActivityType
from luoshi.notices.services import notify
from luoshi.risks.models import BUSINESS_LINE, AnalysisMeeting, Campaign, RiskPoint, Screening
from luoshi.risks.workflow import RISK_FLOW
from luoshi.tasks import services as task_services
from luoshi.tasks.models import AssignmentStatus, Task

SCREENING_DUTY_ITEM = "risk_screening"
ANALYSIS_ACTIVITY = "analysis"


# ---------------------------------------------------------------------------------------------
# Risk points


@transaction.atomic
def register_risk(*, risk: RiskPoint, user, files=()) -> RiskPoint:
    """Save a new risk point (unsaved instance, e.g. ``form.save(commit=False)``)."""
    if risk.screening is not None and risk.screening.is_completed:
        raise WorkflowError(_("该排查已提交，不能再登记风险点。"))
    risk.created_by = user
    written_by(risk, user)
    risk.save()
    for uploaded in files:
        evidence_services.attach_file(owner=risk, uploaded=uploaded, user=user)
    if risk.owner_id and risk.owner_id != user.pk:
        notify(
            [risk.owner],
            title=_("您被指定为风险点的责任人：%(risk)s") % {"risk": risk},
            url=risk.get_absolute_url(),
            dedupe_key=f"risk-owner:{risk.pk}:{risk.owner_id}",
        )
    return risk


@transaction.atomic
def update_risk(*, form, user) -> RiskPoint:
    risk = form.save(commit=False)
    written_by(risk, user)
    risk.save()
    return risk


def take_step(*, risk: RiskPoint, step: str, user, comment: str = ""):
    """识别 → 管控中 → 已化解 / 长期管控; out of order refused with a Chinese message."""
    return RISK_FLOW.apply(risk, step, user=user, comment=comment)


# ---------------------------------------------------------------------------------------------
# Campaigns and screenings


@transaction.atomic
def launch_campaign(*, form, user) -> Campaign:
    """Issue the campaign as a task to the chosen subtree, one self-check per unit."""
    data = form.cleaned_data
    issuing_unit = data["unit"]
    recipients = task_services.resolve_recipients(
        issuing_unit=issuing_unit,
        subtree_root=data["subtree_root"],
        direct_only=data.get("direct_only", False),
        user=user,
        line=BUSINESS_LINE,
    )
    if not recipients:
        raise ValidationError(
            _("没有符合条件的接收单位：接收单位须是发起单位的下级单位或其业务指导范围内的单位。")
        )
    task = Task.objects.create(
        unit=issuing_unit,
        created_by=user,
        title=data["title"],
        requirements=data["requirements"],
        deadline=data["deadline"],
        evidence_required=False,
        duty_item_code=SCREENING_DUTY_ITEM,
        business_line=BUSINESS_LINE,
        subtree_root=data["subtree_root"],
        direct_only=data.get("direct_only", False),
    )
    task_services._create_assignments(task, recipients, user)
    campaign = Campaign.objects.create(
        unit=issuing_unit, created_by=user, task=task, checklist=data["checklist"]
    )
    Screening.objects.bulk_create(
        Screening(
            unit_id=assignment.unit_id,
            created_by=user,
            campaign=campaign,
            assignment=assignment,
            title=task.title,
        )
        for assignment in task.assignments.all()
    )
    task_services._notify_new_task(task)
    return campaign


@transaction.atomic
def start_screening(*, form, user) -> Screening:
    """A screening the unit starts on its own initiative (no campaign)."""
    screening = form.save(commit=False)
    screening.created_by = user
    screening.save()
    return screening


def save_results(
    *, screening: Screening, results: dict, no_risk_declared: bool, reason: str, summary: str
):
    if screening.is_completed:
        raise WorkflowError(_("该排查已提交，不能再修改。"))
    screening.results = results
    screening.no_risk_declared = no_risk_declared
    screening.no_risk_reason = (reason or "").strip()
    screening.summary = (summary or "").strip()
    screening.save(
        update_fields=["results", "no_risk_declared", "no_risk_reason", "summary", "updated_at"]
    )


def check_complete(screening: Screening) -> None:
    """Raise ``WorkflowError`` (Chinese) unless the self-check can be submitted."""
    missing = [item for item in screening.checklist_items() if item not in screening.results]
    if missing:
        raise WorkflowError(
            _("请完成排查清单的全部自查项（尚有 %(n)d 项未填）。") % {"n": len(missing)}
        )
    has_risks = screening.risks.exists()
    if screening.no_risk_declared:
        if has_risks:
            raise WorkflowError(_("已登记风险点，不能同时声明未发现风险点。"))
        if not screening.no_risk_reason:
            raise WorkflowError(_("声明未发现风险点须填写说明理由。"))
    elif not has_risks:
        raise WorkflowError(_("请登记排查发现的风险点，或声明未发现风险点并说明理由。"))


def _response_text(screening: Screening) -> str:
    risks = list(screening.risks.select_related("area", "level"))
    if risks:
        lines = [_("排查发现风险点 %(n)d 个：") % {"n": len(risks)}]
        lines += [f"{i}. 【{r.level}】{r.area}：{r}" for i, r in enumerate(risks, start=1)]
    else:
        lines = [_("未发现风险点。理由：%(reason)s") % {"reason": screening.no_risk_reason}]
    if screening.summary:
        lines.append(screening.summary)
    return "\n".join(lines)


@transaction.atomic
def submit_screening(*, screening: Screening, user):
    """Submit the self-check: through the task's workflow for a campaign, else complete it."""
    assignment = screening.assignment
    if screening.is_completed and (
        assignment is None or assignment.status != AssignmentStatus.RETURNED
    ):
        raise WorkflowError(_("该排查已提交。"))
    check_complete(screening)
    if assignment is not None:
        task_services.submit(assignment=assignment, user=user, response=_response_text(screening))
    elif user.unit_id != screening.unit_id:
        raise WorkflowError(_("只有本单位人员可以提交本单位的排查。"))
    screening.completed_at = timezone.now()
    screening.completed_by = user
    screening.save(update_fields=["completed_at", "completed_by", "updated_at"])
    return screening


def reopen_if_returned(screening: Screening) -> None:
    """After the launcher returns a submission the unit may edit and resubmit it."""
    assignment = screening.assignment
    if (
        screening.completed_at
        and assignment is not None
        and assignment.status == AssignmentStatus.RETURNED
    ):
        screening.completed_at = None
        screening.save(update_fields=["completed_at", "updated_at"])


# ---------------------------------------------------------------------------------------------
# 分析研判 meetings


@transaction.atomic
def record_meeting(*, meeting: AnalysisMeeting, risks=(), user, files=()) -> AnalysisMeeting:
    """Save the meeting (unsaved instance) and its one ledger record (activity type 分析研判)."""
    meeting.created_by = user
    written_by(meeting, user)
    record = ledger_services.record_activity(
        unit=meeting.unit,
        activity_type=ActivityType.objects.get(code=ANALYSIS_ACTIVITY),
        date=meeting.date,
        title=meeting.title,
        user=user,
        summary=_meeting_summary(meeting),
        outcome=meeting.conclusions,
    )
    meeting.ledger_record = record
    meeting.save()
    meeting.risks.set(risks)
    for uploaded in files:
        evidence_services.attach_file(owner=meeting, uploaded=uploaded, user=user)
    return meeting


@transaction.atomic
def update_meeting(*, form, user) -> AnalysisMeeting:
    meeting = form.save(commit=False)
    written_by(meeting, user)
    meeting.save()
    form.save_m2m()
    record = meeting.ledger_record
    if record is not None:
        record.date, record.title = meeting.date, meeting.title[:200]
        record.summary, record.outcome = _meeting_summary(meeting), meeting.conclusions
        written_by(record, user)
        record.save()
    return meeting


def _meeting_summary(meeting: AnalysisMeeting) -> str:
    parts = [_("参会人员：%(a)s") % {"a": meeting.attendees.strip()}]
    if meeting.situation:
        parts.append(meeting.situation.strip())
    return "\n".join(parts)

"""Writes of 任务交办 / 信息报送. Every status change goes through ``workflow.ASSIGNMENT``."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.audit.services import log_change
from luoshi.core import parameters, rollups
from luoshi.core.scope import reach_q
from luoshi.core.workflow import WorkflowError
from luoshi.evidence import services as evidence_services
from luoshi.evidence.selectors import has_current_evidence
from luoshi.notices.models import Notice
from luoshi.notices.services import notify
from luoshi.tasks.models import (
    BUSINESS_LINE,
    OPEN_STATUSES,
    AssignmentStatus,
    ReportingSchedule,
    Task,
    TaskAssignment,
)
from luoshi.tasks.periods import period_of
from luoshi.tasks.selectors import submitters_of
from luoshi.tasks.workflow import ASSIGNMENT
from luoshi.units.models import Unit

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------------------------------------
# Recipients


def resolve_recipients(
    *,
    issuing_unit: Unit,
    units=(),
    subtree_root=None,
    direct_only=False,
    user=None,
    line: str = BUSINESS_LINE,
):
    """The units a task goes to: the chosen ones plus the subtree's, never the issuer itself,
    never an inactive unit, never a unit outside the issuer's subtree unless the issuer
    directs it along ``line`` (业务指导范围); with ``user``, only units the user reaches
    (data scope, or authority of the user's own unit)."""
    chosen = {u.pk for u in units}
    if subtree_root is not None:
        below = Unit.objects.filter(path__startswith=subtree_root.path)
        if direct_only:
            below = below.filter(depth=subtree_root.depth + 1)
        chosen |= set(below.values_list("pk", flat=True))
    candidates = Unit.objects.within_reach(user, line) if user is not None else Unit.objects.all()
    reach = reach_q(issuing_unit, Unit.scope_spec, line, user=user)
    return list(
        candidates.filter(reach, pk__in=chosen, is_active=True)
        .exclude(pk=issuing_unit.pk)
        .order_by("path")
    )


def _create_assignments(task: Task, recipients, user) -> int:
    existing = set(task.assignments.values_list("unit_id", flat=True))
    new = [
        TaskAssignment(task=task, unit=unit, created_by=user)
        for unit in recipients
        if unit.pk not in existing
    ]
    TaskAssignment.objects.bulk_create(new)
    rollups.added(TaskAssignment, [assignment.pk for assignment in new])  # no signal in bulk
    return len(new)


# ---------------------------------------------------------------------------------------------
# Issuing


@transaction.atomic
def issue_task(*, form, user, files=()) -> Task:
    """Save a task form (recipients chosen in the form) and create one assignment per unit."""
    task = form.save(commit=False)
    task.created_by = user
    recipients = form.recipients  # resolved and checked by the form
    if not recipients:
        raise ValidationError(_("没有符合条件的接收单位：接收单位须是发文单位的下级单位。"))
    task.save()
    form.save_m2m()
    _create_assignments(task, recipients, user)
    for uploaded in files:
        evidence_services.attach_file(owner=task, uploaded=uploaded, user=user)
    _notify_new_task(task)
    return task


def _notify_new_task(task: Task) -> None:
    for assignment in task.assignments.select_related("unit"):
        notify(
            submitters_of([assignment.unit_id]),
            title=_("新任务：%(title)s（截止 %(deadline)s）")
            % {"title": task.title, "deadline": f"{task.deadline:%Y-%m-%d}"},
            url=assignment.get_absolute_url(),
            kind=Notice.Kind.INFO,
            dedupe_key=f"task-new:{assignment.pk}",
        )


def submitted_units(task: Task) -> list[str]:
    """The units that have reported on ``task`` (once submitted, a report stays reported
    even after a return or recall of a resubmission)."""
    reported = task.assignments.exclude(
        status=AssignmentStatus.PENDING, first_submitted_at__isnull=True
    ).exclude(status=AssignmentStatus.WITHDRAWN)
    return list(reported.order_by("unit__path").values_list("unit__name", flat=True))


def refuse_once_reported(task: Task, action: str) -> None:
    """Withdrawing or editing an issued task is for before any unit reports on it."""
    if task.withdrawn_at is not None:
        raise WorkflowError(_("该任务已撤回。"))
    units = submitted_units(task)
    if units:
        shown = "、".join(units[:3]) + (_("等") if len(units) > 3 else "")
        raise WorkflowError(
            _("%(units)s已报送（共 %(n)d 个单位），不能再%(action)s该任务；如需调整，请另行交办。")
            % {"units": shown, "n": len(units), "action": action}
        )


@transaction.atomic
def edit_task(*, form, user) -> Task:
    """Save an edit of an issued task's content, only while no unit has reported; the
    recipients are told, and the change is in the operation log."""
    task = form.instance
    refuse_once_reported(task, _("修改"))
    task = form.save()  # the operation log records the changed fields (audit.tracking)
    refuse_once_reported(task, _("修改"))  # a report that came in meanwhile rolls it back
    for assignment in task.assignments.all():
        notify(
            submitters_of([assignment.unit_id]),
            title=_("任务已修改：%(title)s（截止 %(deadline)s）")
            % {"title": task.title, "deadline": f"{task.deadline:%Y-%m-%d}"},
            url=assignment.get_absolute_url(),
            dedupe_key=f"task-edited:{task.pk}:{task.version}:{assignment.pk}",
        )
    return task


@transaction.atomic
def withdraw_task(*, task: Task, user) -> int:
    """撤回 an issued task before any unit has reported: every assignment takes the
    ``withdraw`` step (all or none: a report that comes in meanwhile refuses the lot)."""
    refuse_once_reported(task, _("撤回"))
    assignments = list(task.assignments.select_related("unit").order_by("unit__path"))
    for assignment in assignments:
        assignment.task = task
        try:
            ASSIGNMENT.apply(assignment, "withdraw", user=user)
        except WorkflowError as error:
            raise WorkflowError(
                _("%(unit)s：%(error)s 任务未撤回。")
                % {"unit": assignment.unit.name, "error": error}
            ) from error
    task.withdrawn_at = timezone.now()
    Task.objects.filter(pk=task.pk).update(withdrawn_at=task.withdrawn_at)
    log_change(task, [{"field": _("状态"), "old": _("已下发"), "new": _("已撤回")}], user=user)
    for assignment in assignments:
        notify(
            submitters_of([assignment.unit_id]),
            title=_("任务已撤回：%(title)s，无需办理") % {"title": task.title},
            url=assignment.get_absolute_url(),
            dedupe_key=f"task-withdrawn:{assignment.pk}",
        )
    return len(assignments)


# ---------------------------------------------------------------------------------------------
# Submitting and reviewing


def submit(*, assignment: TaskAssignment, user, response: str, files=()):
    """Submit (or resubmit after a return) the unit's response with evidence.

    If the task requires evidence and there is none, nothing changes: ``WorkflowError``.
    """
    name = "resubmit" if assignment.status == AssignmentStatus.RETURNED else "submit"
    response = (response or "").strip()
    if not response:
        raise WorkflowError(_("请填写办理情况。"))
    if assignment.task.evidence_required and not files and not has_current_evidence(assignment):
        raise WorkflowError(_("该任务要求上传佐证材料，请上传后再提交。"))
    now = timezone.now()
    changes = {"response": response, "submitted_at": now, "submitted_by": user}
    if assignment.first_submitted_at is None:
        changes["first_submitted_at"] = now
    with transaction.atomic():
        step = ASSIGNMENT.apply(assignment, name, user=user, **changes)
        for uploaded in files:
            evidence_services.attach_file(owner=assignment, uploaded=uploaded, user=user)
    task = assignment.task
    if task.created_by_id:
        notify(
            [task.created_by],
            title=_("%(unit)s已提交「%(title)s」")
            % {"unit": assignment.unit.name, "title": task.title},
            url=assignment.get_absolute_url(),
            dedupe_key=f"task-submitted:{step.pk}",
        )
    return step


def recall(*, assignment: TaskAssignment, user):
    """撤回 a submitted report before it is reviewed: back to 待办 to change it. A first
    report taken back was never reported (its date goes); after a return the first report
    stands, so the timeliness of the unit does not change."""
    returned_before = ASSIGNMENT.history(assignment).filter(transition="return").exists()
    changes: dict[str, Any] = {} if returned_before else {"first_submitted_at": None}
    return ASSIGNMENT.apply(assignment, "recall", user=user, **changes)


def accept(*, assignment: TaskAssignment, user, comment: str = ""):
    step = ASSIGNMENT.apply(
        assignment, "accept", user=user, comment=comment, accepted_at=timezone.now()
    )
    notify(
        submitters_of([assignment.unit_id]),
        title=_("「%(title)s」的报送已被采纳") % {"title": assignment.task.title},
        url=assignment.get_absolute_url(),
        kind=Notice.Kind.ACCEPTED,
        dedupe_key=f"task-accepted:{step.pk}",
    )
    return step


@dataclass
class BatchResult:
    accepted: list = field(default_factory=list)  # assignments
    refused: list = field(default_factory=list)  # (assignment, Chinese reason)


def accept_many(*, assignments, user, comment: str = "") -> BatchResult:
    """批量采纳: each assignment accepted through the workflow with all its checks, each in
    its own transaction; what is refused is reported per unit, the rest is taken."""
    result = BatchResult()
    for assignment in assignments:
        try:
            with transaction.atomic():
                accept(assignment=assignment, user=user, comment=comment)
        except WorkflowError as error:
            result.refused.append((assignment, str(error)))
        else:
            result.accepted.append(assignment)
    return result


def return_submission(*, assignment: TaskAssignment, user, comment: str):
    step = ASSIGNMENT.apply(assignment, "return", user=user, comment=comment)
    notify(
        submitters_of([assignment.unit_id]),
        title=_("「%(title)s」的报送被退回，请修改后重新提交") % {"title": assignment.task.title},
        body=step.comment,
        url=assignment.get_absolute_url(),
        kind=Notice.Kind.RETURNED,
        dedupe_key=f"task-returned:{step.pk}",
    )
    return step


def urge(*, assignment: TaskAssignment, user, today: datetime.date | None = None) -> int:
    """Manual 催办 from the issuer: once per unit per day."""
    if assignment.status not in OPEN_STATUSES:
        raise WorkflowError(_("该单位已提交，无需催办。"))
    today = today or timezone.localdate()
    task = assignment.task
    return notify(
        submitters_of([assignment.unit_id]),
        title=_("催办：请尽快报送「%(title)s」（截止 %(deadline)s）")
        % {"title": task.title, "deadline": f"{task.deadline:%Y-%m-%d}"},
        body=_("%(unit)s %(user)s 催办") % {"unit": task.unit.name, "user": user},
        url=assignment.get_absolute_url(),
        kind=Notice.Kind.URGE,
        dedupe_key=f"task-urge:{assignment.pk}:{today:%Y%m%d}",
    )


# ---------------------------------------------------------------------------------------------
# Reporting schedules


@transaction.atomic
def save_schedule(*, form, user) -> ReportingSchedule:
    schedule = form.save(commit=False)
    if schedule.created_by_id is None:
        schedule.created_by = user
    schedule.save()
    form.save_m2m()
    return schedule


@dataclass
class ScheduleRun:
    tasks: int = 0
    assignments: int = 0
    created: list = field(default_factory=list)


def run_schedules(today: datetime.date | None = None) -> ScheduleRun:
    """Issue the current period's task of every active schedule whose period has started.

    Idempotent: the (schedule, period) unique constraint means a second run — or a second
    worker at the same moment — creates nothing twice.
    """
    today = today or timezone.localdate()
    result = ScheduleRun()
    schedules = ReportingSchedule.objects.filter(is_active=True, starts_on__lte=today)
    for schedule in schedules.select_related("unit", "subtree_root", "created_by"):
        period = period_of(schedule.frequency, today)
        if Task.objects.filter(schedule=schedule, period_key=period.key).exists():
            continue
        recipients = resolve_recipients(
            issuing_unit=schedule.unit,
            units=schedule.recipient_units.all(),
            subtree_root=schedule.subtree_root,
            direct_only=schedule.direct_only,
        )
        if not recipients:
            continue
        try:
            with transaction.atomic():
                task = Task.objects.create(
                    unit=schedule.unit,
                    created_by=schedule.created_by,
                    title=schedule.title_template.replace("{period}", period.label),
                    requirements=schedule.requirements,
                    deadline=period.due(schedule.due_day),
                    evidence_required=schedule.evidence_required,
                    duty_item_code=schedule.duty_item_code,
                    schedule=schedule,
                    period_key=period.key,
                    period_start=period.start,
                    period_end=period.end,
                    subtree_root=schedule.subtree_root,
                    direct_only=schedule.direct_only,
                )
                task.recipient_units.set(schedule.recipient_units.all())
                result.assignments += _create_assignments(task, recipients, schedule.created_by)
        except IntegrityError:  # another run created this period's task a moment ago
            continue
        result.tasks += 1
        result.created.append(task)
        _notify_new_task(task)
    return result


# ---------------------------------------------------------------------------------------------
# Reminders


@dataclass
class ReminderRun:
    upcoming: int = 0
    overdue: int = 0
    issuers: int = 0


def send_reminders(
    today: datetime.date | None = None, days_before: int | None = None
) -> ReminderRun:
    """Daily reminders: ``days_before`` days before a deadline, once when it has passed
    (to the unit and, once per task, to the issuer). Dedupe keys make a rerun silent."""
    today = today or timezone.localdate()
    if days_before is None:
        days_before = parameters.value("remind_days_before")
    result = ReminderRun()
    open_assignments = TaskAssignment.objects.filter(
        status__in=OPEN_STATUSES, first_submitted_at__isnull=True
    ).select_related("task", "task__unit", "task__created_by", "unit")
    upcoming = open_assignments.filter(
        task__deadline__gte=today, task__deadline__lte=today + datetime.timedelta(days=days_before)
    )
    for assignment in upcoming:
        task = assignment.task
        left = (task.deadline - today).days
        result.upcoming += notify(
            submitters_of([assignment.unit_id]),
            title=_("「%(title)s」将于 %(deadline)s 截止（还有 %(days)d 天），请按时报送")
            % {"title": task.title, "deadline": f"{task.deadline:%Y-%m-%d}", "days": left},
            url=assignment.get_absolute_url(),
            kind=Notice.Kind.REMINDER,
            dedupe_key=f"task-due:{assignment.pk}:{task.deadline:%Y%m%d}",
        )
    overdue_tasks: dict[int, list] = {}
    for assignment in open_assignments.filter(task__deadline__lt=today):
        task = assignment.task
        overdue_tasks.setdefault(task.pk, [task, 0])[1] += 1
        result.overdue += notify(
            submitters_of([assignment.unit_id]),
            title=_("「%(title)s」已于 %(deadline)s 截止，贵单位尚未报送，请尽快报送")
            % {"title": task.title, "deadline": f"{task.deadline:%Y-%m-%d}"},
            url=assignment.get_absolute_url(),
            kind=Notice.Kind.OVERDUE,
            dedupe_key=f"task-overdue:{assignment.pk}:{task.deadline:%Y%m%d}",
        )
    for task, count in overdue_tasks.values():
        if task.created_by_id:
            result.issuers += notify(
                [task.created_by],
                title=_("「%(title)s」已截止，%(n)d 个单位逾期未报")
                % {"title": task.title, "n": count},
                url=reverse("tasks:task_detail", args=[task.pk]),
                kind=Notice.Kind.OVERDUE,
                dedupe_key=f"task-overdue-issuer:{task.pk}:{task.deadline:%Y%m%d}",
            )
    return result

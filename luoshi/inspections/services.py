"""Writes of 督查整改. Every status change goes through ``luoshi.inspections.workflow``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.core import parameters
from luoshi.core.workflow import WorkflowError
from luoshi.evidence import services as evidence_services
from luoshi.evidence.selectors import has_current_evidence
from luoshi.inspections.models import (
    OPEN_RECTIFICATION,
    ChecklistLine,
    Finding,
    InspectionPlan,
    InspectionResult,
    PlanStatus,
    RectificationItem,
    RectificationStatus,
    ScoreLine,
)
from luoshi.inspections.selectors import rectifiers_of
from luoshi.inspections.workflow import PLAN, RECTIFICATION, RESULT
from luoshi.notices.models import Notice
from luoshi.notices.services import notify

# ---------------------------------------------------------------------------------------------
# Plans


def parse_custom_lines(text: str) -> list[tuple[str, Decimal]]:
    """「检查内容|分值」 per line (分值 optional, default 10)."""
    lines = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        raw = raw.strip()
        if not raw:
            continue
        name, _sep, score = raw.partition("|")
        try:
            value = Decimal(score.strip()) if score.strip() else Decimal(10)
        except ArithmeticError as error:
            raise ValidationError(
                _("自定义检查内容第 %(n)d 行的分值不是数字。") % {"n": number}
            ) from error
        if value <= 0:
            raise ValidationError(_("自定义检查内容第 %(n)d 行的分值须大于 0。") % {"n": number})
        lines.append((name.strip()[:200], value))
    return lines


@transaction.atomic
def save_plan(*, form, user) -> InspectionPlan:
    """Save a plan form: checklist lines from the chosen pack items plus custom lines, and
    one result (待督查) per inspected unit. Lines and results already there are kept."""
    plan = form.save(commit=False)
    if plan.created_by_id is None:
        plan.created_by = user
    plan.save()
    form.save_m2m()
    order = plan.lines.count()
    have_items = set(plan.lines.exclude(pack_item=None).values_list("pack_item_id", flat=True))
    for item in form.cleaned_data.get("pack_items") or []:
        if item.pk in have_items:
            continue
        order += 1
        ChecklistLine.objects.create(
            plan=plan,
            order=order,
            code=item.code,
            name=item.name,
            max_score=form.cleaned_data.get("default_max") or 10,
            pack_item=item,
        )
    for name, max_score in form.cleaned_data.get("custom_lines") or []:
        order += 1
        ChecklistLine.objects.create(plan=plan, order=order, name=name, max_score=max_score)
    ensure_results(plan, user)
    return plan


def ensure_results(plan: InspectionPlan, user=None) -> int:
    existing = set(plan.results.values_list("unit_id", flat=True))
    new = [
        InspectionResult(plan=plan, unit=unit, created_by=user)
        for unit in plan.inspected_units.all()
        if unit.pk not in existing
    ]
    InspectionResult.objects.bulk_create(new)
    return len(new)


def plan_step(*, plan: InspectionPlan, user, name: str):
    return PLAN.apply(plan, name, user=user)


# ---------------------------------------------------------------------------------------------
# Results: score sheet and findings (the plan's team only)


def _check_team(plan: InspectionPlan, user) -> None:
    if not plan.on_team(user):
        raise WorkflowError(_("只有本次督查的督查组成员才能录入督查结果。"))
    if plan.status == PlanStatus.COMPLETED:
        raise WorkflowError(_("督查已完成，不能再修改督查结果。"))


@transaction.atomic
def save_scores(*, result: InspectionResult, user, scores: dict, inspected_on=None, summary=None):
    """``scores``: {line id: (score or None, note)}; a score above the line's maximum or
    below zero is refused whole."""
    plan = result.plan
    _check_team(plan, user)
    lines = {line.pk: line for line in plan.lines.all()}
    for line_id, (score, _note) in scores.items():
        line = lines.get(int(line_id))
        if line is None:
            raise WorkflowError(_("检查内容不属于本次督查。"))
        if score is not None and not (0 <= score <= line.max_score):
            raise WorkflowError(
                _("「%(line)s」的得分须在 0 到 %(max)s 之间。")
                % {"line": line.name, "max": line.max_score}
            )
    for line_id, (score, note) in scores.items():
        ScoreLine.objects.update_or_create(
            result=result, line_id=int(line_id), defaults={"score": score, "note": note or ""}
        )
    values = [s for s in result.scores.values_list("score", flat=True) if s is not None]
    result.total_score = sum(values, start=Decimal(0)) if values else None
    if inspected_on is not None:
        result.inspected_on = inspected_on
    if summary is not None:
        result.summary = summary
    result.recorded_by = user
    result.save()
    return result


@transaction.atomic
def add_finding(
    *,
    result: InspectionResult,
    user,
    description: str,
    owner,
    deadline: datetime.date,
    line=None,
    requirement: str = "",
) -> RectificationItem:
    """A problem found in the unit: it becomes a rectification item (待整改) at once."""
    _check_team(result.plan, user)
    description = (description or "").strip()
    if not description:
        raise WorkflowError(_("请填写问题描述。"))
    if owner is None or owner.unit_id != result.unit_id:
        raise WorkflowError(_("整改责任人须是被督查单位的人员。"))
    if line is not None and line.plan_id != result.plan_id:
        raise WorkflowError(_("检查内容不属于本次督查。"))
    finding = Finding.objects.create(
        unit=result.unit,
        created_by=user,
        result=result,
        plan=result.plan,
        line=line,
        description=description,
        requirement=(requirement or "").strip(),
    )
    item = RectificationItem.objects.create(
        unit=result.unit, created_by=user, finding=finding, owner=owner, deadline=deadline
    )
    notify(
        {owner, *rectifiers_of([result.unit_id])},
        title=_("督查发现问题，请于 %(deadline)s 前完成整改：%(text)s")
        % {"deadline": f"{deadline:%Y-%m-%d}", "text": description[:60]},
        url=item.get_absolute_url(),
        kind=Notice.Kind.INFO,
        dedupe_key=f"rect-new:{item.pk}",
    )
    return item


def record_result(*, result: InspectionResult, user):
    return RESULT.apply(result, "record", user=user, recorded_by=user)


# ---------------------------------------------------------------------------------------------
# Rectification


def submit(*, item: RectificationItem, user, response: str, files=()):
    """The unit submits (or resubmits after a send-back) its rectification with evidence."""
    name = "resubmit" if item.status == RectificationStatus.RETURNED else "submit"
    response = (response or "").strip()
    if not response:
        raise WorkflowError(_("请填写整改情况。"))
    if not files and not has_current_evidence(item):
        raise WorkflowError(_("请上传整改佐证材料后再提交。"))
    with transaction.atomic():
        step = RECTIFICATION.apply(
            item,
            name,
            user=user,
            response=response,
            submitted_at=timezone.now(),
            submitted_by=user,
        )
        for uploaded in files:
            evidence_services.attach_file(owner=item, uploaded=uploaded, user=user)
    notify(
        item.finding.result.plan.team.all(),
        title=_("%(unit)s已提交整改：%(text)s")
        % {"unit": item.unit.name, "text": item.finding.description[:60]},
        url=item.get_absolute_url(),
        dedupe_key=f"rect-submitted:{step.pk}",
    )
    return step


def close(*, item: RectificationItem, user, comment: str = ""):
    step = RECTIFICATION.apply(
        item, "close", user=user, comment=comment, closed_at=timezone.now(), closed_by=user
    )
    notify(
        {item.owner, *rectifiers_of([item.unit_id])},
        title=_("整改事项已销号：%(text)s") % {"text": item.finding.description[:60]},
        url=item.get_absolute_url(),
        kind=Notice.Kind.ACCEPTED,
        dedupe_key=f"rect-closed:{step.pk}",
    )
    return step


def send_back(*, item: RectificationItem, user, comment: str):
    step = RECTIFICATION.apply(item, "send_back", user=user, comment=comment)
    notify(
        {item.owner, *rectifiers_of([item.unit_id])},
        title=_("整改被退回，请重新整改：%(text)s") % {"text": item.finding.description[:60]},
        body=step.comment,
        url=item.get_absolute_url(),
        kind=Notice.Kind.RETURNED,
        dedupe_key=f"rect-returned:{step.pk}",
    )
    return step


# ---------------------------------------------------------------------------------------------
# Reminders (called by ``manage.py inspection_reminders`` and the tasks daily job)


@dataclass
class ReminderRun:
    upcoming: int = 0
    overdue: int = 0


def send_reminders(today: datetime.date | None = None, days_before: int | None = None):
    """``days_before`` days before a rectification deadline, and once when it has passed,
    to the owner and the unit's submitters. Dedupe keys make a rerun silent."""
    today = today or timezone.localdate()
    if days_before is None:
        days_before = parameters.value("remind_days_before")
    result = ReminderRun()
    open_items = RectificationItem.objects.filter(status__in=OPEN_RECTIFICATION).select_related(
        "finding", "owner", "unit"
    )
    upcoming = open_items.filter(
        deadline__gte=today, deadline__lte=today + datetime.timedelta(days=days_before)
    )
    for item in upcoming:
        result.upcoming += notify(
            {item.owner, *rectifiers_of([item.unit_id])},
            title=_("整改事项将于 %(deadline)s 到期（还有 %(days)d 天）：%(text)s")
            % {
                "deadline": f"{item.deadline:%Y-%m-%d}",
                "days": (item.deadline - today).days,
                "text": item.finding.description[:60],
            },
            url=item.get_absolute_url(),
            kind=Notice.Kind.REMINDER,
            dedupe_key=f"rect-due:{item.pk}:{item.deadline:%Y%m%d}",
        )
    for item in open_items.filter(deadline__lt=today):
        result.overdue += notify(
            {item.owner, *rectifiers_of([item.unit_id])},
            title=_("整改事项已于 %(deadline)s 逾期，请尽快整改：%(text)s")
            % {"deadline": f"{item.deadline:%Y-%m-%d}", "text": item.finding.description[:60]},
            url=item.get_absolute_url(),
            kind=Notice.Kind.OVERDUE,
            dedupe_key=f"rect-overdue:{item.pk}:{item.deadline:%Y%m%d}",
        )
    return result

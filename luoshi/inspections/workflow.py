"""The steps of 督查整改, declared once with the core workflow helper.

Plan: 草拟 → 督查中 → 已完成. Result of one unit: 待督查 → 已反馈.
Rectification: 待整改 → 已提交 → 已销号, or → 退回重改 → (resubmit) 已提交 …
Separation: the inspected unit's own staff submit; only a member of the plan's team, from
another unit, verifies (closes out or sends back).
"""

from django.utils.translation import gettext_lazy as _

from luoshi.core.workflow import Workflow, WorkflowError, taken_by
from luoshi.inspections.models import (
    InspectionPlan,
    InspectionResult,
    PlanStatus,
    RectificationItem,
    RectificationStatus,
    ResultStatus,
)

PLAN_PERMISSION = "inspections.change_inspectionplan"
RECORD_PERMISSION = "inspections.change_inspectionresult"
SUBMIT_PERMISSION = "inspections.change_rectificationitem"
VERIFY_PERMISSION = "inspections.verify_rectificationitem"


def _inspecting_side(user, plan) -> bool:
    return InspectionPlan.objects.for_user(user).filter(pk=plan.pk).exists()


def _on_team(user, result) -> bool:
    if not result.plan.on_team(user):
        raise WorkflowError(_("只有本次督查的督查组成员才能录入督查结果。"))
    return True


def _is_inspected_unit(user, item) -> bool:
    if user.unit_id is None or user.unit_id != item.unit_id:
        raise WorkflowError(_("只有被督查单位才能提交整改情况。"))
    return True


def _verifier(user, item) -> bool:
    if user.unit_id is not None and user.unit_id == item.unit_id:
        raise WorkflowError(_("被督查单位不能为本单位的整改事项核验销号，须由督查组核验。"))
    if not item.finding.result.plan.on_team(user):
        raise WorkflowError(_("只有本次督查的督查组成员才能核验整改事项。"))
    return True


def verifiable(items, user):
    """``items`` narrowed in the query to those ``_verifier`` lets ``user`` verify: of the
    plans whose team the user sits on, not of the user's own unit (the workflow still decides
    each one: permission, state, separation of duties)."""
    items = items.filter(finding__result__plan__team=user)
    return items.exclude(unit_id=user.unit_id) if user.unit_id else items


planner = taken_by(PLAN_PERMISSION, _inspecting_side)
inspected_unit = taken_by(SUBMIT_PERMISSION, _is_inspected_unit)
verifier = taken_by(VERIFY_PERMISSION, _verifier)
team_member = taken_by(RECORD_PERMISSION, _on_team)
P, R = PlanStatus, RectificationStatus

# What the page asks once before an irreversible step is taken.
CONFIRM = {
    "complete": _("完成后督查方案关闭，检查清单和各单位的督查结果不能再修改；确定完成督查吗？"),
    "record": _("反馈后督查结果和评分发给被督查单位，不能再修改；确定反馈吗？"),
    "close": _("销号后整改事项关闭，整改材料不能再修改；确定销号吗？"),
}

PLAN = Workflow(
    "inspections.plan",
    model=InspectionPlan,
    frozen=[P.COMPLETED],
    transitions=[
        planner("start", _("开始督查"), P.DRAFT, P.IN_PROGRESS),
        planner("complete", _("完成督查"), P.IN_PROGRESS, P.COMPLETED, confirm=CONFIRM["complete"]),
    ],
)

RESULT = Workflow(
    "inspections.result",
    model=InspectionResult,  # final with its plan (``frozen_with``): the team adds evidence
    transitions=[
        team_member(
            "record",
            _("反馈督查结果"),
            ResultStatus.PENDING,
            ResultStatus.RECORDED,
            confirm=CONFIRM["record"],
        ),
    ],
)

RECTIFICATION = Workflow(
    "inspections.rectification",
    model=RectificationItem,
    frozen=[R.CLOSED],
    transitions=[
        inspected_unit("submit", _("提交整改"), R.PENDING, R.SUBMITTED),
        inspected_unit("resubmit", _("重新提交整改"), R.RETURNED, R.SUBMITTED),
        verifier("close", _("销号"), R.SUBMITTED, R.CLOSED, confirm=CONFIRM["close"]),
        verifier("send_back", _("退回重改"), R.SUBMITTED, R.RETURNED, comment_required=True),
    ],
)

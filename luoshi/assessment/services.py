"""Writes of the assessment module: create, compute (idempotent), manual scores, steps."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.assessment import scoring
from luoshi.assessment.models import Assessment, AssessmentScore, AssessmentStatus
from luoshi.assessment.workflow import ASSESSMENT
from luoshi.core import parameters
from luoshi.core.indicators import SYSTEM
from luoshi.core.scope import in_write_scope
from luoshi.core.workflow import WorkflowError
from luoshi.duty.models import DutyList
from luoshi.duty.selectors import item_progress
from luoshi.duty.services import generate_duty_list
from luoshi.units.models import Unit

AUTO_FIELDS = ["name", "area_name", "order", "duty_item", "points", "rule", "value", "achieved"]


@transaction.atomic
def create_assessment(*, unit, year: int, pack, user, name: str = "", targets=None) -> Assessment:
    """An assessment held by ``unit``; ``targets`` default to its direct children."""
    if targets is None or not list(targets):
        targets = children_of(unit)
    assessment = Assessment.objects.create(
        unit=unit,
        year=year,
        pack=pack,
        name=name or _("%(year)d年度%(pack)s考核") % {"year": year, "pack": pack.name},
        grades=pack.grades or parameters.value("assessment_grades"),
        created_by=user,
    )
    assessment.targets.set(targets)
    return assessment


def children_of(unit):
    return Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1, is_active=True)


def _require_open(assessment: Assessment) -> None:
    if assessment.status == AssessmentStatus.PUBLISHED:
        raise WorkflowError(_("考核结果已发布，不能再修改或重新计算。"))
    if assessment.status == AssessmentStatus.REVIEWED:
        raise WorkflowError(_("考核已复核通过，修改评分须先「退回重算」。"))


def _duty_list(assessment, unit, user):
    """The unit's list of the year and pack; generated when it has none, by a user who may
    write in that unit (``user`` None: a system process)."""
    duty_list = DutyList.objects.filter(
        unit=unit, year=assessment.year, pack_code=assessment.pack.code
    ).first()
    if duty_list is not None:
        return duty_list
    if user is not None and not in_write_scope(user, unit):
        raise WorkflowError(
            _("被考核单位「%(unit)s」尚无%(year)s年度责任清单，您无权为其生成，请先由该单位生成。")
            % {"unit": unit.name, "year": assessment.year}
        )
    return generate_duty_list(unit=unit, year=assessment.year, pack=assessment.pack, user=user)


def evaluate(item, pack_item, *, year: int) -> dict:
    """The automatic fields of one score: rule, measured value, url, achieved, auto_score;
    ``excluded`` when the unit does not carry the item (dropped, retired, not on its list)."""
    source = item or pack_item
    values = {
        "name": source.name,
        "area_name": pack_item.parent.name if pack_item.parent_id else "",
        "order": pack_item.order,
        "duty_item": item,
        "points": Decimal(str((source.scoring or {}).get("points") or 0)),
        "rule": scoring.rule_text(source) if source.scoring else _("未设评分规则，不计分。"),
        "value": "",
        "achieved": None,
        "url": "",
        "auto_score": None,
        "excluded": False,
    }
    if item is None or not item.is_active or not item.scoring:
        values["excluded"] = True
        if item is None:
            values["value"] = _("本单位责任清单中没有此项")
        elif item.is_dropped:
            values["value"] = _("本单位已删减：%(r)s") % {"r": item.drop_reason}
        elif item.is_retired:
            values["value"] = _("责任项已停用")
        return values
    # The assessing body scores each target unit's own records (never a subtree).
    progress = item_progress(item, user=SYSTEM, today=datetime.date(year, 12, 31))
    result = scoring.achievement(progress)
    values["value"] = scoring.value_text(progress, result)
    values["url"] = progress.url or ""
    if result is not None:
        values["achieved"] = result.achieved
        values["auto_score"] = scoring.score(item.scoring, result)
    return values


@transaction.atomic
def compute(*, assessment: Assessment, user) -> int:
    """(Re)compute every automatic score from the records. Idempotent while unpublished:
    one row per target unit × pack item, automatic fields replaced, manual scores, their
    reasons and evidence kept. Refused (``WorkflowError``) once published. Returns the
    number of score rows."""
    _require_open(assessment)
    ASSESSMENT.apply(assessment, "compute", user=user, computed_at=timezone.now())
    pack_items = list(
        assessment.pack.items.filter(is_area=False, is_retired=False)
        .select_related("parent")
        .order_by("order")
    )
    existing = {(s.unit_id, s.code): s for s in assessment.scores.all()}
    keep = set()
    for unit in assessment.targets.order_by("path"):
        duty_list = _duty_list(assessment, unit, user)
        items = {
            i.code: i
            for i in duty_list.items.select_related("duty_list").prefetch_related("checks")
        }
        for pack_item in pack_items:
            item = items.get(pack_item.code)
            if item is not None:
                item.unit = unit
            values = evaluate(item, pack_item, year=assessment.year)
            row = existing.get((unit.pk, pack_item.code))
            if row is None:
                row = AssessmentScore(assessment=assessment, unit=unit, code=pack_item.code)
            for name, value in values.items():
                setattr(row, name, value)
            row.save()
            keep.add(row.pk)
    assessment.scores.exclude(pk__in=keep).delete()
    return len(keep)


@transaction.atomic
def set_manual_score(*, score: AssessmentScore, value, reason: str, user) -> AssessmentScore:
    """A manual score with its mandatory reason (``value`` None clears it back to the
    automatic score). Refused once the assessment is published."""
    assessment = Assessment.objects.select_for_update().get(pk=score.assessment_id)
    _require_open(assessment)
    reason = (reason or "").strip()
    if value is None:
        score.manual_score, score.reason = None, ""
    else:
        if not reason:
            raise WorkflowError(_("手工评分须填写评分理由。"))
        value = Decimal(value)
        if value < 0 or value > score.points:
            raise WorkflowError(_("得分应在 0 到 %(p)s 分之间。") % {"p": scoring._n(score.points)})
        score.manual_score, score.reason = value.quantize(scoring.CENT), reason
    score.scored_by, score.scored_at = user, timezone.now()
    score.save(update_fields=["manual_score", "reason", "scored_by", "scored_at"])
    return score


def submit(*, assessment, user):
    return ASSESSMENT.apply(assessment, "submit", user=user)


def review(*, assessment, user):
    return ASSESSMENT.apply(assessment, "review", user=user)


def send_back(*, assessment, user, comment: str):
    return ASSESSMENT.apply(assessment, "return", user=user, comment=comment)


def publish(*, assessment, user):
    return ASSESSMENT.apply(
        assessment, "publish", user=user, published_at=timezone.now(), published_by=user
    )

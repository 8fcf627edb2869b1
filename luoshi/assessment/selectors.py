"""Reads of the assessment module: assessments in scope, score sheets, totals and ranking."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from luoshi.assessment.models import Assessment, AssessmentScore
from luoshi.core import metrics, parameters
from luoshi.units.models import Unit

# The default of the 参数设置 parameter ``assessment_grades``, used when the pack has no
# ``grades``: 好 ≥90, 较好 ≥80, 一般 ≥60, 差 below.
DEFAULT_GRADES = [
    {"name": "好", "at_least": 90.0},
    {"name": "较好", "at_least": 80.0},
    {"name": "一般", "at_least": 60.0},
    {"name": "差", "at_least": 0.0},
]
GRADE_CLASSES = ["success", "primary", "warning", "danger", "secondary"]


def assessments_for(user):
    return Assessment.objects.for_user(user).select_related("unit", "pack", "published_by")


def scores_for(user):
    return AssessmentScore.objects.for_user(user).select_related("assessment", "unit")


def grades_of(assessment: Assessment) -> list[dict]:
    return assessment.grades or assessment.pack.grades or parameters.value("assessment_grades")


def grade_for(percent: Decimal, grades: list[dict]) -> tuple[str, str]:
    """(grade name, bootstrap colour) of a percentage of full marks."""
    for index, grade in enumerate(grades):
        if percent >= Decimal(str(grade["at_least"])):
            return grade["name"], GRADE_CLASSES[min(index, len(GRADE_CLASSES) - 1)]
    return grades[-1]["name"], "danger"


def pending_of(assessment: Assessment, user) -> metrics.Value:
    """待评分 of the assessment: the ``assessment_pending`` metric of its scores the user may
    open, linking to them."""
    return metrics.of_object("assessment_pending", user=user, params={"assessment": assessment.pk})


@dataclass
class RankRow:
    unit: Unit
    total: Decimal = Decimal(0)
    full: Decimal = Decimal(0)
    # 待评分 and 手工评分 of the unit (``ranking(pending_by=user)``)
    pending: metrics.Value | None = None
    manual: metrics.Value | None = None
    rank: int = 0
    grade: str = ""
    grade_css: str = ""
    scores: list = field(default_factory=list)
    url: str = ""  # the unit's sheet, where a page links the row

    @property
    def percent(self) -> Decimal:
        if not self.full:
            return Decimal(0)
        return (self.total * 100 / self.full).quantize(Decimal("0.01"))


def ranking(assessment: Assessment, pending_by=None) -> list[RankRow]:
    """One row per target unit: total, full marks, % of full marks, rank and grade band.
    Ranked by % of full marks (units may have items not assessed), then total. With
    ``pending_by`` (a user): each row's 待评分 too (``assessment_pending`` by unit, one
    GROUP BY)."""
    rows: dict[int, RankRow] = {}
    for unit in assessment.targets.order_by("path"):
        rows[unit.pk] = RankRow(unit=unit)
    if pending_by is not None:
        pending, manual = (
            metrics.breakdown_of_object(
                key,
                user=pending_by,
                params={"assessment": assessment.pk},
                fields=("unit",),
                cells=[(pk,) for pk in rows],
            )
            for key in ("assessment_pending", "assessment_manual")
        )
        for pk, target in rows.items():
            target.pending, target.manual = pending[(pk,)], manual[(pk,)]
    for score in assessment.scores.order_by("unit__path", "order"):
        row = rows.get(score.unit_id)
        if row is None:
            continue
        row.scores.append(score)
        if score.excluded:
            continue
        row.full += score.points
        if score.score is not None:
            row.total += score.score
    ordered = sorted(rows.values(), key=lambda r: (-r.percent, -r.total, r.unit.path))
    grades = grades_of(assessment)
    previous = None
    for position, row in enumerate(ordered, start=1):
        key = (row.percent, row.total)
        row.rank = previous[1] if previous and previous[0] == key else position
        previous = (key, row.rank)
        if row.scores:
            row.grade, row.grade_css = grade_for(row.percent, grades)
    return ordered


def sheet(assessment: Assessment, unit) -> list[tuple[str, list[AssessmentScore]]]:
    """A unit's scores grouped by area."""
    groups: dict[str, list] = {}
    for score in assessment.scores.filter(unit=unit).select_related("scored_by"):
        groups.setdefault(score.area_name or _("其他"), []).append(score)
    return list(groups.items())
